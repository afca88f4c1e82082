-- Approval: a booking of a service that requires it (services.requires_approval) and that a
-- client makes for themself starts pending. A pending booking holds its slot (its service session
-- is scheduled: slot search, every booking path and the exclusion constraint see it) and its
-- credit (pending counts as scheduled in the credit buckets) until
--   * the provider or an owner/admin confirms it: confirm_booking, or their direct
--     `update bookings set status = 'confirmed'` (same rules, same event: private.bookings_admit_user_write);
--   * the provider or an owner/admin declines it: decline_booking, or an insert into
--     booking_cancellations with cancellation_kind 'declined' (the cancellation trigger);
--   * nobody answered by approval_expires_at (or the start): the expire-pending-bookings job
--     (private.expire_pending_bookings) cancels it with cancellation_kind 'expired';
--   * the client withdraws it: cancel_booking (a pending booking never forfeits its credit).
-- Declined and expired bookings are cancelled bookings: the slot is released and the credit
-- restored by the cancellation path every cancellation takes.
--
--   private.approval_deadline(service, starts_at)  null (starts confirmed) or the answer deadline
--   private.assert_booking_answerable(booking)     may it still be confirmed or declined?
--   private.emit_booking_confirmed(booking)        booking.confirmed event + audit entry

-- (p_acting_as_staff was added for waitlist promotions: the two-argument signature goes)
drop function if exists private.approval_deadline(uuid, timestamptz);

create or replace function private.approval_deadline(
  p_service_id uuid,
  p_starts_at timestamptz,
  p_acting_as_staff boolean default null
)
returns timestamptz
language sql
stable
security definer
set search_path = ''
as $$
  -- staff booking for a client (their booking is their approval) and the system start confirmed;
  -- p_acting_as_staff says who made it when the caller does not (a waitlist promotion runs as
  -- whoever freed the place: it is the waiting client's request unless staff put them there)
  select case
    when sv.requires_approval
         and not coalesce(
           p_acting_as_staff,
           private.is_service_call() or private.has_role(sv.organization_id, array['owner', 'admin', 'provider'])
         )
      then least(now() + make_interval(hours => sv.approval_timeout_hours), p_starts_at)
  end
  from public.services sv
  where sv.id = p_service_id
$$;

comment on function private.approval_deadline(uuid, timestamptz, boolean) is
  'Whether a new booking of the service awaits approval: its answer deadline (now + approval_timeout_hours, at the latest p_starts_at) when the service requires approval and the booking is not made by staff of the organization or the system (p_acting_as_staff; null = decided from the caller); null when it starts confirmed. Every booking path sets status pending and approval_expires_at from it.';

revoke all on function private.approval_deadline(uuid, timestamptz, boolean) from public, anon, authenticated;
grant execute on function private.approval_deadline(uuid, timestamptz, boolean) to service_role;

create or replace function private.assert_booking_answerable(p_booking public.bookings, p_hint text)
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
  if p_booking.status <> 'pending' then
    perform private.raise_error(
      'CONFLICT',
      format('This booking is %s, not awaiting approval (cancel it with cancel_booking()).', p_booking.status),
      p_hint
    );
  end if;
  if public.computed_start_time(p_booking) <= now() then
    perform private.raise_error('BOOKING_IN_PAST', 'The session has started: the booking can no longer be answered.', p_hint);
  end if;
  if p_booking.approval_expires_at <= now() then
    perform private.raise_error(
      'APPROVAL_EXPIRED',
      format('The answer was due by %s; the booking expires.', p_booking.approval_expires_at),
      p_hint
    );
  end if;
end
$$;

comment on function private.assert_booking_answerable(public.bookings, text) is
  'Whether a booking may still be confirmed or declined: ALREADY_CANCELLED, CONFLICT (not pending), BOOKING_IN_PAST (started), APPROVAL_EXPIRED (PT422: past approval_expires_at), hint p_hint.';

revoke all on function private.assert_booking_answerable(public.bookings, text) from public, anon, authenticated;
grant execute on function private.assert_booking_answerable(public.bookings, text) to service_role;

create or replace function private.emit_booking_confirmed(p_booking public.bookings)
returns void
language plpgsql
security definer
set search_path = ''
as $$
begin
  perform private.write_audit(
    p_booking.organization_id, 'booking.confirmed', 'bookings', p_booking.id,
    jsonb_build_object('status', 'pending'), jsonb_build_object('status', 'confirmed')
  );
  perform private.emit_event(p_booking.organization_id, 'booking.confirmed', jsonb_build_object(
    'booking_id', p_booking.id,
    'service_session_id', p_booking.service_session_id,
    'client_id', p_booking.client_id,
    'provider_id', p_booking.provider_id,
    'service_id', p_booking.service_id,
    'starts_at', public.computed_start_time(p_booking),
    'confirmed_by', (select auth.uid())
  ));
end
$$;

comment on function private.emit_booking_confirmed(public.bookings) is
  'The effects of confirming a pending booking, whichever path confirmed it (confirm_booking, a direct update): audit_log entry and booking.confirmed outbox event (confirmed_by = the caller, null for the system).';

revoke all on function private.emit_booking_confirmed(public.bookings) from public, anon, authenticated;
grant execute on function private.emit_booking_confirmed(public.bookings) to service_role;
