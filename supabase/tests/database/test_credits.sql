-- Credits and subscriptions (issue 5): create_subscription, spending a credit on every regular
-- booking (the database chooses and locks the subscription), pay-per-session and
-- requires_subscription, validity, trial/guest never spending (constraint), the cancellation
-- policies (credit_restored / credit_forfeited / no_refund), no-shows, the credit going back to
-- the subscription it came from, subscription_balance() and its errors, direct writes to
-- subscriptions, and the expiry job.
begin;
select plan(92);

do $$
declare
  v_acme uuid := tests.seed_org('acme');
  v_gym uuid := tests.seed_org('gym');
  v_yoga uuid;
  v_spin uuid;
  i integer;
begin
  perform tests.seed_org('rival');
  foreach i in array array[2, 3, 4, 5, 6, 7] loop
    perform tests.add_member('acme', 'acme_client' || i, 'client');
  end loop;
  perform tests.add_member('gym', 'gym_client2', 'client');
  perform tests.add_member('gym', 'gym_client3', 'client');
  update public.organization_settings set requires_subscription = true where organization_id = v_gym;

  v_yoga := tests.seed_service(v_acme, 'Yoga', tests.uid('acme_provider'), 10, 20);
  perform tests.seed_weekly_hours(v_acme, tests.uid('acme_provider'));
  for i in 1..9 loop
    perform tests.seed_named_session(v_yoga, 's' || i, date_trunc('hour', now()) + make_interval(days => i + 1));
  end loop;
  -- starts in two hours: inside the default 24-hour cancellation notice
  perform tests.seed_named_session(v_yoga, 'soon', date_trunc('minute', now()) + interval '2 hours', 10, 30);

  v_spin := tests.seed_service(v_gym, 'Spinning', tests.uid('gym_provider'), 20, 15);
  perform tests.seed_named_session(v_spin, 'g1', date_trunc('hour', now()) + interval '2 days');
  perform tests.seed_named_session(v_spin, 'g2', date_trunc('hour', now()) + interval '3 days');

  perform tests.seed_package(v_acme, '3 pack', 3);
  update public.packages set valid_for_days = 30 where organization_id = v_acme and name = '3 pack';
  perform tests.seed_package(v_acme, 'Retired pack', 5);
  update public.packages set is_active = false where organization_id = v_acme and name = 'Retired pack';
  perform tests.seed_package(v_acme, 'Single', 1);
  perform tests.seed_package(v_gym, 'Gym 5', 5);
end
$$;

-- create_subscription ----------------------------------------------------------------------
select tests.act_as('acme_admin');
select results_eq(
  format($$select total_sessions, status, expires_at - starts_at, client_id from public.create_subscription(%L, %L)$$,
    tests.uid('acme_client'), tests.package_id(tests.org_id('acme'), '3 pack')),
  format($$values (3, 'active'::text, interval '30 days', %L::uuid)$$, tests.uid('acme_client')),
  'create_subscription: an admin sells a package: total_sessions from its session_count, expires_at = starts_at + valid_for_days');
select throws_ok(
  format($$select public.create_subscription(%L, %L)$$, tests.uid('acme_client'), tests.package_id(tests.org_id('acme'), 'Single')),
  'PT409', 'ALREADY_ACTIVE_SUBSCRIPTION', 'create_subscription: a second active subscription is ALREADY_ACTIVE_SUBSCRIPTION');
select is(
  tests.error_of(format($$select public.create_subscription(%L, %L)$$, tests.uid('acme_client'), tests.package_id(tests.org_id('acme'), 'Single'))) ->> 'hint',
  'p_client_id', 'create_subscription: ALREADY_ACTIVE_SUBSCRIPTION names p_client_id');
select is(
  (select count(*)::int from public.subscriptions where client_id = tests.uid('acme_client')),
  1, 'create_subscription: the refused call left nothing behind');
select throws_ok(
  format($$select public.create_subscription(%L, %L)$$, tests.uid('acme_client2'), tests.package_id(tests.org_id('acme'), 'Retired pack')),
  'PT422', 'PACKAGE_INACTIVE', 'create_subscription: an inactive package is PACKAGE_INACTIVE');
select throws_ok(
  format($$select public.create_subscription(%L, %L, now() - interval '1 year')$$, tests.uid('acme_client2'), tests.package_id(tests.org_id('acme'), '3 pack')),
  'PT400', 'INVALID_REQUEST', 'create_subscription: a subscription that would already have expired is INVALID_REQUEST');
select throws_ok(
  format($$select public.create_subscription(%L, null)$$, tests.uid('acme_client2')),
  'PT400', 'INVALID_REQUEST', 'create_subscription: a missing package is INVALID_REQUEST');
select is(
  tests.error_of(format($$select public.create_subscription(null, %L)$$, tests.package_id(tests.org_id('acme'), '3 pack'))) ->> 'hint',
  'p_client_id', 'create_subscription: a missing client is INVALID_REQUEST naming p_client_id');
select throws_ok(
  format($$select public.create_subscription(%L, %L)$$, tests.uid('acme_client2'), gen_random_uuid()),
  'PT404', 'NOT_FOUND', 'create_subscription: an unknown package is NOT_FOUND');
select is(
  tests.error_of(format($$select public.create_subscription(%L, %L)$$, tests.uid('rival_client'), tests.package_id(tests.org_id('acme'), '3 pack'))),
  jsonb_build_object('sqlstate', 'PT404', 'message', 'NOT_FOUND', 'detail', 'Client not found in this organization.', 'hint', 'p_client_id'),
  'create_subscription: a client of another organization is NOT_FOUND (hint p_client_id)');
select tests.act_as('acme_client');
select throws_ok(
  format($$select public.create_subscription(%L, %L)$$, tests.uid('acme_client'), tests.package_id(tests.org_id('acme'), 'Single')),
  'PT403', 'FORBIDDEN', 'create_subscription: a client cannot grant themself credits (FORBIDDEN)');
select tests.act_as('acme_provider');
select throws_ok(
  format($$select public.create_subscription(%L, %L)$$, tests.uid('acme_client2'), tests.package_id(tests.org_id('acme'), 'Single')),
  'PT403', 'FORBIDDEN', 'create_subscription: a provider is FORBIDDEN');
select tests.act_as('rival_owner');
select throws_ok(
  format($$select public.create_subscription(%L, %L)$$, tests.uid('acme_client2'), tests.package_id(tests.org_id('acme'), '3 pack')),
  'PT404', 'NOT_FOUND', 'create_subscription: another organization''s package is NOT_FOUND');
select tests.authenticate_as_anon();
select throws_ok(
  format($$select public.create_subscription(%L, %L)$$, tests.uid('acme_client2'), tests.package_id(tests.org_id('acme'), '3 pack')),
  '42501', null, 'create_subscription: anon may not call it');
select set_config('role', 'authenticated', true);
select set_config('request.jwt.claims', '{"role": "authenticated"}', true);
select throws_ok(
  format($$select public.create_subscription(%L, %L)$$, tests.uid('acme_client2'), tests.package_id(tests.org_id('acme'), '3 pack')),
  'PT401', 'UNAUTHORIZED', 'create_subscription: a request without a user is UNAUTHORIZED');
select tests.authenticate_as_service_role();
select lives_ok(
  format($$select public.create_subscription(%L, %L)$$, tests.uid('acme_client2'), tests.package_id(tests.org_id('acme'), '3 pack')),
  'create_subscription: service_role (the payment backend) sells a package');
select is(
  (select count(*)::int from public.outbox_events
   where organization_id = tests.org_id('acme') and topic = 'subscription.created'),
  2, 'create_subscription: each sale emits a subscription.created outbox event');

-- spending a credit ---------------------------------------------------------------------
select tests.act_as('acme_client');
select is(
  (public.book_session(tests.session_id(tests.org_id('acme'), 's1'))).subscription_id,
  tests.active_subscription(tests.org_id('acme'), tests.uid('acme_client')),
  'spending: a regular booking spends a credit of the client''s active subscription, chosen by the database');
select is(
  public.subscription_balance(tests.active_subscription(tests.org_id('acme'), tests.uid('acme_client')))
    - 'subscription_id' - 'status' - 'expires_at',
  '{"total": 3, "completed": 0, "scheduled": 1, "forfeited": 0, "remaining": 2}'::jsonb,
  'subscription_balance: one credit scheduled, two remaining');
select isnt((public.book_session(tests.session_id(tests.org_id('acme'), 's2'))).subscription_id, null,
  'spending: the second booking spends a credit');
select isnt((public.book_session(tests.session_id(tests.org_id('acme'), 's3'))).subscription_id, null,
  'spending: the third booking spends the last credit');
select throws_ok(
  format($$select public.book_session(%L)$$, tests.session_id(tests.org_id('acme'), 's4')),
  'PT409', 'NO_CREDITS_LEFT', 'spending: a fourth booking is NO_CREDITS_LEFT');
select is(
  tests.error_of(format($$select public.book_session(%L)$$, tests.session_id(tests.org_id('acme'), 's4'))) ->> 'detail',
  'No credits left: all 3 credits of the client''s subscription are used or booked.',
  'spending: NO_CREDITS_LEFT says why');
select is(
  (select current_participants from public.service_sessions where id = tests.session_id(tests.org_id('acme'), 's4')),
  0, 'spending: the refused booking left nothing behind (no participant counted)');
select is(tests.booking_id(tests.session_id(tests.org_id('acme'), 's4'), tests.uid('acme_client')), null,
  'spending: the refused booking left no booking row');
select is(tests.balance(tests.active_subscription(tests.org_id('acme'), tests.uid('acme_client'))) ->> 'remaining', '0',
  'spending: remaining is 0, never below');
select is((public.book_session(tests.session_id(tests.org_id('acme'), 's4'), 'trial')).subscription_id, null,
  'trial: a trial booking never spends a credit, even with none left');
select tests.act_as('acme_admin');
select is((public.book_session(tests.session_id(tests.org_id('acme'), 's5'), 'guest', tests.uid('acme_client'))).subscription_id, null,
  'guest: a guest booking never spends a credit');
select throws_ok(
  format($$select public.book_session(%L, 'regular', %L)$$, tests.session_id(tests.org_id('acme'), 's6'), tests.uid('acme_client')),
  'PT409', 'NO_CREDITS_LEFT', 'spending: an admin booking for the client spends the same credits (NO_CREDITS_LEFT)');
select throws_ok(
  format($$insert into public.bookings (organization_id, client_id, provider_id, service_id, start_time, end_time)
           values (%L, %L, %L, %L, %L, %L)$$,
    tests.org_id('acme'), tests.uid('acme_client'), tests.uid('acme_provider'), tests.service_id(tests.org_id('acme'), 'Yoga'),
    tests.slot(7, '10:00'), tests.slot(7, '11:00')),
  'PT409', 'NO_CREDITS_LEFT', 'spending: a (legacy 1-to-1) direct insert into bookings by staff goes through the same credit rule');
select tests.act_as('acme_client3');
select results_eq(
  format($$select subscription_id, price from public.book_session(%L)$$, tests.session_id(tests.org_id('acme'), 's1')),
  $$values (null::uuid, 20.00::numeric)$$,
  'pay-per-session: a client without an active subscription books and the booking carries the service''s price snapshot');

-- trial and guest bookings never carry a subscription (constraint) ------------------------
select tests.clear_authentication();
select throws_ok(
  format($$update public.bookings set subscription_id = %L where id = %L$$,
    tests.active_subscription(tests.org_id('acme'), tests.uid('acme_client')),
    tests.booking_id(tests.session_id(tests.org_id('acme'), 's4'), tests.uid('acme_client'))),
  '23514', null, 'constraint: a trial booking cannot be linked to a subscription, even by postgres');
select throws_ok(
  format($$insert into public.bookings (organization_id, client_id, provider_id, service_id, service_session_id, start_time, end_time, booking_kind, subscription_id)
           select ss.organization_id, %L, ss.provider_id, ss.service_id, ss.id, ss.starts_at, ss.ends_at, 'guest', %L
           from public.service_sessions ss where ss.id = %L$$,
    tests.uid('acme_client'), tests.active_subscription(tests.org_id('acme'), tests.uid('acme_client')),
    tests.session_id(tests.org_id('acme'), 's7')),
  '23514', null, 'constraint: a guest booking cannot be inserted with a subscription');
select throws_ok(
  format($$insert into public.bookings (organization_id, client_id, provider_id, service_id, service_session_id, start_time, end_time, subscription_id)
           select ss.organization_id, %L, ss.provider_id, ss.service_id, ss.id, ss.starts_at, ss.ends_at, %L
           from public.service_sessions ss where ss.id = %L$$,
    tests.uid('acme_client2'), tests.active_subscription(tests.org_id('acme'), tests.uid('acme_client')),
    tests.session_id(tests.org_id('acme'), 's7')),
  '23503', null, 'constraint: a booking cannot spend another client''s subscription (composite foreign key)');

-- cancellation policies ------------------------------------------------------------------
select tests.act_as('acme_client');
select is(
  public.cancel_booking(tests.booking_id(tests.session_id(tests.org_id('acme'), 's1'), tests.uid('acme_client')), 'Cannot make it')
    ->> 'cancellation_policy_applied',
  'credit_restored', 'cancel: cancelling earlier than cancellation_notice_hours restores the credit');
select is(tests.balance(tests.active_subscription(tests.org_id('acme'), tests.uid('acme_client'))),
  '{"total": 3, "completed": 0, "scheduled": 2, "forfeited": 0, "remaining": 1}'::jsonb,
  'cancel: the restored credit is back in the balance');
select isnt((public.book_session(tests.session_id(tests.org_id('acme'), 's6'))).subscription_id, null,
  'cancel: a restored credit can be spent again');
select is(
  public.cancel_booking(tests.booking_id(tests.session_id(tests.org_id('acme'), 's2'), tests.uid('acme_client')), 'Moving')
    ->> 'cancellation_policy_applied',
  'credit_restored', 'cancel: another early cancellation restores another credit');
select isnt((public.book_session(tests.session_id(tests.org_id('acme'), 'soon'))).subscription_id, null,
  'cancel: book a session starting in two hours with that credit');
select is(
  public.cancel_booking(tests.booking_id(tests.session_id(tests.org_id('acme'), 'soon'), tests.uid('acme_client')), 'Overslept')
    ->> 'cancellation_policy_applied',
  'credit_forfeited', 'cancel: cancelling later than cancellation_notice_hours forfeits the credit');
select is(tests.balance(tests.active_subscription(tests.org_id('acme'), tests.uid('acme_client'))),
  '{"total": 3, "completed": 0, "scheduled": 2, "forfeited": 1, "remaining": 0}'::jsonb,
  'cancel: a forfeited credit stays spent (forfeited 1)');
select is(
  (select cancellation_policy_applied from public.booking_cancellations
   where booking_id = tests.booking_id(tests.session_id(tests.org_id('acme'), 'soon'), tests.uid('acme_client'))),
  'credit_forfeited', 'cancel: the policy is recorded on the cancellation row');
select lives_ok(
  format($$insert into public.booking_cancellations (booking_id, reason) values (%L, 'Injured')$$,
    tests.booking_id(tests.session_id(tests.org_id('acme'), 's3'), tests.uid('acme_client'))),
  'cancel: a client cancels by inserting into booking_cancellations');
select is(
  (select cancellation_policy_applied from public.booking_cancellations
   where booking_id = tests.booking_id(tests.session_id(tests.org_id('acme'), 's3'), tests.uid('acme_client'))),
  'credit_restored', 'cancel: the direct insert applies the same credit policy');
select is(tests.balance(tests.active_subscription(tests.org_id('acme'), tests.uid('acme_client'))) ->> 'remaining', '1',
  'cancel: ... and the credit is back');
select tests.act_as('acme_client3');
select is(
  public.cancel_booking(tests.booking_id(tests.session_id(tests.org_id('acme'), 's1'), tests.uid('acme_client3')), 'Changed plans')
    ->> 'cancellation_policy_applied',
  'no_refund', 'cancel: a pay-per-session booking spent no credit: no_refund');
select tests.act_as('acme_client');
select is(
  public.cancel_booking(tests.booking_id(tests.session_id(tests.org_id('acme'), 's4'), tests.uid('acme_client')), 'Trial not needed')
    ->> 'cancellation_policy_applied',
  'no_refund', 'cancel: a trial booking spent no credit: no_refund');

-- the credit returns to the subscription it was spent from ----------------------------------
select tests.act_as('acme_client2');
select isnt((public.book_session(tests.session_id(tests.org_id('acme'), 's7'))).subscription_id, null,
  'return: client2 books on subscription X');
select tests.clear_authentication();
do $$
begin
  -- X is retired (e.g. superseded by the backfill), Y becomes the active subscription
  update public.subscriptions set status = 'superseded'
  where id = tests.active_subscription(tests.org_id('acme'), tests.uid('acme_client2'));
  perform tests.seed_subscription(tests.org_id('acme'), tests.uid('acme_client2'), 5);
end
$$;
select tests.act_as('acme_client2');
select is(
  public.cancel_booking(tests.booking_id(tests.session_id(tests.org_id('acme'), 's7'), tests.uid('acme_client2')), 'Away')
    ->> 'cancellation_policy_applied',
  'credit_restored', 'return: cancelling it early restores the credit');
select results_eq(
  format($$select s.status, b.status from public.bookings b join public.subscriptions s on s.id = b.subscription_id where b.id = %L$$,
    tests.booking_id(tests.session_id(tests.org_id('acme'), 's7'), tests.uid('acme_client2'))),
  $$values ('superseded'::text, 'cancelled'::text)$$,
  'return: the cancelled booking still names the subscription it spent (X), not the active one');
select is(
  (select jsonb_build_object('scheduled', scheduled, 'remaining', remaining) from public.subscription_balances
   where client_id = tests.uid('acme_client2') and status = 'superseded'),
  '{"scheduled": 0, "remaining": 3}'::jsonb,
  'return: the credit went back to X');
select is(tests.balance(tests.active_subscription(tests.org_id('acme'), tests.uid('acme_client2'))),
  '{"total": 5, "completed": 0, "scheduled": 0, "forfeited": 0, "remaining": 5}'::jsonb,
  'return: the active subscription Y gained nothing');
select is(
  (public.book_session(tests.session_id(tests.org_id('acme'), 's8'))).subscription_id,
  tests.active_subscription(tests.org_id('acme'), tests.uid('acme_client2')),
  'return: a new booking spends the active subscription Y, never the retired X');

-- no-shows forfeit, completions complete ------------------------------------------------
select tests.clear_authentication();
select tests.move_session(tests.session_id(tests.org_id('acme'), 's6'), date_trunc('hour', now()) - interval '3 hours');
select tests.move_session(tests.session_id(tests.org_id('acme'), 's8'), date_trunc('hour', now()) - interval '6 hours');
select tests.act_as('acme_provider');
select is(
  (public.mark_no_show(tests.booking_id(tests.session_id(tests.org_id('acme'), 's6'), tests.uid('acme_client')))).status,
  'no_show', 'no-show: the provider marks the client absent');
select is(tests.balance(tests.active_subscription(tests.org_id('acme'), tests.uid('acme_client'))),
  '{"total": 3, "completed": 0, "scheduled": 0, "forfeited": 2, "remaining": 1}'::jsonb,
  'no-show: the credit is forfeited');
select is(
  (public.complete_booking(tests.booking_id(tests.session_id(tests.org_id('acme'), 's8'), tests.uid('acme_client2')))).status,
  'completed', 'complete: the provider completes client2''s session');
select is(tests.balance(tests.active_subscription(tests.org_id('acme'), tests.uid('acme_client2'))),
  '{"total": 5, "completed": 1, "scheduled": 0, "forfeited": 0, "remaining": 4}'::jsonb,
  'complete: the credit moves from scheduled to completed');
select tests.authenticate_as_service_role();
select is(
  (select count(*)::int from public.subscription_balances
   where completed + scheduled + forfeited + remaining <> total or remaining < 0),
  0, 'balance math: completed + scheduled + forfeited + remaining = total and remaining >= 0 for every subscription');
select is(
  (select count(*)::int from public.subscription_balances b
   where to_jsonb(b) - 'organization_id' - 'client_id' - 'package_id' - 'starts_at' - 'subscription_id'
         <> public.subscription_balance(b.subscription_id) - 'subscription_id'),
  0, 'balance math: subscription_balances and subscription_balance() agree');

-- organizations that require a subscription --------------------------------------------
select tests.act_as('gym_client');
select throws_ok(
  format($$select public.book_session(%L)$$, tests.session_id(tests.org_id('gym'), 'g1')),
  'PT409', 'NO_CREDITS_LEFT', 'requires_subscription: without an active subscription a regular booking is NO_CREDITS_LEFT');
select is(
  tests.error_of(format($$select public.book_session(%L)$$, tests.session_id(tests.org_id('gym'), 'g1'))) ->> 'detail',
  'This organization requires an active subscription to book, and the client has none.',
  'requires_subscription: the detail says why');
select is((public.book_session(tests.session_id(tests.org_id('gym'), 'g1'), 'trial')).subscription_id, null,
  'requires_subscription: a trial booking needs no credit');
select tests.clear_authentication();
do $$
begin
  perform tests.seed_subscription(tests.org_id('gym'), tests.uid('gym_client2'), 5, 'paused');
  perform tests.seed_subscription(tests.org_id('gym'), tests.uid('gym_client3'), 5);
end
$$;
select tests.act_as('gym_client2');
select throws_ok(
  format($$select public.book_session(%L)$$, tests.session_id(tests.org_id('gym'), 'g1')),
  'PT409', 'NO_CREDITS_LEFT', 'validity: a paused subscription cannot be spent');
select tests.act_as('gym_client3');
select is(
  (public.book_session(tests.session_id(tests.org_id('gym'), 'g2'))).subscription_id,
  tests.active_subscription(tests.org_id('gym'), tests.uid('gym_client3')),
  'requires_subscription: with an active subscription the booking spends a credit');

-- validity period -------------------------------------------------------------------------
select tests.clear_authentication();
do $$
begin
  perform tests.seed_subscription(tests.org_id('acme'), tests.uid('acme_client4'), 5, 'active',
    now() - interval '10 days', date_trunc('hour', now()) + interval '3 days');
  perform tests.seed_subscription(tests.org_id('acme'), tests.uid('acme_client5'), 5, 'active',
    now() + interval '6 days', null);
end
$$;
select tests.act_as('acme_client4');
select isnt((public.book_session(tests.session_id(tests.org_id('acme'), 's1'))).subscription_id, null,
  'validity: a session before expires_at spends a credit');
select is(
  tests.error_of(format($$select public.book_session(%L)$$, tests.session_id(tests.org_id('acme'), 's3'))) - 'detail',
  '{"sqlstate": "PT409", "message": "NO_CREDITS_LEFT", "hint": "p_starts_at"}'::jsonb,
  'validity: credits cannot be spent on a session after the subscription expires (NO_CREDITS_LEFT, hint p_starts_at)');
select tests.act_as('acme_client5');
select throws_ok(
  format($$select public.book_session(%L)$$, tests.session_id(tests.org_id('acme'), 's3')),
  'PT409', 'NO_CREDITS_LEFT', 'validity: credits cannot be spent before the subscription starts');
select isnt((public.book_session(tests.session_id(tests.org_id('acme'), 's7'))).subscription_id, null,
  'validity: ... but on sessions inside its period');

-- subscription_balance errors ----------------------------------------------------------------
select tests.act_as('acme_client');
select throws_ok($$select public.subscription_balance(null)$$, 'PT400', 'INVALID_REQUEST',
  'subscription_balance: a missing id is INVALID_REQUEST');
select throws_ok(format($$select public.subscription_balance(%L)$$, gen_random_uuid()), 'PT404', 'NOT_FOUND',
  'subscription_balance: an unknown subscription is NOT_FOUND');
select throws_ok(
  format($$select public.subscription_balance(%L)$$, tests.active_subscription(tests.org_id('acme'), tests.uid('acme_client2'))),
  'PT404', 'NOT_FOUND', 'subscription_balance: another client''s subscription is NOT_FOUND');
select tests.act_as('rival_owner');
select throws_ok(
  format($$select public.subscription_balance(%L)$$, tests.active_subscription(tests.org_id('acme'), tests.uid('acme_client'))),
  'PT404', 'NOT_FOUND', 'subscription_balance: another organization''s subscription is NOT_FOUND');
select tests.authenticate_as_anon();
select throws_ok(
  format($$select public.subscription_balance(%L)$$, tests.active_subscription(tests.org_id('acme'), tests.uid('acme_client'))),
  '42501', null, 'subscription_balance: anon may not call it');
select set_config('role', 'authenticated', true);
select set_config('request.jwt.claims', '{"role": "authenticated"}', true);
select throws_ok(
  format($$select public.subscription_balance(%L)$$, tests.active_subscription(tests.org_id('acme'), tests.uid('acme_client'))),
  'PT401', 'UNAUTHORIZED', 'subscription_balance: a request without a user is UNAUTHORIZED');

-- direct writes to subscriptions follow the same rules ----------------------------------------
select tests.act_as('acme_admin');
select is(
  tests.error_of(format($$update public.subscriptions set total_sessions = 1 where id = %L$$,
    tests.active_subscription(tests.org_id('acme'), tests.uid('acme_client')))) - 'detail',
  '{"sqlstate": "PT400", "message": "INVALID_REQUEST", "hint": "total_sessions"}'::jsonb,
  'subscriptions: total_sessions cannot go below the credits already spent');
select lives_ok(
  format($$update public.subscriptions set total_sessions = 2 where id = %L$$,
    tests.active_subscription(tests.org_id('acme'), tests.uid('acme_client'))),
  'subscriptions: ... but down to exactly that');
select throws_ok(
  format($$insert into public.subscriptions (organization_id, client_id, package_id, total_sessions) values (%L, %L, %L, 5)$$,
    tests.org_id('acme'), tests.uid('acme_client'), tests.package_id(tests.org_id('acme'), 'Single')),
  '23505', null, 'subscriptions: a second active subscription inserted directly violates the unique index');
select throws_ok(
  format($$insert into public.subscriptions (organization_id, client_id, package_id, total_sessions) values (%L, %L, %L, 5)$$,
    tests.org_id('acme'), tests.uid('acme_client6'), tests.package_id(tests.org_id('gym'), 'Gym 5')),
  'PT400', 'INVALID_REQUEST', 'subscriptions: the package must belong to the organization');
select throws_ok(
  format($$insert into public.subscriptions (organization_id, client_id, package_id, total_sessions) values (%L, %L, %L, 5)$$,
    tests.org_id('acme'), tests.uid('acme_provider'), tests.package_id(tests.org_id('acme'), 'Single')),
  'PT400', 'INVALID_REQUEST', 'subscriptions: the client must be a client of the organization');
select lives_ok(
  format($$insert into public.subscriptions (organization_id, client_id, package_id, total_sessions, starts_at) values (%L, %L, %L, 3, %L)$$,
    tests.org_id('acme'), tests.uid('acme_client6'), tests.package_id(tests.org_id('acme'), '3 pack'), date_trunc('day', now()) + interval '400 days'),
  'subscriptions: an admin inserts a subscription directly');
select is(
  (select expires_at from public.subscriptions where client_id = tests.uid('acme_client6')),
  date_trunc('day', now()) + interval '430 days', 'subscriptions: a direct insert gets expires_at from the package''s valid_for_days');

-- closing the previous subscription on a new sale -------------------------------------------
select tests.clear_authentication();
do $$
declare
  v_sub uuid;
begin
  -- client7: a one-credit subscription, used up and attended
  v_sub := tests.seed_subscription(tests.org_id('acme'), tests.uid('acme_client7'), 1);
  insert into public.bookings (organization_id, client_id, provider_id, service_id, service_session_id, start_time, end_time, status)
  select ss.organization_id, tests.uid('acme_client7'), ss.provider_id, ss.service_id, ss.id, ss.starts_at, ss.ends_at, 'completed'
  from public.service_sessions ss where ss.id = tests.session_id(tests.org_id('acme'), 's8');
  -- client3: an active subscription whose expires_at passed before the job ran
  perform tests.seed_subscription(tests.org_id('acme'), tests.uid('acme_client3'), 5, 'active',
    now() - interval '40 days', now() - interval '1 hour');
end
$$;
select tests.act_as('acme_admin');
select lives_ok(
  format($$select public.create_subscription(%L, %L)$$, tests.uid('acme_client7'), tests.package_id(tests.org_id('acme'), '3 pack')),
  'create_subscription: a fully used active subscription does not block a new sale');
select is(
  (select array_agg(status order by created_at) from public.subscriptions where client_id = tests.uid('acme_client7')),
  array['completed', 'active'], 'create_subscription: ... it is closed as completed');

-- the expiry job ---------------------------------------------------------------------------------
select tests.clear_authentication();
-- the job is global: other organizations' overdue subscriptions expire in the same run, so what
-- it returns is checked against what the run wrote, and this organization's outcome by itself
do $$ begin perform set_config('tests.expired', private.expire_subscriptions()::text, true); end $$;
select is(current_setting('tests.expired')::int,
  (select sum((new_values ->> 'count')::int)::int from public.audit_log where action = 'subscriptions.expired' and at = now()),
  'expire_subscriptions: returns how many subscriptions it expired (the sum of its audit entries)');
select results_eq(
  format($$select client_id from public.subscriptions where organization_id = %L and status = 'expired'$$, tests.org_id('acme')),
  $$values (tests.uid('acme_client3'))$$,
  'expire_subscriptions: of this organization''s subscriptions, only the one past its expires_at is now expired');
select is(
  (select count(*)::int from public.outbox_events
   where topic = 'subscription.expired' and payload ->> 'client_id' = tests.uid('acme_client3')::text),
  1, 'expire_subscriptions: the client is told (subscription.expired outbox event)');
select is(
  (select (new_values ->> 'count')::int from public.audit_log
   where action = 'subscriptions.expired' and organization_id = tests.org_id('acme')),
  1, 'expire_subscriptions: one audit_log entry per organization and run');
select is(private.expire_subscriptions(), 0, 'expire_subscriptions: running it again changes nothing');
select tests.act_as('acme_client3');
select is((public.book_session(tests.session_id(tests.org_id('acme'), 's9'))).subscription_id, null,
  'expiry: an expired subscription is never spent (this organization falls back to pay-per-session)');
select tests.clear_authentication();
do $$
begin
  update public.subscriptions set expires_at = now() - interval '1 minute', starts_at = now() - interval '20 days'
  where client_id = tests.uid('acme_client4');
end
$$;
select tests.act_as('acme_admin');
select lives_ok(
  format($$select public.create_subscription(%L, %L)$$, tests.uid('acme_client4'), tests.package_id(tests.org_id('acme'), 'Single')),
  'create_subscription: an active subscription past expiry does not block a renewal');
select is(
  (select array_agg(status order by created_at) from public.subscriptions where client_id = tests.uid('acme_client4')),
  array['expired', 'active'], 'create_subscription: ... it is closed as expired');

-- scheduled jobs (where pg_cron is installed: the local stack's postgres database, Supabase) ----------
select tests.clear_authentication();
select ok(
  case
    when to_regclass('cron.job') is null then true
    else (xpath('/row/n/text()', query_to_xml(
      $q$select count(*) as n from cron.job
         where (jobname, schedule, command) in (
           ('expire-subscriptions', '7 * * * *', 'select private.expire_subscriptions()'),
           ('integrity-snapshot', '23 2 * * *', 'select private.snapshot_integrity()'))$q$,
      false, true, '')))[1]::text = '2'
  end,
  'pg_cron: expire-subscriptions (hourly) and integrity-snapshot (nightly) are scheduled');

select * from finish();
rollback;
