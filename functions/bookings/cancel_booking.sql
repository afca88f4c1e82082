-- Cancelling a booking: one implementation, three entry points.
--   * cancel_booking(p_booking_id, p_reason) -> jsonb (the seed's booking-cancel edge function)
--   * decline_booking(p_booking_id, p_reason) -> jsonb (functions/approvals/): the provider or an
--     owner/admin refuses a pending booking; the expire-pending-bookings job expires one. Both
--     are cancellations of their own kind (booking_cancellations.cancellation_kind declined |
--     expired): the same effects, a booking.declined / booking.expired event instead of
--     booking.cancelled, and the credit always restored.
--   * insert into booking_cancellations (booking_id, reason) through PostgREST (seed 002's
--     frontend code): the table's triggers (triggers/booking_cancellations.sql) ARE the
--     cancellation logic - the BEFORE INSERT row trigger checks and fills the record, the AFTER
--     INSERT statement trigger applies it - so every entry point runs the same checks, raises the
--     same errors and has the same effects:
--       booking status -> cancelled (status history row with the reason), participant count
--       decremented and a 1-to-1 service session cancelled with it (bookings triggers), the
--       canceller's role and the credit policy decided by the database (only the client's own
--       late cancellation forfeits the credit), an audit_log entry and a booking.cancelled
--       outbox event.
-- Errors (seed 002): INVALID_REQUEST, UNAUTHORIZED, NOT_FOUND, FORBIDDEN, ALREADY_CANCELLED,
-- BOOKING_IN_PAST.

-- (p_cancelled_by_role was added by issue 10: the old two-argument signature goes)
drop function if exists private.cancellation_policy(public.bookings, timestamptz);

create or replace function private.cancellation_policy(
  p_booking public.bookings,
  p_starts_at timestamptz,
  p_cancelled_by_role text
)
returns text
language sql
stable
security definer
set search_path = ''
as $$
  -- the credit returns to (or stays spent on) the subscription the booking spent: balances are
  -- computed per subscription from its bookings (private.subscription_usage). Who cancels
  -- decides: only the client's own late cancellation forfeits; the provider, an owner/admin or
  -- the system cancelling never costs the client their credit.
  select case
    when p_booking.subscription_id is null or p_booking.booking_kind <> 'regular' then 'no_refund'
    when p_cancelled_by_role is distinct from 'client' then 'credit_restored'
    when p_booking.status = 'pending' then 'credit_restored'  -- nothing was agreed yet
    when private.in_late_cancellation_window(p_booking.organization_id, p_starts_at) then 'credit_forfeited'
    else 'credit_restored'
  end
$$;

comment on function private.cancellation_policy(public.bookings, timestamptz, text) is
  'Credit policy of a cancellation: no_refund when no credit was spent (no subscription, trial/guest); credit_forfeited only when the client (p_cancelled_by_role = client) cancels a confirmed booking inside the late-cancellation window (private.in_late_cancellation_window); credit_restored otherwise (earlier, or cancelled by the provider, an owner/admin or the system).';

revoke all on function private.cancellation_policy(public.bookings, timestamptz, text) from public, anon, authenticated;
grant execute on function private.cancellation_policy(public.bookings, timestamptz, text) to service_role;

-- A historic cancellation (cancellation_kind legacy): the record of a booking cancelled before
-- the database kept records (the cancellations backfill, or an operator), written through the
-- table's triggers: nothing is cancelled again, nobody is notified, no credit moves.
create or replace function private.legacy_cancellation_record(p_record public.booking_cancellations)
returns public.booking_cancellations
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_booking public.bookings;
  v_record public.booking_cancellations := p_record;
  v_spent boolean;
begin
  if not private.is_service_call() then
    perform private.raise_error('FORBIDDEN', 'Only a trusted writer (a backfill, service_role) records a past cancellation.', 'cancellation_kind');
  end if;
  select b.* into v_booking
  from public.bookings b
  where b.id = p_record.booking_id
  for update;
  if v_booking.id is null then
    perform private.raise_error('NOT_FOUND', 'Booking not found.', 'booking_id');
  end if;
  if v_booking.status <> 'cancelled' then
    perform private.raise_error('CONFLICT', 'A legacy record is the history of a booking already cancelled; cancel this one with cancel_booking.', 'cancellation_kind');
  end if;
  v_record.reason := nullif(btrim(p_record.reason), '');
  if v_record.reason is null or char_length(v_record.reason) > 2000 then
    perform private.raise_error('INVALID_REQUEST', 'A reason of 1 to 2000 characters is required.', 'reason');
  end if;
  -- a spent credit was restored or forfeited back then: the writer says which; none was spent
  -- without a subscription
  v_spent := v_booking.subscription_id is not null and v_booking.booking_kind = 'regular';
  if v_spent is distinct from (p_record.cancellation_policy_applied in ('credit_restored', 'credit_forfeited')) then
    perform private.raise_error('INVALID_REQUEST', case when v_spent
      then 'The booking spent a credit: say whether it was restored or forfeited (credit_restored, credit_forfeited).'
      else 'The booking spent no credit: its policy is no_refund.' end, 'cancellation_policy_applied');
  end if;
  v_record.id := coalesce(p_record.id, gen_random_uuid());
  v_record.organization_id := v_booking.organization_id;
  v_record.cancelled_by_role := null;  -- unknown, like cancelled_by unless the writer knows it
  v_record.created_at := coalesce(p_record.created_at, now());
  return v_record;
end
$$;

comment on function private.legacy_cancellation_record(public.booking_cancellations) is
  'The BEFORE INSERT checks of a legacy cancellation record (cancellation_kind legacy): trusted writers only (private.is_service_call: FORBIDDEN for anon/authenticated), a booking already cancelled (CONFLICT otherwise), a reason, the credit policy it had (no_refund without a spent credit; credit_restored or credit_forfeited, said by the writer, with one). Keeps cancelled_by and created_at as written (the best known canceller and time); private.booking_cancellations_apply then cancels nothing, notifies nobody and audits the records as booking.legacy_cancellation_recorded.';

revoke all on function private.legacy_cancellation_record(public.booking_cancellations) from public, anon, authenticated;

create or replace function private.booking_cancellations_before_insert()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_uid uuid := (select auth.uid());
  v_service_call boolean := private.is_service_call();
  v_booking public.bookings;
  v_starts_at timestamptz;
  v_kind text := coalesce(new.cancellation_kind, 'cancelled');
begin
  perform private.require_caller('You must be signed in to cancel a booking.');
  if new.booking_id is null then
    perform private.raise_error('INVALID_REQUEST', 'A booking id is required.', 'booking_id');
  end if;
  if v_kind = 'legacy' then
    new := private.legacy_cancellation_record(new);
    return new;  -- history: checked and filled, nothing more (no checks of a new cancellation)
  end if;
  if v_kind = 'expired' and not v_service_call then
    perform private.raise_error('FORBIDDEN', 'Only the system expires a pending booking.', 'cancellation_kind');
  end if;
  new.reason := nullif(btrim(new.reason), '');
  -- a cancellation says why; declining may (the client is told), expiry is the system's
  if (v_kind = 'cancelled' and new.reason is null) or char_length(new.reason) > 2000 then
    perform private.raise_error('INVALID_REQUEST', 'A reason of 1 to 2000 characters is required.', 'reason');
  end if;

  -- the booking row lock serialises concurrent cancellations (and reschedules) of the booking
  select b.* into v_booking
  from public.bookings b
  where b.id = new.booking_id
  for update;
  if v_booking.id is null or (not v_service_call and not private.is_member(v_booking.organization_id)) then
    perform private.raise_error('NOT_FOUND', 'Booking not found.', 'booking_id');
  end if;
  if not v_service_call
     and v_uid is distinct from v_booking.provider_id
     and not private.has_role(v_booking.organization_id, array['owner', 'admin'])
     and (v_kind = 'declined' or v_uid is distinct from v_booking.client_id) then
    perform private.raise_error(
      'FORBIDDEN',
      case when v_kind = 'declined' then 'Only the provider or an admin can decline this booking.'
           else 'Only the client, the provider or an admin can cancel this booking.' end,
      'booking_id'
    );
  end if;
  if v_booking.status = 'cancelled' then
    perform private.raise_error('ALREADY_CANCELLED', 'This booking is already cancelled.', 'booking_id');
  end if;

  select coalesce(ss.starts_at, v_booking.start_time) into v_starts_at
  from (select 1) as one
  left join public.service_sessions ss on ss.id = v_booking.service_session_id;
  if v_kind = 'declined' then
    perform private.assert_booking_answerable(v_booking, 'booking_id');
  elsif v_kind = 'expired' then
    -- the job expires a pending booking past its deadline, even once the session has started
    if v_booking.status <> 'pending' then
      perform private.raise_error('CONFLICT', format('This booking is %s, not awaiting approval.', v_booking.status), 'booking_id');
    end if;
  elsif v_booking.status in ('completed', 'no_show') or v_starts_at <= now() then
    perform private.raise_error('BOOKING_IN_PAST', 'A booking that has started or taken place cannot be cancelled.', 'booking_id');
  end if;

  new.id := coalesce(new.id, gen_random_uuid());
  new.organization_id := v_booking.organization_id;
  new.cancelled_by := v_uid;
  new.created_at := now();
  -- the role the canceller acts in, decided here whatever the writer sent
  new.cancelled_by_role := case
    when v_service_call then 'system'
    when v_uid = v_booking.client_id then 'client'
    when v_uid = v_booking.provider_id then 'provider'
    else private.member_role(v_booking.organization_id, v_uid)  -- owner or admin (checked above)
  end;
  new.cancellation_policy_applied := private.cancellation_policy(v_booking, v_starts_at, new.cancelled_by_role);
  new.cancellation_kind := v_kind;

  -- the booking is cancelled, audited and announced by the statement trigger
  -- (private.booking_cancellations_apply), for every cancellation the statement records
  return new;
end
$$;

comment on function private.booking_cancellations_before_insert() is
  'BEFORE INSERT trigger on booking_cancellations = the cancellation''s checks (shared with cancel_booking and decline_booking): checks caller and booking (hints name the columns), sets organization_id/cancelled_by/cancelled_by_role (client | provider | owner | admin | system)/created_at/cancellation_policy_applied (only a client''s late cancellation of a confirmed booking forfeits); private.booking_cancellations_apply then cancels the booking, writes audit_log and a booking.cancelled outbox event carrying cancelled_by_role. cancellation_kind declined (the provider or an owner/admin refusing a pending booking: private.assert_booking_answerable) and expired (the system only, a pending booking) emit booking.declined / booking.expired instead.';

revoke all on function private.booking_cancellations_before_insert() from public, anon;

create or replace function private.booking_cancellations_apply()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if not exists (select 1 from new_rows) then
    return null;  -- a statement that wrote nothing (they fire too): nothing to do, no nested writes
  end if;
  -- the bookings as they were (for the audit), then cancelled with the reason for their history
  with before as materialized (
    select b.id, b.status, b.service_session_id, b.client_id, b.provider_id,
           coalesce(ss.starts_at, b.start_time) as starts_at
    from new_rows as c
    join public.bookings as b on b.id = c.booking_id
    left join public.service_sessions as ss on ss.id = b.service_session_id
    where b.status <> 'cancelled'
      and c.cancellation_kind <> 'legacy'
  ),
  cancelled as (
    update public.bookings as b
    set status = 'cancelled',
        status_reason = case when c.cancellation_kind = 'cancelled' then c.reason
                             else c.cancellation_kind || coalesce(': ' || c.reason, '') end
    from new_rows as c
    where b.id = c.booking_id
      and b.status <> 'cancelled'
      and c.cancellation_kind <> 'legacy'
    returning b.id
  ),
  -- legacy records (history: the booking was cancelled long ago) are audited, one entry per
  -- organization and statement, and change nothing else
  recorded as (
    insert into public.audit_log (organization_id, actor_id, action, entity, new_values)
    select c.organization_id, (select auth.uid()), 'booking.legacy_cancellation_recorded', 'bookings',
           jsonb_build_object('count', count(*), 'booking_ids', jsonb_agg(c.booking_id order by c.booking_id),
                              'cancelled_by', jsonb_agg(distinct c.cancelled_by),
                              'cancellation_policy_applied', jsonb_agg(distinct c.cancellation_policy_applied))
    from new_rows as c
    where c.cancellation_kind = 'legacy'
    group by c.organization_id
    returning 1
  ),
  audited as (
    insert into public.audit_log (organization_id, actor_id, action, entity, entity_id, old_values, new_values)
    select c.organization_id, c.cancelled_by, 'booking.' || c.cancellation_kind, 'bookings', c.booking_id,
           jsonb_build_object('status', x.status),
           jsonb_build_object('status', 'cancelled', 'reason', c.reason, 'cancelled_by_role', c.cancelled_by_role,
                              'cancellation_kind', c.cancellation_kind,
                              'cancellation_policy_applied', c.cancellation_policy_applied)
    from new_rows as c
    join before as x on x.id = c.booking_id
    returning 1
  )
  -- booking.cancelled, booking.declined or booking.expired
  insert into public.outbox_events (organization_id, topic, payload)
  select c.organization_id, 'booking.' || c.cancellation_kind, jsonb_build_object(
    'booking_id', c.booking_id,
    'cancellation_id', c.id,
    'service_session_id', x.service_session_id,
    'client_id', x.client_id,
    'provider_id', x.provider_id,
    'starts_at', x.starts_at,
    'cancelled_by', c.cancelled_by,
    'cancelled_by_role', c.cancelled_by_role,
    'cancellation_kind', c.cancellation_kind,
    'reason', c.reason,
    'cancellation_policy_applied', c.cancellation_policy_applied
  )
  from new_rows as c
  join before as x on x.id = c.booking_id;
  return null;
end
$$;

comment on function private.booking_cancellations_apply() is
  'AFTER INSERT statement trigger on booking_cancellations (new_rows): the effects of every cancellation recorded - the booking cancelled (status_reason: the reason, or declined/expired: reason; the bookings triggers free the place, restore nothing and log the history), an audit_log entry booking.<kind> and a booking.<kind> outbox event (cancelled, declined, expired) carrying cancelled_by_role and the policy. A legacy record (cancellation_kind legacy, private.legacy_cancellation_record: the history of a booking cancelled before records were kept) cancels nothing and emits no event: one audit_log entry booking.legacy_cancellation_recorded per organization and statement.';

revoke all on function private.booking_cancellations_apply() from public, anon, authenticated;

create or replace function private.record_cancellation(p_booking_id uuid, p_reason text, p_kind text)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_cancellation public.booking_cancellations;
  v_code text;
  v_detail text;
  v_hint text;
begin
  perform private.require_caller('You must be signed in to cancel a booking.');

  -- same logic as a direct insert (the table's triggers); only the hints name the RPC's arguments
  begin
    insert into public.booking_cancellations (booking_id, reason, cancellation_kind)
    values (p_booking_id, p_reason, p_kind)
    returning * into v_cancellation;
  exception when sqlstate 'PT400' or sqlstate 'PT401' or sqlstate 'PT403' or sqlstate 'PT404'
                 or sqlstate 'PT409' or sqlstate 'PT422' then
    get stacked diagnostics v_code = message_text, v_detail = pg_exception_detail, v_hint = pg_exception_hint;
    perform private.raise_error(v_code, v_detail, case v_hint
      when 'booking_id' then 'p_booking_id'
      when 'reason' then 'p_reason'
      else nullif(v_hint, '')
    end);
  end;

  return jsonb_build_object(
    'success', true,
    'message', format('Booking %s successfully. ', p_kind)
      || case v_cancellation.cancellation_policy_applied
        when 'credit_restored' then 'The session credit was restored.'
        when 'credit_forfeited' then 'The session credit was forfeited (late cancellation).'
        else 'No refund will be processed.'
      end,
    'booking_id', v_cancellation.booking_id,
    'cancellation_id', v_cancellation.id,
    'cancellation_policy_applied', v_cancellation.cancellation_policy_applied
  );
end
$$;

comment on function private.record_cancellation(uuid, text, text) is
  'Shared body of cancel_booking and decline_booking: inserts the booking_cancellations row of kind p_kind (its trigger is the cancellation) with hints naming the RPC''s arguments, and returns {success, message, booking_id, cancellation_id, cancellation_policy_applied}.';

revoke all on function private.record_cancellation(uuid, text, text) from public, anon, authenticated;
grant execute on function private.record_cancellation(uuid, text, text) to service_role;

create or replace function public.cancel_booking(p_booking_id uuid, p_reason text)
returns jsonb
language sql
security definer
set search_path = ''
as $$
  select private.record_cancellation(p_booking_id, p_reason, 'cancelled')
$$;

comment on function public.cancel_booking(uuid, text) is
  'Cancels a booking (its client, its provider, or an owner/admin; service_role as the system) and returns {success, message, booking_id, cancellation_id, cancellation_policy_applied}. A spent credit is forfeited only when the client cancels within cancellation_notice_hours of the start; the provider, an owner/admin or the system cancelling always restores it (booking_cancellations.cancelled_by_role records who). Same logic as inserting into booking_cancellations. Errors: UNAUTHORIZED, INVALID_REQUEST (hint p_booking_id or p_reason), NOT_FOUND, FORBIDDEN, ALREADY_CANCELLED (PT409), BOOKING_IN_PAST (PT422).
@returns {success: boolean, message: text, booking_id: uuid, cancellation_id?: uuid, cancellation_policy_applied: ''no_refund'' | ''credit_restored'' | ''credit_forfeited''}';

revoke execute on function public.cancel_booking(uuid, text) from public, anon;
grant execute on function public.cancel_booking(uuid, text) to authenticated, service_role;
