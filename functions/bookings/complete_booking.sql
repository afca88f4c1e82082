-- complete_booking / mark_no_show: the provider of the booking (or an owner/admin) records
-- what happened once the session has started. One implementation: private.finish_booking.

create or replace function private.finish_booking(p_booking_id uuid, p_status text)
returns public.bookings
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_uid uuid := (select auth.uid());
  v_service_call boolean := private.is_service_call();
  v_booking public.bookings;
  v_starts_at timestamptz;
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
  if v_booking.status = 'cancelled' then
    perform private.raise_error('ALREADY_CANCELLED', 'This booking is cancelled.', 'p_booking_id');
  end if;
  if v_booking.status in ('completed', 'no_show') then
    perform private.raise_error('CONFLICT', format('This booking is already marked %s.', v_booking.status), 'p_booking_id');
  end if;
  v_starts_at := public.computed_start_time(v_booking);
  if v_starts_at > now() then
    perform private.raise_error('BOOKING_NOT_STARTED', 'The session has not started yet.', 'p_booking_id');
  end if;

  perform set_config('sessionkit.status_reason', p_status, true);
  update public.bookings b set status = p_status where b.id = v_booking.id
  returning b.* into v_booking;
  perform set_config('sessionkit.status_reason', '', true);

  perform private.emit_event(v_booking.organization_id, 'booking.' || p_status, jsonb_build_object(
    'booking_id', v_booking.id,
    'client_id', v_booking.client_id,
    'provider_id', v_booking.provider_id,
    'service_session_id', v_booking.service_session_id,
    'starts_at', v_starts_at
  ));
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
