-- RLS on subscriptions and their balances (issue 5): a client sees their own, owners/admins see
-- all of their organization's, providers see the subscriptions of the clients they work with
-- (with the full balance, not just the bookings they run), other organizations and anon see
-- nothing, service_role sees everything.
begin;
select plan(30);

do $$
declare
  v_acme uuid := tests.seed_org('acme');
  v_rival uuid := tests.seed_org('rival');
  v_group uuid;
  v_s1 uuid;
  v_s2 uuid;
begin
  perform tests.add_member('acme', 'acme_provider2', 'provider');
  perform tests.add_member('acme', 'acme_client2', 'client');
  perform tests.add_member('acme', 'acme_client3', 'client');
  perform tests.seed_subscription(v_acme, tests.uid('acme_client'), 10);
  perform tests.seed_subscription(v_acme, tests.uid('acme_client2'), 5);
  perform tests.seed_subscription(v_acme, tests.uid('acme_client3'), 3);
  perform tests.seed_subscription(v_rival, tests.uid('rival_client'), 8);

  v_group := tests.seed_service(v_acme, 'Group', null, 10);
  v_s1 := tests.seed_service_session(v_group, tests.uid('acme_provider'), date_trunc('hour', now()) + interval '2 days', 60, null, 10);
  v_s2 := tests.seed_service_session(v_group, tests.uid('acme_provider2'), date_trunc('hour', now()) + interval '3 days', 60, null, 10);
  -- acme_client works with both providers, acme_client2 only with provider2, acme_client3 with nobody
  insert into public.bookings (organization_id, client_id, provider_id, service_id, service_session_id, start_time, end_time)
  select ss.organization_id, c.client_id, ss.provider_id, ss.service_id, ss.id, ss.starts_at, ss.ends_at
  from public.service_sessions ss
  join (values (v_s1, tests.uid('acme_client')), (v_s2, tests.uid('acme_client')), (v_s2, tests.uid('acme_client2')))
    as c (session_id, client_id) on c.session_id = ss.id;
end
$$;

-- owner and admin --------------------------------------------------------------------------
select tests.act_as('acme_owner');
select is((select count(*)::int from public.subscriptions), 3, 'owner: sees every subscription of the organization');
select is((select count(*)::int from public.subscription_balances), 3, 'owner: sees every balance of the organization');
select tests.act_as('acme_admin');
select is((select count(*)::int from public.subscriptions), 3, 'admin: sees every subscription of the organization');
select results_eq(
  $$select total, scheduled, remaining from public.subscription_balances order by total desc$$,
  $$values (10, 2, 8), (5, 1, 4), (3, 0, 3)$$,
  'admin: sees every balance, computed from bookings');
select is(tests.affected_rows($$update public.subscriptions set status = 'paused' where total_sessions = 3$$), 1,
  'admin: manages subscriptions');

-- providers ----------------------------------------------------------------------------------
select tests.act_as('acme_provider');
select results_eq($$select client_id from public.subscriptions$$, format($$values (%L::uuid)$$, tests.uid('acme_client')),
  'provider: sees only the subscriptions of their own clients');
select is((select count(*)::int from public.bookings), 1, 'provider: (sees only the one booking they run for acme_client)');
select results_eq($$select total, scheduled, remaining from public.subscription_balances$$, $$values (10, 2, 8)$$,
  'provider: ... but the client''s whole balance (bookings with other providers count)');
select is(
  public.subscription_balance(tests.active_subscription(tests.org_id('acme'), tests.uid('acme_client'))) ->> 'remaining', '8',
  'provider: subscription_balance of their client');
select throws_ok(
  format($$select public.subscription_balance(%L)$$, tests.active_subscription(tests.org_id('acme'), tests.uid('acme_client2'))),
  'PT404', 'NOT_FOUND', 'provider: another provider''s client''s balance is NOT_FOUND');
select is(tests.affected_rows($$update public.subscriptions set total_sessions = 99$$), 0,
  'provider: cannot change subscriptions');
select tests.act_as('acme_provider2');
select results_eq($$select client_id from public.subscriptions order by total_sessions desc$$,
  format($$values (%L::uuid), (%L::uuid)$$, tests.uid('acme_client'), tests.uid('acme_client2')),
  'provider2: sees both of their clients');

-- clients ------------------------------------------------------------------------------------
select tests.act_as('acme_client');
select results_eq($$select client_id from public.subscriptions$$, format($$values (%L::uuid)$$, tests.uid('acme_client')),
  'client: sees only their own subscription');
select results_eq($$select client_id, remaining from public.subscription_balances$$,
  format($$values (%L::uuid, 8)$$, tests.uid('acme_client')),
  'client: sees only their own balance');
select is(
  public.subscription_balance(tests.active_subscription(tests.org_id('acme'), tests.uid('acme_client'))) ->> 'scheduled', '2',
  'client: subscription_balance of their own subscription');
select throws_ok(
  format($$select public.subscription_balance(%L)$$, tests.active_subscription(tests.org_id('acme'), tests.uid('acme_client2'))),
  'PT404', 'NOT_FOUND', 'client: another client''s balance is NOT_FOUND');
select is(tests.affected_rows($$update public.subscriptions set total_sessions = 99$$), 0,
  'client: cannot add credits to their own subscription');
select throws_ok(
  format($$insert into public.subscriptions (organization_id, client_id, package_id, total_sessions) values (%L, %L, %L, 99)$$,
    tests.org_id('acme'), tests.uid('acme_client'), (select id from public.packages limit 1)),
  '42501', null, 'client: cannot insert a subscription');
select throws_ok($$delete from public.subscriptions$$, '42501', null, 'client: cannot delete subscriptions (nobody deletes them: they are cancelled)');
select tests.act_as('acme_client3');
select results_eq($$select status from public.subscriptions$$, $$values ('paused'::text)$$,
  'client3: sees their own subscription (paused) and no one else''s');

-- other organizations and anon ---------------------------------------------------------------
select tests.act_as('rival_owner');
select results_eq($$select client_id from public.subscriptions$$, format($$values (%L::uuid)$$, tests.uid('rival_client')),
  'other organization: its owner sees only its own subscriptions');
select is_empty(format($$select 1 from public.subscription_balances where organization_id = %L$$, tests.org_id('acme')),
  'other organization: no balance of acme');
select throws_ok(
  format($$select public.subscription_balance(%L)$$, tests.active_subscription(tests.org_id('acme'), tests.uid('acme_client'))),
  'PT404', 'NOT_FOUND', 'other organization: subscription_balance is NOT_FOUND');
select is(tests.affected_rows(format($$update public.subscriptions set status = 'cancelled' where organization_id = %L$$, tests.org_id('acme'))), 0,
  'other organization: cannot change acme''s subscriptions');
select tests.act_as('rival_client');
select is((select count(*)::int from public.subscriptions), 1, 'other organization: a client of rival sees only their own');
select tests.authenticate_as_anon();
select is_empty($$select 1 from public.subscriptions$$, 'anon: sees no subscription');
select throws_ok($$select 1 from public.subscription_balances$$, '42501', null, 'anon: may not read balances');

-- service_role ---------------------------------------------------------------------------------
select tests.authenticate_as_service_role();
select is((select count(*)::int from public.subscriptions where organization_id in (tests.org_id('acme'), tests.org_id('rival'))), 4,
  'service_role: sees every subscription of every organization');
select is((select count(*)::int from public.subscription_balances where organization_id in (tests.org_id('acme'), tests.org_id('rival'))), 4,
  'service_role: sees every balance');
select is(
  public.subscription_balance(tests.active_subscription(tests.org_id('rival'), tests.uid('rival_client'))) ->> 'total', '8',
  'service_role: subscription_balance of any subscription');

select * from finish();
rollback;
