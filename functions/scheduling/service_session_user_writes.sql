-- Scheduling a session has one set of rules, whoever writes it: create_service_session, or staff
-- writing service_sessions directly through PostgREST (the legacy admin app creates workshops
-- and courses that way). The booking rules of purpose schedule (functions/rules/) are the shared
-- part; the trigger function below (triggers/service_sessions.sql; direct writes by signed-in users only: current_user
-- anon/authenticated, never our security definer functions) asks them like
-- create_service_session does.
--
-- INSERT: status scheduled, the service of the organization and active (SERVICE_INACTIVE), the
--   provider an accepted provider-capable member (NOT_FOUND) and the service's provider if it
--   names one, the session type resolved like the RPC (named, the service's, the organization
--   default), at most 24 hours long, not in the past (BOOKING_IN_PAST) and free of the provider's
--   other sessions with buffers, under the provider lock (SLOT_TAKEN). The participant count
--   starts at 0 (service_sessions_before_write).
-- INSERT also starts the participant count at 0.
-- UPDATE: location, visibility, capacity (never below the participants) and status (not to
--   cancelled while live bookings remain: CONFLICT; current_participants is the database's); a move
--   (starts_at/ends_at/provider_id) or a revival (cancelled -> scheduled) passes the same
--   schedule rules; a 1-to-1 session with a live booking moves only with reschedule_booking;
--   scheduled -> cancelled needs no live bookings, -> completed
--   only once started; completed and cancelled are final otherwise. organization, service, kind,
--   session type and creation time are fixed.

create or replace function private.service_sessions_admit_user_write()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_service_type uuid;
  v_type_id uuid;
  v_minutes integer;
  v_column text;
begin
  if tg_op = 'UPDATE' then
    v_column := case
      when new.id is distinct from old.id then 'id'
      when new.organization_id is distinct from old.organization_id then 'organization_id'
      when new.service_id is distinct from old.service_id then 'service_id'
      when new.kind is distinct from old.kind then 'kind'
      when new.session_type_id is distinct from old.session_type_id then 'session_type_id'
      when new.created_at is distinct from old.created_at then 'created_at'
    end;
    if v_column is not null then
      perform private.raise_error('INVALID_REQUEST', format('%s of a session is fixed when it is scheduled.', v_column), v_column);
    end if;
    if new.current_participants is distinct from old.current_participants then
      perform private.raise_error(
        'INVALID_REQUEST',
        'current_participants is maintained by the database from the session''s bookings.',
        'current_participants'
      );
    end if;
    if new.status = 'cancelled' and old.status <> 'cancelled' and exists (
      select 1 from public.bookings b
      where b.service_session_id = new.id
        and b.status in ('pending', 'confirmed')
    ) then
      perform private.raise_error('CONFLICT', 'This session still has bookings; cancel them first.', 'status');
    end if;
    if new.status is distinct from old.status and not (
         (old.status = 'scheduled' and new.status in ('cancelled', 'completed'))
         or (old.status = 'cancelled' and new.status = 'scheduled')) then
      perform private.raise_error(
        'INVALID_REQUEST',
        format('A session does not go from %s to %s.', old.status, new.status),
        'status'
      );
    end if;
    if new.status = 'completed' and old.status <> 'completed' and new.starts_at > now() then
      perform private.raise_error('BOOKING_NOT_STARTED', 'The session has not started yet.', 'status');
    end if;
    if new.starts_at is not distinct from old.starts_at
       and new.ends_at is not distinct from old.ends_at
       and new.provider_id is not distinct from old.provider_id
       and not (old.status = 'cancelled' and new.status = 'scheduled') then
      return new;  -- nothing moves on anyone's calendar
    end if;
    if new.kind = 'individual' and exists (
      select 1 from public.bookings b
      where b.service_session_id = new.id
        and b.status in ('pending', 'confirmed')
    ) then
      perform private.raise_error('INVALID_REQUEST', 'Move a 1-to-1 booking with reschedule_booking().', 'starts_at');
    end if;
  elsif not (private.has_role(new.organization_id, array['owner', 'admin'])
              or (new.provider_id = (select auth.uid()) and private.has_role(new.organization_id, array['provider']))) then
    return new;  -- not theirs to schedule (the insert policy's test): row level security refuses it
  elsif new.status is distinct from 'scheduled' then
    perform private.raise_error('INVALID_REQUEST', 'A new session is scheduled.', 'status');
  else
    new.current_participants := 0;  -- the bookings trigger counts them
  end if;

  perform private.require_sane_timestamp(new.starts_at, 'starts_at');
  if tg_op = 'INSERT' then
    -- the session type as create_service_session resolves it (a session that names its end
    -- needs none when none applies)
    select sv.session_type_id into v_service_type from public.services sv where sv.id = new.service_id;
    select t.session_type_id, t.duration_minutes into v_type_id, v_minutes
    from private.session_type_for(new.organization_id, new.session_type_id, v_service_type) as t;
    new.session_type_id := v_type_id;
    new.ends_at := coalesce(new.ends_at, new.starts_at + make_interval(mins => v_minutes));
  end if;

  -- the rules of create_service_session (purpose schedule), hints naming the columns
  perform private.lock_provider(new.provider_id);
  perform private.assert_bookable(
    private.new_candidate(
      purpose => 'schedule',
      organization_id => new.organization_id,
      service_id => new.service_id,
      provider_id => new.provider_id,
      starts_at => new.starts_at,
      ends_at => new.ends_at,
      session_type_id => new.session_type_id,
      exclude_session_id => case when tg_op = 'UPDATE' then new.id end
    ),
    ''
  );
  return new;
end
$$;

comment on function private.service_sessions_admit_user_write() is
  'BEFORE INSERT/UPDATE trigger on service_sessions for direct writes by signed-in users (PostgREST): the rules of create_service_session (service of the organization and active, accepted provider, session type, at most 24 hours, not in the past, no overlap with buffers under the provider lock) for a new, moved or revived session; status transitions scheduled -> cancelled | completed (once started), cancelled -> scheduled; organization, service, kind and session type fixed; a booked 1-to-1 session moves only with reschedule_booking. INVALID_REQUEST, NOT_FOUND, SERVICE_INACTIVE, BOOKING_IN_PAST, BOOKING_NOT_STARTED, SLOT_TAKEN; hints name columns.';

revoke all on function private.service_sessions_admit_user_write() from public, anon;
