-- Webhook subscriptions (issue 15): RLS of webhook_subscriptions and webhook_deliveries for every
-- role, the signing secret out of every API role's reach, create_webhook_subscription /
-- rotate_webhook_secret (owner/admin), and what the worker reads (webhook_targets) and writes
-- (record_webhook_attempt), service_role only.
begin;
select plan(56);

do $$
begin
  perform tests.seed_org('acme');
  perform tests.seed_org('rival');
end
$$;

-- create_webhook_subscription ------------------------------------------------------------------------
select tests.act_as('acme_owner');
select ok(
  (select (r -> 'subscription' ->> 'secret_hint') = right(r ->> 'secret', 4) and r ->> 'secret' ~ '^whsec_[0-9a-f]{64}$'
   from public.create_webhook_subscription(tests.org_id('acme'), 'https://hooks.acme.test/in', array['booking.*', 'booking.created']) r),
  'create: an owner subscribes an endpoint and gets the secret (whsec_ + 256 bits) once, the subscription only its last 4 characters');
select tests.act_as('acme_admin');
select lives_ok($$select public.create_webhook_subscription(tests.org_id('acme'), 'https://crm.acme.test/hook', array['*'], 'CRM')$$,
  'create: an admin too');
select tests.act_as('acme_provider');
select throws_ok($$select public.create_webhook_subscription(tests.org_id('acme'), 'https://x.test/h')$$, 'PT403', 'FORBIDDEN',
  'create: a provider is FORBIDDEN');
select tests.act_as('acme_client');
select throws_ok($$select public.create_webhook_subscription(tests.org_id('acme'), 'https://x.test/h')$$, 'PT403', 'FORBIDDEN',
  'create: a client is FORBIDDEN');
select tests.act_as('rival_owner');
select throws_ok($$select public.create_webhook_subscription(tests.org_id('acme'), 'https://x.test/h')$$, 'PT404', 'NOT_FOUND',
  'create: another organization''s owner gets NOT_FOUND');
select tests.authenticate_as_anon();
select throws_ok($$select public.create_webhook_subscription(tests.org_id('acme'), 'https://x.test/h')$$, '42501', null,
  'create: anon may not call it');
select tests.act_as_signed_out();
select throws_ok($$select public.create_webhook_subscription(tests.org_id('acme'), 'https://x.test/h')$$, 'PT401', 'UNAUTHORIZED',
  'create: a request without a user is UNAUTHORIZED');
select tests.act_as('rival_owner');
select is(tests.error_of($$select public.create_webhook_subscription(tests.org_id('rival'), 'ftp://rival.test/in')$$) - 'detail',
  '{"sqlstate": "PT400", "message": "INVALID_REQUEST", "hint": "p_url"}'::jsonb, 'create: the URL must be http(s) (INVALID_REQUEST, hint p_url)');
select is(tests.error_of($$select public.create_webhook_subscription(tests.org_id('rival'), 'https://user:pw@rival.test/in')$$) ->> 'hint', 'p_url',
  'create: ... without credentials');
select is(tests.error_of($$select public.create_webhook_subscription(tests.org_id('rival'), null)$$) ->> 'hint', 'p_url', 'create: ... and given');
select is(tests.error_of($$select public.create_webhook_subscription(tests.org_id('rival'), 'https://rival.test/in', array['booking created'])$$) - 'detail',
  '{"sqlstate": "PT400", "message": "INVALID_REQUEST", "hint": "p_topics"}'::jsonb, 'create: topic patterns are validated (hint p_topics)');
select lives_ok($$select public.create_webhook_subscription(tests.org_id('rival'), 'http://rival.test/in', array['treatment.*'])$$,
  'create: the rival owner subscribes its own endpoint');
select tests.authenticate_as_service_role();
select lives_ok($$select public.create_webhook_subscription(tests.org_id('rival'), 'https://ops.rival.test/in')$$, 'create: service_role may create one');

-- webhook_subscriptions: RLS ------------------------------------------------------------------------------
select tests.act_as('acme_owner');
select results_eq($$select url, topics from public.webhook_subscriptions order by url$$,
  $$values ('https://crm.acme.test/hook'::text, array['*']), ('https://hooks.acme.test/in', array['booking.*', 'booking.created'])$$,
  'subscriptions: the owner reads the organization''s (topics normalized)');
select tests.act_as('acme_admin');
select is((select count(*)::int from public.webhook_subscriptions), 2, 'subscriptions: an admin too');
select tests.act_as('acme_provider');
select is_empty($$select 1 from public.webhook_subscriptions$$, 'subscriptions: a provider reads none');
select is(tests.affected_rows($$update public.webhook_subscriptions set is_active = false$$), 0, 'subscriptions: a provider changes none');
select tests.act_as('acme_client');
select is_empty($$select 1 from public.webhook_subscriptions$$, 'subscriptions: a client reads none');
select is(tests.affected_rows($$delete from public.webhook_subscriptions$$), 0, 'subscriptions: a client deletes none');
select tests.act_as('rival_owner');
select is((select count(*)::int from public.webhook_subscriptions where organization_id <> tests.org_id('rival')), 0,
  'subscriptions: another organization reads only its own');
select is(tests.affected_rows($$update public.webhook_subscriptions set url = 'https://evil.test/' where organization_id = tests.org_id('acme')$$), 0,
  'subscriptions: another organization changes none of them');
select tests.authenticate_as_anon();
select is_empty($$select 1 from public.webhook_subscriptions$$, 'subscriptions: anon reads none');
select tests.authenticate_as_service_role();
select is((select count(*)::int from public.webhook_subscriptions where organization_id in (tests.org_id('acme'), tests.org_id('rival'))), 4,
  'subscriptions: service_role reads all');
select tests.act_as('acme_admin');
select throws_ok(format($$insert into public.webhook_subscriptions (organization_id, url, secret_hint) values (%L, 'https://x.test/', 'abcd')$$, tests.org_id('acme')),
  '42501', null, 'subscriptions: nobody inserts directly (the RPC makes the secret)');
select is(tests.affected_rows($$update public.webhook_subscriptions set topics = array['booking.cancelled', 'booking.cancelled'], is_active = false where url like 'https://crm%'$$), 1,
  'subscriptions: an admin updates topics and pauses an endpoint');
select is((select topics from public.webhook_subscriptions where url like 'https://crm%'), array['booking.cancelled'], '... topics normalized');
select is(tests.error_of($$update public.webhook_subscriptions set url = 'not a url' where url like 'https://crm%'$$) - 'detail',
  '{"sqlstate": "PT400", "message": "INVALID_REQUEST", "hint": "url"}'::jsonb, 'subscriptions: an update to a bad URL is INVALID_REQUEST');
select is(tests.error_of(format($$update public.webhook_subscriptions set organization_id = %L where url like 'https://crm%%'$$, tests.org_id('rival'))) - 'detail',
  '{"sqlstate": "PT400", "message": "INVALID_REQUEST", "hint": "organization_id"}'::jsonb, 'subscriptions: never move to another organization');
select tests.act_as('acme_owner');
select is(tests.error_of(format($$update public.webhook_subscriptions set organization_id = %L where url like 'https://crm%%'$$, tests.org_id('acme'))), null,
  'subscriptions: (staying in the organization is fine)');

-- the secret is never readable through the API -----------------------------------------------------------
select tests.act_as('acme_owner');
select throws_ok($$select secret from private.webhook_secrets$$, '42501', null, 'secret: an owner cannot read the secrets table');
select ok(not exists (select 1 from information_schema.columns where table_schema = 'public' and table_name = 'webhook_subscriptions' and column_name like '%secret' ),
  'secret: no secret column in the exposed table (only secret_hint)');
select tests.authenticate_as_service_role();
select throws_ok($$select secret from private.webhook_secrets$$, '42501', null, 'secret: not even service_role reads the table (only webhook_targets() for the worker)');
select tests.authenticate_as_anon();
select throws_ok($$select secret from private.webhook_secrets$$, '42501', null, 'secret: anon neither');

-- rotate_webhook_secret ------------------------------------------------------------------------------------
select tests.clear_authentication();
do $$
begin
  perform tests.remember('hooks', (select id from public.webhook_subscriptions where url = 'https://hooks.acme.test/in'));
  perform tests.remember_event('created', private.emit_event(tests.org_id('acme'), 'booking.created', '{"n": 1}'));
  perform tests.remember_event('reminder', private.emit_event(tests.org_id('acme'), 'booking.reminder', '{"n": 2}'));
  perform tests.remember_event('rival', private.emit_event(tests.org_id('rival'), 'treatment.next_session_due', '{"n": 3}'));
end
$$;
create temp table rotation on commit drop as
  select w.secret as old_secret, null::text as new_secret from private.webhook_secrets w where w.subscription_id = tests.ref('hooks');
grant all on rotation to authenticated;
select tests.act_as('acme_admin');
update rotation set new_secret = (select r ->> 'secret' from public.rotate_webhook_secret(tests.ref('hooks')) r);
select tests.clear_authentication();
select ok((select r.new_secret <> r.old_secret and r.new_secret = w.secret
           from rotation r join private.webhook_secrets w on w.subscription_id = tests.ref('hooks')),
  'rotate: an admin gets a new secret, which replaces the old one');
select is((select secret_hint from public.webhook_subscriptions where id = tests.ref('hooks')),
  (select right(secret, 4) from private.webhook_secrets where subscription_id = tests.ref('hooks')), 'rotate: the hint follows the new secret');
select tests.act_as('acme_provider');
select throws_ok(format($$select public.rotate_webhook_secret(%L)$$, tests.ref('hooks')), 'PT403', 'FORBIDDEN', 'rotate: a provider is FORBIDDEN');
select tests.act_as('acme_client');
select throws_ok(format($$select public.rotate_webhook_secret(%L)$$, tests.ref('hooks')), 'PT403', 'FORBIDDEN', 'rotate: a client is FORBIDDEN');
select tests.act_as('rival_owner');
select throws_ok(format($$select public.rotate_webhook_secret(%L)$$, tests.ref('hooks')), 'PT404', 'NOT_FOUND', 'rotate: another organization gets NOT_FOUND');
select tests.authenticate_as_anon();
select throws_ok(format($$select public.rotate_webhook_secret(%L)$$, tests.ref('hooks')), '42501', null, 'rotate: anon may not call it');

-- what the worker reads and writes ------------------------------------------------------------------------------
select tests.act_as('acme_owner');
select throws_ok($$select * from public.webhook_targets(array[1::bigint])$$, '42501', null, 'targets: an owner may not read them (secrets)');
select throws_ok(format($$select public.record_webhook_attempt(%L, 1, 1, 200)$$, tests.ref('hooks')), '42501', null, 'record: an owner may not write the log');
select tests.authenticate_as_service_role();
select results_eq(
  format($$select event_id, url from public.webhook_targets(array[%s, %s, %s]) order by event_id, url$$,
         tests.event_ref('created'), tests.event_ref('reminder'), tests.event_ref('rival')),
  format($$values (%s::bigint, 'https://hooks.acme.test/in'::text), (%s, 'https://hooks.acme.test/in'),
                  (%s, 'http://rival.test/in'), (%s, 'https://ops.rival.test/in')$$,
         tests.event_ref('created'), tests.event_ref('reminder'), tests.event_ref('rival'), tests.event_ref('rival')),
  'targets: each event''s active subscriptions of its organization whose topics match (the paused one is left out)');
select tests.clear_authentication();
select is((select count(*)::int from public.webhook_targets(array[tests.event_ref('created')]) t
           join private.webhook_secrets w on w.subscription_id = t.subscription_id and w.secret = t.secret), 1,
  'targets: carry the current signing secret');
select tests.authenticate_as_service_role();
select is(public.record_webhook_attempt(tests.ref('hooks'), tests.event_ref('created'), 1, null, 'connection refused', 12), false,
  'record: a failed attempt');
select is(public.record_webhook_attempt(tests.ref('hooks'), tests.event_ref('created'), 2, 204, null, 30), true, 'record: a 2xx succeeds');
select is(public.record_webhook_attempt(tests.ref('hooks'), tests.event_ref('created'), 3, 200, null, 30), true,
  'record: a second success for the same endpoint and event is ignored');
select is_empty(format($$select 1 from public.webhook_targets(array[%s])$$, tests.event_ref('created')),
  'targets: an endpoint that has the event is not a target any more');
select is(tests.error_of(format($$select public.record_webhook_attempt(%L, %s, 1, null, null)$$, tests.ref('hooks'), tests.event_ref('created'))) ->> 'hint',
  'p_error', 'record: without a status, an error is required');
select is(tests.error_of(format($$select public.record_webhook_attempt(%L, %s, 1, 200)$$, tests.ref('hooks'), tests.event_ref('rival'))) ->> 'message',
  'NOT_FOUND', 'record: an event of another organization is NOT_FOUND');

-- webhook_deliveries: RLS ----------------------------------------------------------------------------------------
select tests.act_as('acme_owner');
select results_eq($$select attempt, status_code, succeeded from public.webhook_deliveries order by attempt$$,
  $$values (1, null::integer, false), (2, 204, true)$$, 'log: the owner reads the organization''s delivery attempts');
select tests.act_as('acme_admin');
select is((select count(*)::int from public.webhook_deliveries), 2, 'log: an admin too');
select throws_ok(format($$insert into public.webhook_deliveries (organization_id, subscription_id, event_id, topic, attempt, succeeded) values (%L, %L, 1, 'x.y', 1, false)$$,
  tests.org_id('acme'), tests.ref('hooks')), '42501', null, 'log: nobody writes it directly');
select tests.act_as('acme_provider');
select is_empty($$select 1 from public.webhook_deliveries$$, 'log: a provider reads nothing');
select tests.act_as('acme_client');
select is_empty($$select 1 from public.webhook_deliveries$$, 'log: a client reads nothing');
select tests.act_as('rival_owner');
select is_empty($$select 1 from public.webhook_deliveries$$, 'log: another organization reads nothing of it');
select tests.authenticate_as_anon();
select is_empty($$select 1 from public.webhook_deliveries$$, 'log: anon reads nothing');

select * from finish();
rollback;
