-- decline_booking: the provider of a pending booking (or an owner/admin) refuses it. A decline
-- is a cancellation of kind 'declined' (private.record_cancellation -> the booking_cancellations
-- trigger): the booking is cancelled, its slot released, its credit restored, and
-- booking_cancellations records who declined and why; a booking.declined event tells the client.

create or replace function public.decline_booking(p_booking_id uuid, p_reason text default null)
returns jsonb
language sql
security definer
set search_path = ''
as $$
  select private.record_cancellation(p_booking_id, p_reason, 'declined')
$$;

comment on function public.decline_booking(uuid, text) is
  'Declines a booking awaiting approval (its provider or an owner/admin; service_role) with an optional reason (at most 2000 characters) and returns {success, message, booking_id, cancellation_id, cancellation_policy_applied}: the booking is cancelled (booking_cancellations.cancellation_kind declined, cancelled_by = who declined), the slot released, a spent credit restored; booking.declined event. Same as inserting into booking_cancellations with cancellation_kind declined. Errors: UNAUTHORIZED, INVALID_REQUEST (hint p_booking_id or p_reason), NOT_FOUND, FORBIDDEN (the client, another provider), ALREADY_CANCELLED, CONFLICT (not pending) (PT409), BOOKING_IN_PAST, APPROVAL_EXPIRED (PT422).
@returns {success: boolean, message: text, booking_id: uuid, cancellation_id: uuid, cancellation_policy_applied: ''no_refund'' | ''credit_restored''}';

revoke execute on function public.decline_booking(uuid, text) from public, anon;
grant execute on function public.decline_booking(uuid, text) to authenticated, service_role;
