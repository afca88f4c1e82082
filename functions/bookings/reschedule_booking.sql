-- reschedule_booking: move a booking to a new start time.
--   1-to-1 booking: its private session moves (same length), under the provider lock and every
--   booking rule (availability, buffers, series holds, window, daily limit); the booking follows
--   by trigger.
--   Workshop/course booking: the booking moves to the session of the same service starting at
--   p_new_starts_at (capacity checked under that session's row lock).
-- The rules of moving are booking rules (functions/rules/: purposes move and join): a client
-- cannot move a booking inside the late-cancellation window (TOO_LATE_TO_RESCHEDULE; staff can),
-- a credit-paid booking keeps a valid credit (its subscription's, else the client's other active
-- subscription covering the new time: the credit moves there, audited; else NO_CREDITS_LEFT), a
-- treatment session keeps its order and gaps.
-- The booking row is locked before anything about it is read (a treatment's bookings together,
-- in id order), so concurrent moves of one booking run one after the other, each seeing where the
-- previous one left it. Lock order: booking rows -> provider lock -> session rows -> subscription.

create or replace function public.reschedule_booking(p_booking_id uuid, p_new_starts_at timestamptz)
returns public.bookings
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_uid uuid := (select auth.uid());
  v_service_call boolean := private.is_service_call();
  v_group uuid;
  v_booking public.bookings;
  v_session public.service_sessions;
  v_target public.service_sessions;
  v_is_staff boolean;
  v_candidate private.booking_candidate;
  v_previous_subscription uuid;
  v_subscription uuid;
begin
  perform private.require_caller();
  if p_booking_id is null then
    perform private.raise_error('INVALID_REQUEST', 'A booking id is required.', 'p_booking_id');
  end if;
  if p_new_starts_at is null then
    perform private.raise_error('INVALID_REQUEST', 'The new start time is required.', 'p_new_starts_at');
  end if;
  perform private.require_sane_timestamp(p_new_starts_at, 'p_new_starts_at');

  -- a treatment's sessions are checked against each other: lock them all, in id order (as
  -- book_next_treatment_session does); session_group_id never changes once a booking exists
  select b.session_group_id into v_group from public.bookings as b where b.id = p_booking_id;
  if v_group is not null then
    perform 1 from public.bookings as b where b.session_group_id = v_group order by b.id for update;
  end if;
  select b.* into v_booking from public.bookings as b where b.id = p_booking_id for update;
  if v_booking.id is null or (not v_service_call and not private.is_member(v_booking.organization_id)) then
    perform private.raise_error('NOT_FOUND', 'Booking not found.', 'p_booking_id');
  end if;
  v_is_staff := v_service_call
    or private.has_role(v_booking.organization_id, array['owner', 'admin'])
    or v_uid = v_booking.provider_id;
  if not v_is_staff and v_uid is distinct from v_booking.client_id then
    perform private.raise_error('FORBIDDEN', 'Only the client, the provider or an admin can reschedule this booking.', 'p_booking_id');
  end if;
  if v_booking.service_session_id is null then
    perform private.raise_error(
      'BACKFILL_REQUIRED',
      'This legacy booking has no service session yet; run `sessionkit backfill run service_sessions` first.',
      'p_booking_id'
    );
  end if;

  select ss.* into v_session from public.service_sessions as ss where ss.id = v_booking.service_session_id;
  if v_session.kind = 'individual' then
    perform private.lock_provider(v_session.provider_id);
  end if;

  if v_booking.status = 'cancelled' then
    perform private.raise_error('ALREADY_CANCELLED', 'This booking is cancelled.', 'p_booking_id');
  end if;
  if v_booking.status in ('completed', 'no_show') or v_session.starts_at <= now() then
    perform private.raise_error('BOOKING_IN_PAST', 'A booking that has started or taken place cannot be moved.', 'p_booking_id');
  end if;
  if p_new_starts_at = v_session.starts_at then
    return v_booking;  -- already there (e.g. a concurrent identical move went first)
  end if;

  if v_session.kind = 'individual' then
    -- the session moves (same length) under every booking rule of purpose move
    v_candidate := private.new_candidate(
      purpose => 'move',
      organization_id => v_booking.organization_id,
      service_id => v_session.service_id,
      provider_id => v_session.provider_id,
      client_id => v_booking.client_id,
      starts_at => p_new_starts_at,
      ends_at => p_new_starts_at + (v_session.ends_at - v_session.starts_at),
      booking_kind => v_booking.booking_kind,
      acting_as_staff => v_is_staff,
      exclude_session_id => v_session.id,
      exclude_booking_id => v_booking.id,
      session_group_id => v_group,
      session_number => v_booking.session_number
    );
    perform private.lock_client_limit(v_candidate.service_id, v_candidate.client_id);
    v_subscription := private.assert_bookable_credit(v_candidate, 'p_', '{"starts_at": "p_new_starts_at", "ends_at": "p_new_starts_at"}');
    begin
      update public.service_sessions as ss
      set starts_at = v_candidate.starts_at, ends_at = v_candidate.ends_at
      where ss.id = v_session.id;
    exception when exclusion_violation then
      perform private.raise_error('SLOT_TAKEN', 'The provider already has a session at that time.', 'p_new_starts_at');
    end;
  else
    -- the booking moves to the session of the same service starting then (rules of purpose join,
    -- under that session's row lock)
    select ss.* into v_target
    from public.service_sessions as ss
    where ss.service_id = v_session.service_id
      and ss.starts_at = p_new_starts_at
      and ss.status = 'scheduled'
      and ss.id <> v_session.id
      and ss.kind is not distinct from v_session.kind
      and (v_is_staff or ss.visibility is distinct from 'private')
    order by ss.current_participants < ss.max_participants desc, ss.created_at
    limit 1
    for update;
    if v_target.id is null then
      perform private.raise_error('NOT_FOUND', 'No session of this service starts at that time.', 'p_new_starts_at');
    end if;
    v_candidate := private.new_candidate(
      purpose => 'join',
      organization_id => v_booking.organization_id,
      service_id => v_target.service_id,
      provider_id => v_target.provider_id,
      client_id => v_booking.client_id,
      starts_at => v_target.starts_at,
      ends_at => v_target.ends_at,
      booking_kind => v_booking.booking_kind,
      acting_as_staff => v_is_staff,
      service_session_id => v_target.id,
      exclude_booking_id => v_booking.id
    );
    perform private.lock_client_limit(v_candidate.service_id, v_candidate.client_id);
    v_subscription := private.assert_bookable_credit(v_candidate, 'p_', '{"starts_at": "p_new_starts_at", "client_id": "p_new_starts_at", "service_session_id": "p_new_starts_at"}');
    update public.bookings as b set service_session_id = v_target.id where b.id = v_booking.id;
  end if;

  -- the credit valid at the new time (the credits rule chose it above; moving it re-checks its
  -- balance under the new subscription's row lock: the bookings update trigger)
  v_previous_subscription := v_booking.subscription_id;
  if v_subscription is distinct from v_previous_subscription then
    update public.bookings as b set subscription_id = v_subscription where b.id = v_booking.id;
    perform private.write_audit(
      v_booking.organization_id, 'booking.credit_moved', 'bookings', v_booking.id,
      jsonb_build_object('subscription_id', v_previous_subscription, 'starts_at', v_session.starts_at),
      jsonb_build_object('subscription_id', v_subscription, 'starts_at', p_new_starts_at,
                         'reason', 'rescheduled outside the validity of its subscription')
    );
  end if;

  select b.* into v_booking from public.bookings as b where b.id = p_booking_id;

  perform private.write_audit(
    v_booking.organization_id, 'booking.rescheduled', 'bookings', v_booking.id,
    jsonb_build_object('service_session_id', v_session.id, 'starts_at', v_session.starts_at,
                       'subscription_id', v_previous_subscription),
    jsonb_build_object('service_session_id', v_booking.service_session_id, 'starts_at', v_booking.start_time,
                       'subscription_id', v_booking.subscription_id)
  );
  perform private.emit_event(v_booking.organization_id, 'booking.rescheduled', jsonb_build_object(
    'booking_id', v_booking.id,
    'client_id', v_booking.client_id,
    'provider_id', v_booking.provider_id,
    'service_session_id', v_booking.service_session_id,
    'previous_starts_at', v_session.starts_at,
    'starts_at', v_booking.start_time,
    'ends_at', v_booking.end_time,
    'previous_subscription_id', v_previous_subscription,
    'subscription_id', v_booking.subscription_id
  ));
  return v_booking;
end
$$;

comment on function public.reschedule_booking(uuid, timestamptz) is
  'Moves a booking (its client, its provider or an owner/admin) to p_new_starts_at and returns it: a 1-to-1 booking moves its session under every booking rule; a workshop/course booking moves to the session of the same service starting then. A client cannot move it once the late-cancellation window (cancellation_notice_hours before its current start) has opened; staff can. A credit-paid booking keeps a credit valid at the new time: its subscription''s, else the client''s other active subscription covering it (the credit moves, audited as booking.credit_moved), else NO_CREDITS_LEFT. A treatment session keeps its order and gaps. Concurrent moves of one booking run one after the other. Errors: UNAUTHORIZED, INVALID_REQUEST (hint = field), NOT_FOUND, FORBIDDEN, ALREADY_CANCELLED, SLOT_TAKEN, CAPACITY_REACHED, CONFLICT, NO_CREDITS_LEFT (PT409), BOOKING_IN_PAST, TOO_LATE_TO_RESCHEDULE, TOO_LATE_TO_BOOK, OUTSIDE_BOOKING_WINDOW, OUTSIDE_AVAILABILITY, DAILY_LIMIT_REACHED, TREATMENT_BUFFER_NOT_MET, BACKFILL_REQUIRED (PT422).';

revoke execute on function public.reschedule_booking(uuid, timestamptz) from public, anon;
grant execute on function public.reschedule_booking(uuid, timestamptz) to authenticated, service_role;
