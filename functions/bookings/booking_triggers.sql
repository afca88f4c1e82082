-- Bookings follow their service session, and the database keeps the books:
--  * before insert/update: start_time/end_time/provider_id/service_id copied from the service
--    session (the deprecated columns stay right for old frontends); status changes checked
--    (cancelled is final; cancelling goes through cancel_booking / booking_cancellations);
--  * after insert/update/delete: service_sessions.current_participants = live bookings (never
--    above max_participants: CAPACITY_REACHED), one booking_status_history row per status
--    change, and a 1-to-1 (individual) session follows its booking (cancelled / completed).

create or replace function private.bookings_before_write()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_session public.service_sessions;
begin
  if new.service_session_id is not null
     and (tg_op = 'INSERT'
          or new.service_session_id is distinct from old.service_session_id
          or new.start_time is distinct from old.start_time
          or new.end_time is distinct from old.end_time
          or new.provider_id is distinct from old.provider_id) then
    select ss.* into v_session
    from public.service_sessions ss
    where ss.id = new.service_session_id;
    if v_session.id is not null then
      new.start_time := v_session.starts_at;
      new.end_time := v_session.ends_at;
      new.provider_id := v_session.provider_id;
      new.service_id := v_session.service_id;
    end if;
  end if;

  if tg_op = 'UPDATE' and new.status is distinct from old.status and not private.is_service_call() then
    if old.status = 'cancelled' then
      perform private.raise_error('ALREADY_CANCELLED', 'This booking is cancelled; a cancellation is final.', 'status');
    end if;
    if new.status = 'cancelled'
       and coalesce(current_setting('sessionkit.cancelling', true), '') <> new.id::text then
      perform private.raise_error(
        'INVALID_REQUEST',
        'Cancel a booking with cancel_booking() (or by inserting into booking_cancellations), not by updating its status.',
        'status'
      );
    end if;
  end if;
  return new;
end
$$;

comment on function private.bookings_before_write() is
  'BEFORE INSERT/UPDATE trigger on bookings: syncs the deprecated start_time/end_time (and provider_id, service_id) from the service session; a cancelled booking stays cancelled and only the cancellation path may cancel (ALREADY_CANCELLED, INVALID_REQUEST). Service calls may change statuses freely (backfills).';

revoke all on function private.bookings_before_write() from public, anon;

create or replace function private.bookings_after_write()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_old_counts boolean := false;
  v_new_counts boolean := false;
  v_reason text := nullif(current_setting('sessionkit.status_reason', true), '');
begin
  if tg_op in ('UPDATE', 'DELETE') then
    v_old_counts := old.service_session_id is not null and old.status <> 'cancelled';
  end if;
  if tg_op in ('INSERT', 'UPDATE') then
    v_new_counts := new.service_session_id is not null and new.status <> 'cancelled';
  end if;

  -- participants: leave the old session, join the new one (capacity checked under the row lock)
  if v_old_counts and not (v_new_counts and new.service_session_id = old.service_session_id) then
    update public.service_sessions ss
    set current_participants = greatest(ss.current_participants - 1, 0)
    where ss.id = old.service_session_id;
  end if;
  if v_new_counts and not (v_old_counts and new.service_session_id = old.service_session_id) then
    update public.service_sessions ss
    set current_participants = ss.current_participants + 1
    where ss.id = new.service_session_id
      and ss.current_participants < ss.max_participants;
    if not found then
      perform private.raise_error('CAPACITY_REACHED', 'This session is full.', 'service_session_id');
    end if;
  end if;

  if tg_op = 'DELETE' then
    return null;
  end if;

  if tg_op = 'INSERT' or new.status is distinct from old.status then
    insert into public.booking_status_history (organization_id, booking_id, from_status, to_status, changed_by, reason)
    values (new.organization_id, new.id, case when tg_op = 'UPDATE' then old.status end, new.status,
            (select auth.uid()), v_reason);
  end if;

  -- a 1-to-1 session lives and dies with its booking
  if tg_op = 'UPDATE' and new.status is distinct from old.status and new.service_session_id is not null
     and new.status in ('cancelled', 'completed', 'no_show') then
    update public.service_sessions ss
    set status = case when new.status = 'cancelled' then 'cancelled' else 'completed' end
    where ss.id = new.service_session_id
      and ss.kind = 'individual'
      and ss.status = 'scheduled'
      and not exists (
        select 1 from public.bookings b
        where b.service_session_id = ss.id
          and b.status in ('pending', 'confirmed')
      );
  end if;
  return null;
end
$$;

comment on function private.bookings_after_write() is
  'AFTER INSERT/UPDATE/DELETE trigger on bookings: maintains service_sessions.current_participants (CAPACITY_REACHED when full), writes booking_status_history (reason from sessionkit.status_reason), cancels/completes the individual service session with its booking.';

revoke all on function private.bookings_after_write() from public, anon;
