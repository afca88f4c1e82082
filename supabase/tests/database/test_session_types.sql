-- Session types: ensure_default_session_types_for_org, the organization default (auto-set,
-- set_default_session_type, deactivation), the default applied to new sessions and bookings,
-- delete protection and column rules.
begin;
select plan(59);

do $$
begin
  perform tests.seed_org('acme');
  perform tests.seed_org('rival');
  perform tests.seed_org('solo');
  perform tests.seed_org('duo');
  perform tests.seed_org('trio');
  -- acme's provider works around the clock (a legacy booking below needs working hours)
  perform tests.seed_weekly_hours(tests.org_id('acme'), tests.uid('acme_provider'), '00:00', '24:00');
end
$$;

-- ensure_default_session_types_for_org -------------------------------------------------
select tests.act_as('acme_owner');
select results_eq(
  format($$select name, duration_minutes, is_active, user_id from public.ensure_default_session_types_for_org(%L, %L)$$,
    tests.uid('acme_owner'), tests.org_id('acme')),
  format($$values ('30 Minute Session', 30, true, %1$L::uuid), ('1 Hour Session', 60, true, %1$L::uuid), ('90 Minute Session', 90, true, %1$L::uuid)$$,
    tests.uid('acme_owner')),
  'ensure_default_session_types_for_org: seeds 30/60/90-minute types, created by the caller, in sort order');
select is(
  (select count(*)::int from public.ensure_default_session_types_for_org(null, tests.org_id('acme'))),
  3, 'ensure_default_session_types_for_org: a second call returns the same three types (p_user_id null = the caller)');
select is(
  (select count(*)::int from public.session_types where organization_id = tests.org_id('acme')),
  3, 'ensure_default_session_types_for_org: is idempotent, never duplicates');
select is(
  (select default_session_type_id from public.organization_settings where organization_id = tests.org_id('acme')),
  null, 'ensure_default_session_types_for_org: three active types leave no default');

select tests.clear_authentication();
do $$
begin
  perform tests.seed_session_type(tests.org_id('rival'), 'Driving Lesson', 50);
end
$$;
select tests.act_as('rival_admin');
select results_eq(
  format($$select name from public.ensure_default_session_types_for_org(null, %L)$$, tests.org_id('rival')),
  $$values ('Driving Lesson')$$,
  'ensure_default_session_types_for_org: an organization that already has types gets none added');
select tests.clear_authentication();
update public.session_types set is_active = false where organization_id = tests.org_id('rival');
select tests.act_as('rival_admin');
select is(
  (select count(*)::int from public.ensure_default_session_types_for_org(null, tests.org_id('rival'))),
  1, 'ensure_default_session_types_for_org: deactivated types count: nothing is re-seeded');

select tests.act_as('acme_provider');
select throws_ok(format($$select public.ensure_default_session_types_for_org(null, %L)$$, tests.org_id('acme')),
  'PT403', 'FORBIDDEN', 'ensure_default_session_types_for_org: a provider is FORBIDDEN');
select tests.act_as('acme_client');
select throws_ok(format($$select public.ensure_default_session_types_for_org(null, %L)$$, tests.org_id('acme')),
  'PT403', 'FORBIDDEN', 'ensure_default_session_types_for_org: a client is FORBIDDEN');
select tests.act_as('rival_owner');
select throws_ok(format($$select public.ensure_default_session_types_for_org(null, %L)$$, tests.org_id('acme')),
  'PT404', 'NOT_FOUND', 'ensure_default_session_types_for_org: another organization is NOT_FOUND');
select throws_ok(format($$select public.ensure_default_session_types_for_org(null, %L)$$, gen_random_uuid()),
  'PT404', 'NOT_FOUND', 'ensure_default_session_types_for_org: an unknown organization is NOT_FOUND');
select throws_ok($$select public.ensure_default_session_types_for_org(null, null)$$,
  'PT400', 'INVALID_REQUEST', 'ensure_default_session_types_for_org: a missing organization id is INVALID_REQUEST');
select is(
  tests.error_of(format($$select public.ensure_default_session_types_for_org(%L, %L)$$, tests.uid('acme_owner'), tests.org_id('rival'))) ->> 'hint',
  'p_user_id', 'ensure_default_session_types_for_org: p_user_id must be the caller (hint p_user_id)');
select tests.authenticate_as_anon();
select throws_ok(format($$select public.ensure_default_session_types_for_org(null, %L)$$, tests.org_id('acme')),
  '42501', null, 'ensure_default_session_types_for_org: anon is not allowed to call it');
select set_config('role', 'authenticated', true);
select set_config('request.jwt.claims', '{"role": "authenticated"}', true);
select throws_ok(format($$select public.ensure_default_session_types_for_org(null, %L)$$, tests.org_id('acme')),
  'PT401', 'UNAUTHORIZED', 'ensure_default_session_types_for_org: a request without a user is UNAUTHORIZED');
select tests.authenticate_as_service_role();
select is(
  (select count(*)::int from public.ensure_default_session_types_for_org(null, tests.org_id('trio'))),
  3, 'ensure_default_session_types_for_org: service_role seeds any organization');

-- the default rule ----------------------------------------------------------------------
select tests.clear_authentication();
do $$
begin
  perform tests.seed_session_type(tests.org_id('solo'), 'Inactive First', 30, false);
end
$$;
select is((select default_session_type_id from public.organization_settings where organization_id = tests.org_id('solo')),
  null, 'default: an inactive type is never the default');
do $$
begin
  perform tests.seed_session_type(tests.org_id('solo'), 'Consultation', 45);
end
$$;
select is((select default_session_type_id from public.organization_settings where organization_id = tests.org_id('solo')),
  tests.session_type_id(tests.org_id('solo'), 'Consultation'),
  'default: the first active type of an organization becomes its default');
do $$
begin
  perform tests.seed_session_type(tests.org_id('solo'), 'Long Consultation', 90);
end
$$;
select is((select default_session_type_id from public.organization_settings where organization_id = tests.org_id('solo')),
  tests.session_type_id(tests.org_id('solo'), 'Consultation'),
  'default: adding a second active type keeps the default');
update public.session_types set is_active = false where name = 'Consultation';
select is((select default_session_type_id from public.organization_settings where organization_id = tests.org_id('solo')),
  tests.session_type_id(tests.org_id('solo'), 'Long Consultation'),
  'default: deactivating the default hands it to the only remaining active type');
update public.session_types set is_active = true where name = 'Inactive First';
update public.session_types set is_active = false where name = 'Long Consultation';
select is((select default_session_type_id from public.organization_settings where organization_id = tests.org_id('solo')),
  tests.session_type_id(tests.org_id('solo'), 'Inactive First'),
  'default: when the default is deactivated and exactly one active type remains, it becomes the default');
delete from public.organization_settings where organization_id = tests.org_id('duo');
do $$
begin
  perform tests.seed_session_type(tests.org_id('duo'), 'Single', 60);
end
$$;
select is((select default_session_type_id from public.organization_settings where organization_id = tests.org_id('duo')),
  tests.session_type_id(tests.org_id('duo'), 'Single'),
  'default: the settings row is created when the first type needs to become the default');

select tests.act_as('trio_admin');
select is(
  (select s.default_session_type_id from public.set_default_session_type(tests.org_id('trio'),
     tests.session_type_id(tests.org_id('trio'), '1 Hour Session')) s),
  tests.session_type_id(tests.org_id('trio'), '1 Hour Session'),
  'set_default_session_type: the admin sets the default and gets the settings back');
update public.session_types set is_active = false where organization_id = tests.org_id('trio') and duration_minutes = 60;
select is((select default_session_type_id from public.organization_settings where organization_id = tests.org_id('trio')),
  null, 'default: deactivating the default while several types remain active clears it');
select is(
  tests.affected_rows(format($$delete from public.session_types where organization_id = %L and duration_minutes = 90$$, tests.org_id('trio'))),
  1, 'default: an unused type can be hard-deleted');
select is((select default_session_type_id from public.organization_settings where organization_id = tests.org_id('trio')),
  tests.session_type_id(tests.org_id('trio'), '30 Minute Session'),
  'default: deleting a type so that one active type remains makes that one the default');

-- set_default_session_type --------------------------------------------------------------
select tests.act_as('acme_owner');
select is(
  (select s.default_session_type_id from public.set_default_session_type(tests.org_id('acme'),
     tests.session_type_id(tests.org_id('acme'), '1 Hour Session')) s),
  tests.session_type_id(tests.org_id('acme'), '1 Hour Session'),
  'set_default_session_type: the owner sets the default');
select is(
  (select s.default_session_type_id from public.set_default_session_type(tests.org_id('acme'), null) s),
  null, 'set_default_session_type: null clears the default');
select throws_ok(
  format($$select public.set_default_session_type(%L, %L)$$, tests.org_id('acme'),
    tests.session_type_id(tests.org_id('duo'), 'Single')),
  'PT404', 'NOT_FOUND', 'set_default_session_type: a type of another organization is NOT_FOUND');
select is(
  tests.error_of(format($$select public.set_default_session_type(%L, %L)$$, tests.org_id('acme'), gen_random_uuid())) ->> 'hint',
  'p_session_type_id', 'set_default_session_type: an unknown type is rejected with hint p_session_type_id');
update public.session_types set is_active = false where organization_id = tests.org_id('acme') and duration_minutes = 90;
select throws_ok(
  format($$select public.set_default_session_type(%L, %L)$$, tests.org_id('acme'),
    tests.session_type_id(tests.org_id('acme'), '90 Minute Session')),
  'PT422', 'SESSION_TYPE_INACTIVE', 'set_default_session_type: an inactive type cannot be the default');
select throws_ok(
  format($$update public.organization_settings set default_session_type_id = %L where organization_id = %L$$,
    tests.session_type_id(tests.org_id('acme'), '90 Minute Session'), tests.org_id('acme')),
  'PT422', 'SESSION_TYPE_INACTIVE', 'default: a direct update to an inactive type is refused too');
select throws_ok(
  format($$update public.organization_settings set default_session_type_id = %L where organization_id = %L$$,
    tests.session_type_id(tests.org_id('duo'), 'Single'), tests.org_id('acme')),
  '23503', null, 'default: a direct update to another organization''s type violates the foreign key');
select throws_ok($$select public.set_default_session_type(null, null)$$,
  'PT400', 'INVALID_REQUEST', 'set_default_session_type: a missing organization id is INVALID_REQUEST');
select tests.act_as('acme_provider');
select throws_ok(format($$select public.set_default_session_type(%L, null)$$, tests.org_id('acme')),
  'PT403', 'FORBIDDEN', 'set_default_session_type: a provider is FORBIDDEN');
select tests.act_as('acme_client');
select throws_ok(format($$select public.set_default_session_type(%L, null)$$, tests.org_id('acme')),
  'PT403', 'FORBIDDEN', 'set_default_session_type: a client is FORBIDDEN');
select tests.act_as('rival_owner');
select throws_ok(format($$select public.set_default_session_type(%L, null)$$, tests.org_id('acme')),
  'PT404', 'NOT_FOUND', 'set_default_session_type: another organization is NOT_FOUND');
select tests.authenticate_as_anon();
select throws_ok(format($$select public.set_default_session_type(%L, null)$$, tests.org_id('acme')),
  '42501', null, 'set_default_session_type: anon is not allowed to call it');
select set_config('role', 'authenticated', true);
select set_config('request.jwt.claims', '{"role": "authenticated"}', true);
select throws_ok(format($$select public.set_default_session_type(%L, null)$$, tests.org_id('acme')),
  'PT401', 'UNAUTHORIZED', 'set_default_session_type: a request without a user is UNAUTHORIZED');

-- the default applied to new sessions and bookings --------------------------------------
select tests.clear_authentication();
do $$
begin
  perform tests.seed_service(tests.org_id('acme'), 'Physio', tests.uid('acme_provider'));
  perform tests.seed_service(tests.org_id('solo'), 'Solo Service', tests.uid('solo_provider'));
  perform tests.seed_service(tests.org_id('trio'), 'Trio Service', tests.uid('trio_provider'));
end
$$;

select tests.act_as('acme_owner');
do $$
begin
  perform tests.seed_service_session(tests.service_id(tests.org_id('acme'), 'Physio'), p_starts_at => now() + interval '1 day');
end
$$;
select results_eq(
  $$select session_type_id from public.service_sessions where starts_at = now() + interval '1 day'$$,
  $$values (null::uuid)$$,
  'applied default: with two active types and no default a new session stays without type');
select lives_ok(
  format($$select public.set_default_session_type(%L, %L)$$, tests.org_id('acme'),
    tests.session_type_id(tests.org_id('acme'), '30 Minute Session')),
  'set_default_session_type: the owner makes the 30-minute type the default');
select tests.act_as('acme_provider');
select lives_ok(
  format($$insert into public.service_sessions (organization_id, service_id, provider_id, starts_at, ends_at)
           values (%L, %L, %L, now() + interval '2 days', now() + interval '2 days 30 minutes')$$,
    tests.org_id('acme'), tests.service_id(tests.org_id('acme'), 'Physio'), tests.uid('acme_provider')),
  'applied default: a provider creates a session without a type');
select is(
  (select session_type_id from public.service_sessions where starts_at = now() + interval '2 days'),
  tests.session_type_id(tests.org_id('acme'), '30 Minute Session'),
  'applied default: the organization default is applied server-side');
do $$
begin
  perform tests.seed_service_session(tests.service_id(tests.org_id('acme'), 'Physio'), p_starts_at => now() + interval '3 days',
    p_session_type_id => tests.session_type_id(tests.org_id('acme'), '1 Hour Session'));
end
$$;
select is(
  (select session_type_id from public.service_sessions where starts_at = now() + interval '3 days'),
  tests.session_type_id(tests.org_id('acme'), '1 Hour Session'),
  'applied default: an explicit session type is kept');
select lives_ok(
  format($$insert into public.bookings (organization_id, client_id, provider_id, service_id, start_time, end_time)
           values (%L, %L, %L, %L, now() + interval '4 days', now() + interval '4 days 30 minutes')$$,
    tests.org_id('acme'), tests.uid('acme_client'), tests.uid('acme_provider'), tests.service_id(tests.org_id('acme'), 'Physio')),
  'applied default: a provider records a legacy 1-to-1 booking without a type');
select is(
  (select session_type_id from public.bookings where start_time = now() + interval '4 days'),
  tests.session_type_id(tests.org_id('acme'), '30 Minute Session'),
  'applied default: the organization default is applied to bookings too');
select throws_ok(
  format($$insert into public.service_sessions (organization_id, service_id, provider_id, starts_at, ends_at, session_type_id)
           values (%L, %L, %L, now(), now() + interval '1 hour', %L)$$,
    tests.org_id('acme'), tests.service_id(tests.org_id('acme'), 'Physio'), tests.uid('acme_provider'),
    tests.session_type_id(tests.org_id('duo'), 'Single')),
  'PT404', 'NOT_FOUND', 'a session cannot use another organization''s session type (as create_service_session: NOT_FOUND; the composite foreign key backs it up)');
select tests.clear_authentication();
do $$
begin
  perform tests.seed_service_session(tests.service_id(tests.org_id('trio'), 'Trio Service'), p_starts_at => now() + interval '6 days');
end
$$;
select is(
  (select session_type_id from public.service_sessions where starts_at = now() + interval '6 days'),
  tests.session_type_id(tests.org_id('trio'), '30 Minute Session'),
  'applied default: the only active type applies');

-- delete protection ---------------------------------------------------------------------
select tests.act_as('acme_admin');
select throws_ok(
  format($$delete from public.session_types where id = %L$$,
    tests.session_type_id(tests.org_id('acme'), '30 Minute Session')),
  'PT409', 'CONFLICT', 'delete: a type used by sessions or bookings cannot be deleted');
select matches(
  tests.error_of(format($$delete from public.session_types where id = %L$$,
    tests.session_type_id(tests.org_id('acme'), '30 Minute Session'))) ->> 'detail',
  '^Session type "30 Minute Session" is still used \(.*2 public\.service_sessions.*\); deactivate it \(is_active = false\) instead',
  'delete: the error says where the type is used and to deactivate it instead');
select is(
  tests.affected_rows(format($$update public.session_types set is_active = false where id = %L$$,
    tests.session_type_id(tests.org_id('acme'), '30 Minute Session'))),
  1, 'delete: a used type can still be deactivated (soft delete)');
select tests.clear_authentication();
select lives_ok(format($$delete from public.organizations where id = %L$$, tests.org_id('acme')),
  'delete: deleting an organization removes its types even when its sessions use them');

-- column rules --------------------------------------------------------------------------
select throws_ok(format($$insert into public.session_types (organization_id, name, duration_minutes) values (%L, 'Zero', 0)$$, tests.org_id('rival')),
  '23514', null, 'rules: a duration of 0 minutes is refused');
select throws_ok(format($$insert into public.session_types (organization_id, name, duration_minutes) values (%L, 'Too Long', 1441)$$, tests.org_id('rival')),
  '23514', null, 'rules: a duration over 1440 minutes is refused');
select lives_ok(format($$insert into public.session_types (organization_id, name, duration_minutes) values (%L, 'Minute', 1), (%1$L, 'Day', 1440)$$, tests.org_id('rival')),
  'rules: durations of 1 and 1440 minutes are accepted');
select throws_ok(format($$insert into public.session_types (organization_id, name, duration_minutes) values (%L, '  DRIVING lesson ', 50)$$, tests.org_id('rival')),
  '23505', null, 'rules: names are unique per organization regardless of case and surrounding spaces');
select lives_ok(format($$insert into public.session_types (organization_id, name, duration_minutes) values (%L, 'Driving Lesson', 50)$$, tests.org_id('solo')),
  'rules: the same name is fine in another organization');
select throws_ok(format($$insert into public.session_types (organization_id, name, duration_minutes) values (%L, '   ', 50)$$, tests.org_id('rival')),
  '23514', null, 'rules: a blank name is refused');
select lives_ok(format($$insert into public.packages (organization_id, name, session_count, price) values (%L, 'Five lessons', 5, 200)$$, tests.org_id('rival')),
  'rules: a package no longer needs a duration');
select is(
  array(select p.oid::regprocedure::text from pg_proc p
        where p.pronamespace in ('public'::regnamespace, 'private'::regnamespace)
          and p.prosrc ~* '\mpackages\M' and p.prosrc ~* '\mduration\M'
        order by 1),
  '{}'::text[],
  'rules: no function writes (or reads) packages.duration');

select * from finish();
rollback;
