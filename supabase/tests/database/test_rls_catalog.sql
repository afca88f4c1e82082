-- RLS for the rest of the foundation: services, packages, service_sessions, bookings and
-- subscriptions. Members read the catalogue; owners/admins manage it; a provider manages their
-- own sessions and bookings; a client sees only their own bookings and subscriptions. The rules
-- direct writes follow are test_direct_writes.sql's.
begin;
select plan(38);

do $$
declare
  v_acme uuid := tests.seed_org('acme');
  v_service uuid;
  v_package uuid;
begin
  perform tests.seed_org('rival');
  perform tests.add_member('acme', 'acme_provider2', 'provider');
  perform tests.add_member('acme', 'acme_client2', 'client');
  v_service := tests.seed_service(v_acme, 'Physio', tests.uid('acme_provider'));
  v_package := tests.seed_package(v_acme, '10 sessions');
  perform tests.seed_service_session(v_service, tests.uid('acme_provider'), now() + interval '1 day');
  perform tests.seed_service_session(v_service, tests.uid('acme_provider2'), now() + interval '2 days');
  insert into public.bookings (organization_id, client_id, provider_id, service_id, start_time, end_time, notes)
  values
    (v_acme, tests.uid('acme_client'), tests.uid('acme_provider'), v_service, now() + interval '3 days', now() + interval '3 days 1 hour', 'b1'),
    (v_acme, tests.uid('acme_client2'), tests.uid('acme_provider2'), v_service, now() + interval '4 days', now() + interval '4 days 1 hour', 'b2');
  insert into public.subscriptions (organization_id, client_id, package_id, total_sessions)
  values
    (v_acme, tests.uid('acme_client'), v_package, 10),
    (v_acme, tests.uid('acme_client2'), v_package, 10);
end
$$;

-- services ------------------------------------------------------------------------------
select tests.act_as('acme_client');
select results_eq($$select name from public.services$$, $$values ('Physio')$$, 'services: a client sees their organization''s services');
select is(tests.affected_rows($$update public.services set price = 1$$), 0, 'services: a client cannot change prices');
select tests.act_as('acme_provider');
select throws_ok(format($$insert into public.services (organization_id, name) values (%L, 'Side Gig')$$, tests.org_id('acme')),
  '42501', null, 'services: a provider cannot create services');
select tests.act_as('acme_admin');
select lives_ok(format($$insert into public.services (organization_id, name, price) values (%L, 'Massage', 40)$$, tests.org_id('acme')),
  'services: the admin creates a service');
select tests.act_as('acme_owner');
select is(tests.affected_rows($$delete from public.services where name = 'Massage'$$), 1, 'services: the owner deletes a service');
select tests.act_as('rival_owner');
select is_empty(format($$select 1 from public.services where organization_id = %L$$, tests.org_id('acme')),
  'services: a member of another organization sees none of them');
select tests.authenticate_as_anon();
select is_empty($$select 1 from public.services$$, 'services: anon sees nothing');

-- packages ------------------------------------------------------------------------------
select tests.act_as('acme_client');
select results_eq($$select name from public.packages$$, $$values ('10 sessions')$$, 'packages: a client sees their organization''s packages');
select tests.act_as('acme_provider');
select throws_ok(format($$insert into public.packages (organization_id, name) values (%L, 'Cheap')$$, tests.org_id('acme')),
  '42501', null, 'packages: a provider cannot create packages');
select tests.act_as('acme_admin');
select is(tests.affected_rows($$update public.packages set price = 400$$), 1, 'packages: the admin changes their organization''s packages');
select tests.act_as('rival_admin');
select is(tests.affected_rows($$update public.packages set price = 1$$), 0, 'packages: an admin of another organization changes none of them');

-- service_sessions ----------------------------------------------------------------------
-- the two sessions above, and the private session b1 got when it was inserted legacy-shaped
-- (bookings_legacy_insert): its client sees it
select tests.act_as('acme_client');
select is((select count(*)::int from public.service_sessions), 3, 'service_sessions: a client sees the organization''s sessions');
select throws_ok(
  format($$insert into public.service_sessions (organization_id, service_id, provider_id, starts_at, ends_at) values (%L, %L, %L, now() + interval '9 days', now() + interval '9 days 1 hour')$$,
    tests.org_id('acme'), tests.service_id(tests.org_id('acme'), 'Physio'), tests.uid('acme_provider')),
  '42501', null, 'service_sessions: a client cannot create sessions');
select tests.act_as('acme_provider');
select lives_ok(
  format($$insert into public.service_sessions (organization_id, service_id, provider_id, starts_at, ends_at) values (%L, %L, %L, now() + interval '9 days', now() + interval '9 days 1 hour')$$,
    tests.org_id('acme'), tests.service_id(tests.org_id('acme'), 'Physio'), tests.uid('acme_provider')),
  'service_sessions: a provider creates a session they run');
select throws_ok(
  format($$insert into public.service_sessions (organization_id, service_id, provider_id, starts_at, ends_at) values (%L, %L, %L, now() + interval '12 days', now() + interval '12 days 1 hour')$$,
    tests.org_id('acme'), tests.service_id(tests.org_id('acme'), 'Physio'), tests.uid('acme_provider2')),
  '42501', null, 'service_sessions: a provider cannot create a session for another provider');
select is(tests.affected_rows(format($$update public.service_sessions set location = 'Room 1' where provider_id = %L$$, tests.uid('acme_provider'))),
  3, 'service_sessions: a provider updates the sessions they run');
select is(tests.affected_rows(format($$update public.service_sessions set location = 'Room 2' where provider_id = %L$$, tests.uid('acme_provider2'))),
  0, 'service_sessions: a provider cannot update another provider''s sessions');
select is(tests.affected_rows($$delete from public.service_sessions$$), 0, 'service_sessions: a provider cannot delete sessions');
select tests.act_as('acme_admin');
select is(tests.affected_rows(format($$delete from public.service_sessions where starts_at = now() + interval '9 days'$$)), 1,
  'service_sessions: the admin deletes a session');
select tests.act_as('rival_provider');
select is_empty(format($$select 1 from public.service_sessions where organization_id = %L$$, tests.org_id('acme')),
  'service_sessions: a member of another organization sees none of them');

-- bookings ------------------------------------------------------------------------------
select tests.act_as('acme_admin');
select results_eq($$select notes from public.bookings order by notes$$, $$values ('b1'), ('b2')$$, 'bookings: the admin sees every booking of the organization');
select tests.act_as('acme_provider');
select results_eq($$select notes from public.bookings$$, $$values ('b1')$$, 'bookings: a provider sees only the bookings they provide');
select is(tests.affected_rows($$update public.bookings set status = 'confirmed' where notes = 'b1'$$), 1, 'bookings: a provider confirms their own booking');
select is(tests.affected_rows($$update public.bookings set status = 'confirmed' where notes = 'b2'$$), 0, 'bookings: a provider cannot touch another provider''s booking');
select throws_ok($$delete from public.bookings$$, '42501', null, 'bookings: a provider cannot delete bookings');
select tests.act_as('acme_client');
select results_eq($$select notes from public.bookings$$, $$values ('b1')$$, 'bookings: a client sees only their own bookings');
select is(tests.affected_rows($$update public.bookings set status = 'cancelled'$$), 0, 'bookings: a client cannot update bookings directly (RPCs do)');
select throws_ok(
  format($$insert into public.bookings (organization_id, client_id, provider_id, service_id, start_time, end_time) values (%L, %L, %L, %L, now(), now() + interval '1 hour')$$,
    tests.org_id('acme'), tests.uid('acme_client'), tests.uid('acme_provider'), tests.service_id(tests.org_id('acme'), 'Physio')),
  'PT422', 'BOOKING_IN_PAST', 'bookings: a client''s direct insert is booked under the booking rules (test_direct_writes.sql)');
select tests.act_as('acme_client2');
select results_eq($$select notes from public.bookings$$, $$values ('b2')$$, 'bookings: another client sees only theirs');
select tests.act_as('rival_owner');
select is_empty($$select 1 from public.bookings$$, 'bookings: a member of another organization sees none of them');
select tests.authenticate_as_anon();
select is_empty($$select 1 from public.bookings$$, 'bookings: anon sees nothing');
select tests.act_as('acme_owner');
select throws_ok($$delete from public.bookings where notes = 'b2'$$, '42501', null, 'bookings: not even the owner deletes a booking (it is cancelled)');

-- subscriptions -------------------------------------------------------------------------
select tests.act_as('acme_client');
select results_eq($$select client_id from public.subscriptions$$, format($$values (%L::uuid)$$, tests.uid('acme_client')),
  'subscriptions: a client sees only their own subscription');
select throws_ok(
  format($$insert into public.subscriptions (organization_id, client_id, package_id, total_sessions) values (%L, %L, %L, 99)$$,
    tests.org_id('acme'), tests.uid('acme_client'), (select id from public.packages limit 1)),
  '42501', null, 'subscriptions: a client cannot grant themself credits');
select tests.act_as('acme_provider');
select results_eq($$select client_id from public.subscriptions$$, format($$values (%L::uuid)$$, tests.uid('acme_client')),
  'subscriptions: a provider sees the subscriptions of their own clients only (issue 5)');
select tests.act_as('acme_admin');
select is((select count(*)::int from public.subscriptions), 2, 'subscriptions: the admin sees every subscription of the organization');
select is(tests.affected_rows($$update public.subscriptions set status = 'paused' where total_sessions = 10$$), 2,
  'subscriptions: the admin manages subscriptions');
select tests.authenticate_as_service_role();
select is((select count(*)::int from public.subscriptions where organization_id = tests.org_id('acme')), 2,
  'subscriptions: service_role sees everything');

select * from finish();
rollback;
