-- complete_booking / mark_no_show: the provider of the booking (or an owner/admin) records
-- what happened once the session has started. One implementation: private.finish_booking. Its
-- rules (private.assert_booking_finishable) and its effects (status history, the booking.<status>
-- event: the bookings statement trigger) are shared with a direct `update bookings set status = 'completed' | 'no_show'` through PostgREST
-- (private.bookings_admit_user_write), so that path has the same rules and effects.

create or replace function private.assert_booking_finishable(p_booking public.bookings, p_hint text)
returns void
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  if p_booking.status = 'cancelled' then
    perform private.raise_error('ALREADY_CANCELLED', 'This booking is cancelled.', p_hint);
  end if;
  if p_booking.status in ('completed', 'no_show') then
    perform private.raise_error('CONFLICT', format('This booking is already marked %s.', p_booking.status), p_hint);
  end if;
  if p_booking.status = 'pending' and p_booking.approval_expires_at is not null then
    -- never confirmed: it expires (private.expire_pending_bookings), it did not take place
    perform private.raise_error('CONFLICT', 'This booking was never confirmed: it expires unanswered.', p_hint);
  end if;
  if public.computed_start_time(p_booking) > now() then
    perform private.raise_error('BOOKING_NOT_STARTED', 'The session has not started yet.', p_hint);
  end if;
end
$$;

comment on function private.assert_booking_finishable(public.bookings, text) is
  'Whether a booking may be marked completed or no_show now: ALREADY_CANCELLED, CONFLICT (already marked; awaiting approval, never confirmed), BOOKING_NOT_STARTED (PT422) with hint p_hint.';

revoke all on function private.assert_booking_finishable(public.bookings, text) from public, anon;
grant execute on function private.assert_booking_finishable(public.bookings, text) to service_role;

create or replace function private.lock_booking_for_staff(p_booking_id uuid)
returns public.bookings
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_uid uuid := (select auth.uid());
  v_service_call boolean := private.is_service_call();
  v_booking public.bookings;
begin
  perform private.require_caller();
  if p_booking_id is null then
    perform private.raise_error('INVALID_REQUEST', 'A booking id is required.', 'p_booking_id');
  end if;

  select b.* into v_booking from public.bookings b where b.id = p_booking_id for update;
  if v_booking.id is null or (not v_service_call and not private.is_member(v_booking.organization_id)) then
    perform private.raise_error('NOT_FOUND', 'Booking not found.', 'p_booking_id');
  end if;
  if not v_service_call
     and v_uid is distinct from v_booking.provider_id
     and not private.has_role(v_booking.organization_id, array['owner', 'admin']) then
    perform private.raise_error('FORBIDDEN', 'Only the provider of the booking or an admin can do this.', 'p_booking_id');
  end if;
  return v_booking;
end
$$;

comment on function private.lock_booking_for_staff(uuid) is
  'The start of the RPCs only the booking''s provider or an owner/admin (or service_role) may call (complete_booking, mark_no_show, confirm_booking): UNAUTHORIZED, INVALID_REQUEST, NOT_FOUND (absent or another organization''s), FORBIDDEN; returns the booking locked for update.';

revoke all on function private.lock_booking_for_staff(uuid) from public, anon, authenticated;
grant execute on function private.lock_booking_for_staff(uuid) to service_role;

create or replace function private.finish_booking(p_booking_id uuid, p_status text)
returns public.bookings
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_booking public.bookings := private.lock_booking_for_staff(p_booking_id);
begin
  perform private.assert_booking_finishable(v_booking, 'p_booking_id');

  -- history (reason: the status) and the booking.<status> event: the statement trigger
  update public.bookings b set status = p_status, status_reason = p_status where b.id = v_booking.id
  returning b.* into v_booking;
  return v_booking;
end
$$;

comment on function private.finish_booking(uuid, text) is
  'Shared body of complete_booking and mark_no_show: sets the final status (completed or no_show) of a started, live booking; status history by trigger, booking.<status> outbox event.';

revoke all on function private.finish_booking(uuid, text) from public, anon;
grant execute on function private.finish_booking(uuid, text) to service_role;

create or replace function public.complete_booking(p_booking_id uuid)
returns public.bookings
language sql
security definer
set search_path = ''
as $$
  select * from private.finish_booking(p_booking_id, 'completed')
$$;

comment on function public.complete_booking(uuid) is
  'Marks a started booking completed (its provider or an owner/admin) and returns it. Errors: UNAUTHORIZED, INVALID_REQUEST, NOT_FOUND, FORBIDDEN, ALREADY_CANCELLED, CONFLICT (already completed/no-show) (PT409), BOOKING_NOT_STARTED (PT422).';

revoke execute on function public.complete_booking(uuid) from public, anon;
grant execute on function public.complete_booking(uuid) to authenticated, service_role;

create or replace function public.mark_no_show(p_booking_id uuid)
returns public.bookings
language sql
security definer
set search_path = ''
as $$
  select * from private.finish_booking(p_booking_id, 'no_show')
$$;

comment on function public.mark_no_show(uuid) is
  'Marks a started booking as a no-show (its provider or an owner/admin) and returns it; the credit, if any, is forfeited. Errors: UNAUTHORIZED, INVALID_REQUEST, NOT_FOUND, FORBIDDEN, ALREADY_CANCELLED, CONFLICT (PT409), BOOKING_NOT_STARTED (PT422).';

revoke execute on function public.mark_no_show(uuid) from public, anon;
grant execute on function public.mark_no_show(uuid) to authenticated, service_role;
