-- A legacy cancellation record (issue 13: backfills write through the triggers): the history of
-- a booking cancelled before records were kept, inserted with cancellation_kind = 'legacy'. The
-- triggers honour the marker - nothing is cancelled again, no event, no status change, no credit
-- moves, one audit entry per organization - and only a trusted writer may set it: every signed-in
-- role, another organization's member and anon are refused.
begin;
select plan(15);

do $$
declare
  v_org uuid := tests.seed_org('lgc');
  v_service uuid;
begin
  perform tests.seed_org('lgcrival');
  v_service := tests.seed_bookable_service(v_org, 'Session', 30);
  -- booked before the client had a subscription: no credit spent
  perform tests.remember('plain', tests.seed_booking(v_service, tests.uid('lgc_client'), date_trunc('hour', now()) - interval '10 days'));
  perform tests.remember('sub', tests.seed_subscription(v_org, tests.uid('lgc_client'), 10, 'active', now() - interval '30 days'));
  -- spends a credit of it (the credit trigger)
  perform tests.remember('paid', tests.seed_booking(v_service, tests.uid('lgc_client'), date_trunc('hour', now()) - interval '9 days'));
  perform tests.remember('live', tests.seed_booking(v_service, tests.uid('lgc_client'), date_trunc('hour', now()) - interval '8 days'));
end
$$;

-- what an old frontend did: cancelled by a status update, no record
update public.bookings set status = 'cancelled' where id in (tests.ref('plain'), tests.ref('paid'));

create temporary table legacy_before as
select (select count(*) from public.outbox_events) as events,
       (select count(*) from public.booking_status_history where booking_id in (tests.ref('plain'), tests.ref('paid'))) as history,
       tests.balance(tests.ref('sub')) as balance;
grant select on legacy_before to authenticated, anon, service_role;

-- the marker is refused to signed-in users and anon ------------------------------------------------
select tests.act_as('lgc_owner');
select throws_ok(format($$insert into public.booking_cancellations (booking_id, reason, cancellation_kind) values (%L, 'history', 'legacy')$$, tests.ref('plain')),
  'PT403', 'FORBIDDEN', 'an owner cannot record a legacy cancellation');
select tests.act_as('lgc_admin');
select throws_ok(format($$insert into public.booking_cancellations (booking_id, reason, cancellation_kind) values (%L, 'history', 'legacy')$$, tests.ref('plain')),
  'PT403', 'FORBIDDEN', 'nor an admin');
select tests.act_as('lgc_provider');
select throws_ok(format($$insert into public.booking_cancellations (booking_id, reason, cancellation_kind) values (%L, 'history', 'legacy')$$, tests.ref('plain')),
  'PT403', 'FORBIDDEN', 'nor the provider');
select tests.act_as('lgc_client');
select throws_ok(format($$insert into public.booking_cancellations (booking_id, reason, cancellation_kind) values (%L, 'history', 'legacy')$$, tests.ref('plain')),
  'PT403', 'FORBIDDEN', 'nor the client');
select tests.act_as('lgcrival_owner');
select throws_ok(format($$insert into public.booking_cancellations (booking_id, reason, cancellation_kind) values (%L, 'history', 'legacy')$$, tests.ref('plain')),
  'PT403', 'FORBIDDEN', 'nor a member of another organization');
select tests.authenticate_as_anon();
select throws_ok(format($$insert into public.booking_cancellations (booking_id, reason, cancellation_kind) values (%L, 'history', 'legacy')$$, tests.ref('plain')),
  'PT401', 'UNAUTHORIZED', 'nor anon');

-- a trusted writer records history, never a new cancellation --------------------------------------
select tests.authenticate_as_service_role();
select throws_ok(format($$insert into public.booking_cancellations (booking_id, reason, cancellation_kind) values (%L, 'history', 'legacy')$$, tests.ref('live')),
  'PT409', 'CONFLICT', 'a legacy record of a live booking is refused: cancel it with cancel_booking');
select throws_ok(format($$insert into public.booking_cancellations (booking_id, reason, cancellation_kind) values (%L, 'history', 'legacy')$$, tests.ref('paid')),
  'PT400', 'INVALID_REQUEST', 'a booking that spent a credit needs its policy said: restored or forfeited');
select lives_ok(format($$insert into public.booking_cancellations (booking_id, reason, cancellation_kind, cancellation_policy_applied, created_at)
                         values (%L, 'history', 'legacy', 'no_refund', now() - interval '9 days'),
                                (%L, 'history', 'legacy', 'credit_restored', now() - interval '8 days')$$, tests.ref('plain'), tests.ref('paid')),
  'service_role records both (postgres and the backfills write the same way)');
select tests.clear_authentication();

select results_eq(
  $$select booking_id, cancellation_kind, cancelled_by, cancelled_by_role, cancellation_policy_applied, created_at < now()
    from public.booking_cancellations where booking_id in (tests.ref('plain'), tests.ref('paid')) order by cancellation_policy_applied$$,
  $$values (tests.ref('paid'), 'legacy'::text, null::uuid, null::text, 'credit_restored'::text, true),
           (tests.ref('plain'), 'legacy'::text, null::uuid, null::text, 'no_refund'::text, true)$$,
  'the records keep the writer''s canceller (unknown), time and policy');
select is((select count(*) from public.outbox_events), (select events from legacy_before),
  'no outbox event: nobody is notified of history');
select is((select count(*) from public.booking_status_history where booking_id in (tests.ref('plain'), tests.ref('paid'))),
  (select history from legacy_before), 'the bookings are not cancelled again (no status change)');
select is(tests.balance(tests.ref('sub')), (select balance from legacy_before), 'no credit is restored or spent');
select is((select count(*) from public.bookings where id in (tests.ref('plain'), tests.ref('paid')) and status = 'cancelled'), 2::bigint,
  'the bookings stay cancelled');
select is(
  (select new_values -> 'booking_ids' from public.audit_log
   where action = 'booking.legacy_cancellation_recorded' and organization_id = tests.org_id('lgc')),
  (select jsonb_agg(id order by id) from public.bookings where id in (tests.ref('plain'), tests.ref('paid'))),
  'one audit entry for the organization names the recorded bookings');

select * from finish();
rollback;
