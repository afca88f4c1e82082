-- confirm_booking: the provider of a pending booking (or an owner/admin) accepts it. The same
-- rules and effects as their direct `update bookings set status = 'confirmed'`
-- (private.bookings_admit_user_write): private.assert_booking_answerable, private.emit_booking_confirmed.

create or replace function public.confirm_booking(p_booking_id uuid)
returns public.bookings
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_booking public.bookings := private.lock_booking_for_staff(p_booking_id);
begin
  perform private.assert_booking_answerable(v_booking, 'p_booking_id');

  update public.bookings b set status = 'confirmed', status_reason = 'confirmed' where b.id = v_booking.id
  returning b.* into v_booking;

  perform private.emit_booking_confirmed(v_booking);
  return v_booking;
end
$$;

comment on function public.confirm_booking(uuid) is
  'Confirms a booking awaiting approval (its provider or an owner/admin; service_role) and returns it; booking.confirmed event. Errors: UNAUTHORIZED, INVALID_REQUEST, NOT_FOUND, FORBIDDEN (the client, another provider), ALREADY_CANCELLED, CONFLICT (not pending) (PT409), BOOKING_IN_PAST, APPROVAL_EXPIRED (PT422).';

revoke execute on function public.confirm_booking(uuid) from public, anon;
grant execute on function public.confirm_booking(uuid) to authenticated, service_role;
