-- Rules of moving a booking (issue 10), reusable by every path that moves one:
--   private.assert_reschedule_window  a client cannot move a booking once the late-cancellation
--                                     window has opened (staff can): rescheduling must not turn
--                                     a late cancellation into an early one;
--   private.credit_for_move           a credit-paid booking keeps a credit valid at its new
--                                     time: its own subscription's, else another active
--                                     subscription of the client covering that time (the credit
--                                     moves to it), else NO_CREDITS_LEFT, as booking that time
--                                     would answer.
-- A treatment session obeys its order and gaps: private.assert_treatment_order (treatments/).

create or replace function private.assert_reschedule_window(
  p_booking public.bookings,
  p_current_starts_at timestamptz,
  p_is_staff boolean
)
returns void
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  if not p_is_staff and private.in_late_cancellation_window(p_booking.organization_id, p_current_starts_at) then
    perform private.raise_error(
      'TOO_LATE_TO_RESCHEDULE',
      format('This booking starts at %s: a client can move it only until %s hours before (the late-cancellation window). Ask the provider, or cancel it.',
             p_current_starts_at,
             coalesce((select s.cancellation_notice_hours from public.organization_settings as s
                       where s.organization_id = p_booking.organization_id), 24)),
      'p_booking_id'
    );
  end if;
end
$$;

comment on function private.assert_reschedule_window(public.bookings, timestamptz, boolean) is
  'TOO_LATE_TO_RESCHEDULE (PT422, hint p_booking_id) when a client (not staff) moves a booking whose current start is inside the late-cancellation window (cancellation_notice_hours before it).';

revoke all on function private.assert_reschedule_window(public.bookings, timestamptz, boolean) from public, anon, authenticated;
grant execute on function private.assert_reschedule_window(public.bookings, timestamptz, boolean) to service_role;

create or replace function private.credit_for_move(p_booking public.bookings, p_new_starts_at timestamptz)
returns uuid
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_sub public.subscriptions;
  v_other uuid;
begin
  if p_booking.subscription_id is null then
    return null;  -- pay-per-session, trial or guest: no credit to keep valid
  end if;
  select s.* into v_sub from public.subscriptions as s where s.id = p_booking.subscription_id;
  if p_new_starts_at >= v_sub.starts_at and (v_sub.expires_at is null or p_new_starts_at < v_sub.expires_at) then
    return v_sub.id;
  end if;

  -- locked like the credit trigger locks the subscription it spends (its balance is re-checked
  -- under that lock when the booking's subscription_id changes)
  select s.id into v_other
  from public.subscriptions as s
  where s.organization_id = p_booking.organization_id
    and s.client_id = p_booking.client_id
    and s.status = 'active'
    and s.id <> v_sub.id
    and s.starts_at <= p_new_starts_at
    and (s.expires_at is null or p_new_starts_at < s.expires_at)
  order by s.starts_at, s.id
  limit 1
  for update;
  if v_other is null then
    perform private.raise_error(
      'NO_CREDITS_LEFT',
      format('This booking is paid with a credit valid from %s to %s; it cannot move to %s, and no other active subscription of the client covers that time.',
             v_sub.starts_at, coalesce(v_sub.expires_at::text, 'no expiry'), p_new_starts_at),
      'p_new_starts_at'
    );
  end if;
  return v_other;
end
$$;

comment on function private.credit_for_move(public.bookings, timestamptz) is
  'The subscription that pays for a credit-paid booking once moved to p_new_starts_at: its own while valid then, else the client''s other active subscription covering that time (locked; the caller moves the credit), else NO_CREDITS_LEFT (PT409, hint p_new_starts_at). Null for bookings that spent no credit.';

revoke all on function private.credit_for_move(public.bookings, timestamptz) from public, anon, authenticated;
grant execute on function private.credit_for_move(public.bookings, timestamptz) to service_role;
