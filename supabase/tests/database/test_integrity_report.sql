-- integrity_report (issue 5): its shape (what `sessionkit audit` reads), who may call it, and for
-- EVERY invariant a violation created behind the constraints' back (as postgres, the tables'
-- owner: the one trigger or constraint that would refuse it is disabled or dropped inside this
-- transaction, which is rolled back; no superuser setting such as session_replication_role, so
-- the suite runs on a Supabase project) and seen counted with its sample id. Each violation lives in
-- its own otherwise healthy organization (tests.seed_credit_org). Then the nightly snapshot job.
begin;
select plan(44);

do $$
declare
  i integer;
begin
  perform tests.seed_credit_org('healthy');
  perform tests.seed_org('rival');
  for i in 1..14 loop
    perform tests.seed_credit_org('inv-' || i);
  end loop;
  perform tests.add_member('inv-11', 'inv-11_client2', 'client');
  perform tests.seed_subscription(tests.org_id('inv-11'), tests.uid('inv-11_client2'), 5);
  update public.organization_settings set requires_subscription = true where organization_id = tests.org_id('inv-2');
end
$$;

-- shape --------------------------------------------------------------------------------------
select is(
  (select array_agg(k order by k) from jsonb_object_keys(public.integrity_report(tests.org_id('healthy'))) k),
  array['generated_at', 'invariants', 'organization_id', 'total_violations'],
  'shape: {generated_at, organization_id, total_violations, invariants}');
select is(
  (select count(*)::int from jsonb_array_elements(public.integrity_report(tests.org_id('healthy')) -> 'invariants') i
   where (select array_agg(k order by k) from jsonb_object_keys(i) k) = array['description', 'name', 'sample_ids', 'violations']
     and jsonb_typeof(i -> 'violations') = 'number' and jsonb_typeof(i -> 'sample_ids') = 'array'),
  19, 'shape: 19 invariants, each {name, description, violations (number), sample_ids (array)}');
select is(
  (select array_agg(i.value ->> 'name' order by i.ordinality)
   from jsonb_array_elements(public.integrity_report(tests.org_id('healthy')) -> 'invariants') with ordinality as i),
  array['bookings_without_service_session', 'regular_bookings_without_required_subscription',
        'trial_guest_bookings_with_subscription', 'clients_with_multiple_active_subscriptions',
        'subscription_balance_math', 'negative_remaining_credits', 'session_participants_mismatch',
        'cancelled_bookings_without_cancellation', 'cancellations_of_uncancelled_bookings',
        'overlapping_provider_sessions', 'bookings_with_foreign_subscription', 'cancellation_policy_mismatch',
        'active_subscriptions_past_expiry', 'sessions_of_non_members', 'outbox_dead_letters',
        'orphaned_recording_objects', 'waiting_behind_free_places',
        'skipped_occurrences_with_live_bookings', 'pending_bookings_past_deadline'],
  'shape: the invariants, in a stable order (waiting_behind_free_places: test_waitlists.sql; skipped_occurrences_with_live_bookings: test_series_edits.sql; pending_bookings_past_deadline: test_approval.sql)');
select is(
  public.integrity_report(tests.org_id('healthy')) -> 'organization_id',
  to_jsonb(tests.org_id('healthy')), 'shape: organization_id is the organization reported on');
select is((public.integrity_report(tests.org_id('healthy')) ->> 'total_violations')::int, 0,
  'a healthy organization (bookings, a subscription, a credit spent) has no violation');

-- 1..14: one violation per invariant ----------------------------------------------------------
do $$
begin
  -- 1: a legacy 1-to-1 booking without service session, as a legacy database holds them until
  -- the service_sessions backfill and the contract migration (simulated: the NOT NULL and the
  -- trigger that gives legacy-shaped inserts their session are lifted for the test)
  alter table public.bookings alter column service_session_id drop not null;
  alter table public.bookings disable trigger bookings_legacy_insert;
  insert into public.bookings (organization_id, client_id, provider_id, start_time, end_time, notes)
  values (tests.org_id('inv-1'), tests.uid('inv-1_client'), tests.uid('inv-1_provider'),
          now() + interval '5 days', now() + interval '5 days 1 hour', 'legacy');
  alter table public.bookings enable trigger bookings_legacy_insert;

  -- 2: a regular booking that spent nothing in an organization requiring a subscription
  --    (written as a trial, which spends nothing, then turned regular: the credit trigger only
  --    looks at credits named or revived)
  insert into public.bookings (organization_id, client_id, provider_id, service_id, service_session_id, start_time, end_time, notes, booking_kind)
  select ss.organization_id, tests.uid('inv-2_client'), ss.provider_id, ss.service_id, ss.id, ss.starts_at, ss.ends_at, 'unpaid', 'trial'
  from public.service_sessions ss where ss.id = tests.session_id(tests.org_id('inv-2'), 'b');
  update public.bookings set booking_kind = 'regular' where organization_id = tests.org_id('inv-2') and notes = 'unpaid';

  -- 3: a trial booking carrying a subscription (the check constraint is dropped for the test)
  alter table public.bookings drop constraint bookings_subscription_kind_check;
  update public.bookings set booking_kind = 'trial'
  where organization_id = tests.org_id('inv-3');

  -- 4: a client with two active subscriptions (the unique index is dropped for the test)
  drop index public.subscriptions_one_active_per_client;
  perform tests.seed_subscription(tests.org_id('inv-4'), tests.uid('inv-4_client'), 3);

  -- 5: a booking that spent a credit, cancelled without saying whether it was restored
  update public.bookings set status = 'cancelled' where organization_id = tests.org_id('inv-5');

  -- 6: more credits spent than the subscription holds (a second credit spent, then the total
  --    lowered with the trigger that would refuse it off for this update)
  insert into public.bookings (organization_id, client_id, provider_id, service_id, service_session_id, start_time, end_time, subscription_id)
  select ss.organization_id, s.client_id, ss.provider_id, ss.service_id, ss.id, ss.starts_at, ss.ends_at, s.id
  from public.service_sessions ss
  join public.subscriptions s on s.organization_id = ss.organization_id
  where ss.id = tests.session_id(tests.org_id('inv-6'), 'b');
  alter table public.subscriptions disable trigger subscriptions_before_write;
  update public.subscriptions set total_sessions = 1 where organization_id = tests.org_id('inv-6');
  alter table public.subscriptions enable trigger subscriptions_before_write;

  -- 7: a participant count that drifted (only users' writes are refused it: the table owner's
  --    direct update goes through)
  update public.service_sessions set current_participants = 0 where id = tests.session_id(tests.org_id('inv-7'), 'a');

  -- 9: a cancellation record for a booking that is not cancelled (the trigger that would cancel
  --    the booking is off for this insert)
  alter table public.booking_cancellations disable trigger booking_cancellations_before_insert;
  alter table public.booking_cancellations disable trigger booking_cancellations_apply;
  insert into public.booking_cancellations (organization_id, booking_id, reason, cancellation_policy_applied)
  select b.organization_id, b.id, 'phantom', 'credit_restored'
  from public.bookings b where b.organization_id = tests.org_id('inv-9');
  alter table public.booking_cancellations enable trigger booking_cancellations_apply;
  alter table public.booking_cancellations enable trigger booking_cancellations_before_insert;

  -- 11: a booking spending another client's subscription (the composite foreign key is dropped
  --     for the test)
  alter table public.bookings drop constraint bookings_subscription_fkey;
  update public.bookings b set subscription_id = tests.active_subscription(tests.org_id('inv-11'), tests.uid('inv-11_client2'))
  where b.organization_id = tests.org_id('inv-11');

  -- 8: a cancelled booking without its cancellation record (a backfill-style status change)
  update public.bookings set status = 'cancelled', subscription_id = null where organization_id = tests.org_id('inv-8');

  -- 10: two overlapping sessions of one provider (the overlap guarantee is switched off for the test)
  alter table public.service_sessions disable trigger service_sessions_no_overlap_insert;
  perform tests.seed_named_session(tests.service_id(tests.org_id('inv-10'), 'Group'), 'overlap',
    (select starts_at + interval '30 minutes' from public.service_sessions where id = tests.session_id(tests.org_id('inv-10'), 'a')));

  -- 12: a cancellation whose policy contradicts the booking (a credit restored on a paid booking)
  update public.bookings set subscription_id = null where organization_id = tests.org_id('inv-12');
  insert into public.booking_cancellations (booking_id, reason)
  select b.id, 'Changed plans' from public.bookings b where b.organization_id = tests.org_id('inv-12');
  update public.booking_cancellations set cancellation_policy_applied = 'credit_restored'
  where organization_id = tests.org_id('inv-12');

  -- 13: an active subscription long past its expiry (the expiry job did not run)
  update public.subscriptions set starts_at = now() - interval '60 days', expires_at = now() - interval '2 days'
  where organization_id = tests.org_id('inv-13');

  -- 14: upcoming sessions whose provider no longer holds a membership (an operator removed it as
  --     a direct database session, which the leave rules do not stop)
  delete from public.organization_members
  where organization_id = tests.org_id('inv-14') and user_id = tests.uid('inv-14_provider');
end
$$;

select is(tests.invariant(tests.org_id('inv-1'), 'bookings_without_service_session'),
  jsonb_build_object('violations', 1, 'sample_ids', jsonb_build_array(
    (select id::text from public.bookings where organization_id = tests.org_id('inv-1') and notes = 'legacy'))),
  'bookings_without_service_session: a booking without service session is counted, with its id');
select is(tests.invariant(tests.org_id('inv-2'), 'regular_bookings_without_required_subscription'),
  jsonb_build_object('violations', 1, 'sample_ids', jsonb_build_array(
    (select id::text from public.bookings where organization_id = tests.org_id('inv-2') and notes = 'unpaid'))),
  'regular_bookings_without_required_subscription: an unpaid regular booking where a subscription is required is counted');
select is(tests.invariant(tests.org_id('inv-3'), 'trial_guest_bookings_with_subscription'),
  jsonb_build_object('violations', 1, 'sample_ids', jsonb_build_array(
    (select id::text from public.bookings where organization_id = tests.org_id('inv-3')))),
  'trial_guest_bookings_with_subscription: a trial booking with a subscription is counted');
select is(tests.invariant(tests.org_id('inv-4'), 'clients_with_multiple_active_subscriptions'),
  jsonb_build_object('violations', 1, 'sample_ids', jsonb_build_array(tests.uid('inv-4_client')::text)),
  'clients_with_multiple_active_subscriptions: a client with two active subscriptions is counted (sample: the client)');
select is(tests.invariant(tests.org_id('inv-5'), 'subscription_balance_math'),
  jsonb_build_object('violations', 1, 'sample_ids', jsonb_build_array(
    (select id::text from public.subscriptions where organization_id = tests.org_id('inv-5')))),
  'subscription_balance_math: a spent credit in no bucket makes the subscription''s math untrustworthy');
select is(tests.invariant(tests.org_id('inv-6'), 'negative_remaining_credits'),
  jsonb_build_object('violations', 1, 'sample_ids', jsonb_build_array(
    (select id::text from public.subscriptions where organization_id = tests.org_id('inv-6')))),
  'negative_remaining_credits: an overspent subscription is counted');
select is(
  (select remaining from public.subscription_balances where organization_id = tests.org_id('inv-6')),
  -1, 'negative_remaining_credits: (the balance shows the truth: remaining -1)');
select is(tests.invariant(tests.org_id('inv-7'), 'session_participants_mismatch'),
  jsonb_build_object('violations', 1, 'sample_ids', jsonb_build_array(tests.session_id(tests.org_id('inv-7'), 'a')::text)),
  'session_participants_mismatch: a drifted participant count is counted');
select is(tests.invariant(tests.org_id('inv-8'), 'cancelled_bookings_without_cancellation'),
  jsonb_build_object('violations', 1, 'sample_ids', jsonb_build_array(
    (select id::text from public.bookings where organization_id = tests.org_id('inv-8')))),
  'cancelled_bookings_without_cancellation: a cancelled booking without record is counted');
select is(tests.invariant(tests.org_id('inv-9'), 'cancellations_of_uncancelled_bookings'),
  jsonb_build_object('violations', 1, 'sample_ids', jsonb_build_array(
    (select id::text from public.bookings where organization_id = tests.org_id('inv-9')))),
  'cancellations_of_uncancelled_bookings: a cancellation of a live booking is counted');
select is(tests.invariant(tests.org_id('inv-10'), 'overlapping_provider_sessions'),
  jsonb_build_object('violations', 1, 'sample_ids', jsonb_build_array(
    least(tests.session_id(tests.org_id('inv-10'), 'a'), tests.session_id(tests.org_id('inv-10'), 'overlap'))::text)),
  'overlapping_provider_sessions: two overlapping sessions of a provider are counted (one pair)');
select is(tests.invariant(tests.org_id('inv-11'), 'bookings_with_foreign_subscription'),
  jsonb_build_object('violations', 1, 'sample_ids', jsonb_build_array(
    (select id::text from public.bookings where organization_id = tests.org_id('inv-11')))),
  'bookings_with_foreign_subscription: a booking spending another client''s subscription is counted');
select is(tests.invariant(tests.org_id('inv-12'), 'cancellation_policy_mismatch'),
  jsonb_build_object('violations', 1, 'sample_ids', jsonb_build_array(
    (select id::text from public.bookings where organization_id = tests.org_id('inv-12')))),
  'cancellation_policy_mismatch: a credit restored on a booking that spent none is counted');
select is(tests.invariant(tests.org_id('inv-13'), 'active_subscriptions_past_expiry'),
  jsonb_build_object('violations', 1, 'sample_ids', jsonb_build_array(
    (select id::text from public.subscriptions where organization_id = tests.org_id('inv-13')))),
  'active_subscriptions_past_expiry: an active subscription two days past expiry is counted');
select is(tests.invariant(tests.org_id('inv-14'), 'sessions_of_non_members') -> 'violations', '2'::jsonb,
  'sessions_of_non_members: the upcoming sessions of a provider who is no member are counted');

-- scoping and totals ---------------------------------------------------------------------------
select is(
  (select array_agg(i ->> 'name' order by i ->> 'name')
   from jsonb_array_elements(public.integrity_report(tests.org_id('inv-7')) -> 'invariants') i
   where (i ->> 'violations')::int > 0),
  array['session_participants_mismatch'], 'scoping: an organization''s report shows only its own violations');
select is((public.integrity_report(tests.org_id('healthy')) ->> 'total_violations')::int, 0,
  'scoping: the healthy organization is still clean');
select is(
  (select (r ->> 'total_violations')::int
          = (select sum((i ->> 'violations')::int) from jsonb_array_elements(r -> 'invariants') i)
   from (select public.integrity_report(tests.org_id('inv-5')) as r) x),
  true, 'totals: total_violations is the sum of the invariants'' counts');
select ok(
  (select bool_and((i ->> 'violations')::int >= 1) and count(*) = 14
   from jsonb_array_elements(public.integrity_report(null) -> 'invariants') i
   where i ->> 'name' = any (array['bookings_without_service_session', 'regular_bookings_without_required_subscription',
        'trial_guest_bookings_with_subscription', 'clients_with_multiple_active_subscriptions',
        'subscription_balance_math', 'negative_remaining_credits', 'session_participants_mismatch',
        'cancelled_bookings_without_cancellation', 'cancellations_of_uncancelled_bookings',
        'overlapping_provider_sessions', 'bookings_with_foreign_subscription', 'cancellation_policy_mismatch',
        'active_subscriptions_past_expiry', 'sessions_of_non_members'])),
  'all organizations (null): every invariant''s violation is counted');
select is(public.integrity_report(null) -> 'organization_id', 'null'::jsonb, 'all organizations: organization_id is null');
do $$
begin
  -- eleven more legacy bookings (the legacy-insert trigger lifted again, see invariant 1)
  alter table public.bookings disable trigger bookings_legacy_insert;
  insert into public.bookings (organization_id, client_id, provider_id, start_time, end_time, booking_kind)
  select tests.org_id('inv-1'), tests.uid('inv-1_client'), tests.uid('inv-1_provider'),
         now() + make_interval(days => 10 + g), now() + make_interval(days => 10 + g, hours => 1), 'trial'
  from generate_series(1, 11) g;
  alter table public.bookings enable trigger bookings_legacy_insert;
end
$$;
select results_eq(
  $$select (i ->> 'violations')::int, jsonb_array_length(i -> 'sample_ids')
    from jsonb_array_elements(public.integrity_report(tests.org_id('inv-1')) -> 'invariants') i
    where i ->> 'name' = 'bookings_without_service_session'$$,
  $$values (12, 10)$$,
  'samples: at most 10 sample ids, the count is exact');

-- who may call it --------------------------------------------------------------------------------
select tests.act_as('inv-1_owner');
select is((public.integrity_report(tests.org_id('inv-1')) ->> 'total_violations')::int, 12,
  'access: an owner reports on their organization');
select tests.act_as('inv-1_admin');
select is((public.integrity_report(tests.org_id('inv-1')) ->> 'total_violations')::int, 12,
  'access: an admin reports on their organization');
select tests.act_as('inv-1_provider');
select throws_ok(format($$select public.integrity_report(%L)$$, tests.org_id('inv-1')), 'PT403', 'FORBIDDEN',
  'access: a provider is FORBIDDEN');
select tests.act_as('inv-1_client');
select throws_ok(format($$select public.integrity_report(%L)$$, tests.org_id('inv-1')), 'PT403', 'FORBIDDEN',
  'access: a client is FORBIDDEN');
select tests.act_as('rival_owner');
select throws_ok(format($$select public.integrity_report(%L)$$, tests.org_id('inv-1')), 'PT404', 'NOT_FOUND',
  'access: another organization''s owner gets NOT_FOUND');
select is(tests.error_of($$select public.integrity_report()$$) - 'detail',
  '{"sqlstate": "PT403", "message": "FORBIDDEN", "hint": "p_organization_id"}'::jsonb,
  'access: every organization at once is FORBIDDEN to users (hint p_organization_id)');
select tests.authenticate_as_anon();
select throws_ok(format($$select public.integrity_report(%L)$$, tests.org_id('inv-1')), '42501', null,
  'access: anon may not call it');
select set_config('role', 'authenticated', true);
select set_config('request.jwt.claims', '{"role": "authenticated"}', true);
select throws_ok($$select public.integrity_report()$$, 'PT401', 'UNAUTHORIZED',
  'access: a request without a user is UNAUTHORIZED');
select tests.authenticate_as_service_role();
select ok((public.integrity_report() ->> 'total_violations')::int >= 24, 'access: service_role reports on every organization');
select throws_ok(format($$select public.integrity_report(%L)$$, gen_random_uuid()), 'PT404', 'NOT_FOUND',
  'access: service_role asking for an unknown organization gets NOT_FOUND');

-- nightly snapshot ----------------------------------------------------------------------------------
select tests.clear_authentication();
select ok(private.snapshot_integrity() >= 13, 'snapshot: the first run alerts every organization with violations');
select is(
  (select counts ->> 'session_participants_mismatch' from ops.integrity_snapshots where organization_id = tests.org_id('inv-7')),
  '1', 'snapshot: the counts per invariant are stored per organization');
select results_eq(
  $$select payload -> 'rises' -> 0 ->> 'name', (payload -> 'rises' -> 0 ->> 'previous')::int, (payload -> 'rises' -> 0 ->> 'violations')::int
    from public.outbox_events where topic = 'integrity.violations_found' and organization_id = tests.org_id('inv-7')$$,
  $$values ('session_participants_mismatch'::text, 0, 1)$$,
  'snapshot: an integrity.violations_found outbox event names the invariant that rose');
select is(
  (select count(*)::int from public.outbox_events where topic = 'integrity.violations_found' and organization_id = tests.org_id('healthy')),
  0, 'snapshot: a clean organization raises no alert');
select is(
  (select count(*)::int from ops.integrity_snapshots where organization_id = tests.org_id('healthy')),
  1, 'snapshot: ... but is snapshotted');
do $$
begin
  perform private.snapshot_integrity();
end
$$;
select is(
  (select count(*)::int from public.outbox_events where topic = 'integrity.violations_found' and organization_id = tests.org_id('inv-7')),
  1, 'snapshot: unchanged counts raise no new alert');
do $$
begin
  update public.service_sessions set current_participants = 5 where id = tests.session_id(tests.org_id('inv-7'), 'b');
  perform private.snapshot_integrity();
end
$$;
select results_eq(
  $$select (payload -> 'rises' -> 0 ->> 'previous')::int, (payload -> 'rises' -> 0 ->> 'violations')::int
    from public.outbox_events where topic = 'integrity.violations_found' and organization_id = tests.org_id('inv-7')
    order by id desc limit 1$$,
  $$values (1, 2)$$,
  'snapshot: a count that rises raises a new alert (previous 1, now 2)');
select is(
  (select count(*)::int from ops.integrity_snapshots where organization_id = tests.org_id('inv-7')),
  3, 'snapshot: one snapshot per organization and run');

select * from finish();
rollback;
