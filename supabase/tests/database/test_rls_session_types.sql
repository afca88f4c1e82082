-- RLS matrix for session_types: every member reads their organization's types; owners and
-- admins write them; members of other organizations and anon see and change nothing;
-- service_role bypasses RLS.
begin;
select plan(33);

do $$
begin
  perform tests.seed_org('acme');
  perform tests.seed_org('rival');
  perform tests.seed_session_type(tests.org_id('acme'), 'Assessment', 45);
  perform tests.seed_session_type(tests.org_id('acme'), 'Treatment', 60);
  perform tests.seed_session_type(tests.org_id('rival'), 'Driving Lesson', 90);
end
$$;
-- disposable rows for the delete cases
do $$
begin
  perform tests.seed_session_type(tests.org_id('acme'), 'Delete Me Owner', 30, false);
  perform tests.seed_session_type(tests.org_id('acme'), 'Delete Me Admin', 30, false);
  perform tests.seed_session_type(tests.org_id('acme'), 'Delete Me Service', 30, false);
end
$$;

-- select
select tests.act_as('acme_owner');
select is((select count(*)::int from public.session_types), 5, 'select: the owner sees all of their organization''s types');
select tests.act_as('acme_admin');
select is((select count(*)::int from public.session_types), 5, 'select: the admin sees all of their organization''s types');
select tests.act_as('acme_provider');
select is((select count(*)::int from public.session_types), 5, 'select: the provider sees all of their organization''s types');
select tests.act_as('acme_client');
select is((select count(*)::int from public.session_types), 5, 'select: the client sees all of their organization''s types');
select tests.act_as('rival_owner');
select results_eq($$select name from public.session_types$$, $$values ('Driving Lesson')$$,
  'select: a member of another organization sees only their own organization''s types');
select tests.authenticate_as_anon();
select is_empty($$select 1 from public.session_types$$, 'select: anon sees nothing');
select tests.authenticate_as_service_role();
select is((select count(*)::int from public.session_types where organization_id in (tests.org_id('acme'), tests.org_id('rival'))), 6,
  'select: service_role sees every organization''s types');

-- insert
select tests.act_as('acme_owner');
select lives_ok(format($$insert into public.session_types (organization_id, name, duration_minutes) values (%L, 'Follow-up', 30)$$, tests.org_id('acme')),
  'insert: the owner creates a type');
select is((select user_id from public.session_types where name = 'Follow-up'), tests.uid('acme_owner'),
  'insert: the creator is recorded in user_id');
select tests.act_as('acme_admin');
select lives_ok(format($$insert into public.session_types (organization_id, name, duration_minutes) values (%L, 'Group Class', 90)$$, tests.org_id('acme')),
  'insert: the admin creates a type');
select throws_ok(format($$insert into public.session_types (organization_id, name, duration_minutes) values (%L, 'Sneaky', 30)$$, tests.org_id('rival')),
  '42501', null, 'insert: the admin cannot create a type in another organization');
select tests.act_as('acme_provider');
select throws_ok(format($$insert into public.session_types (organization_id, name, duration_minutes) values (%L, 'Provider Type', 30)$$, tests.org_id('acme')),
  '42501', null, 'insert: a provider cannot create types');
select tests.act_as('acme_client');
select throws_ok(format($$insert into public.session_types (organization_id, name, duration_minutes) values (%L, 'Client Type', 30)$$, tests.org_id('acme')),
  '42501', null, 'insert: a client cannot create types');
select tests.act_as('rival_owner');
select throws_ok(format($$insert into public.session_types (organization_id, name, duration_minutes) values (%L, 'Rival Type', 30)$$, tests.org_id('acme')),
  '42501', null, 'insert: a member of another organization cannot create types in it');
select tests.authenticate_as_anon();
select throws_ok(format($$insert into public.session_types (organization_id, name, duration_minutes) values (%L, 'Anon Type', 30)$$, tests.org_id('acme')),
  '42501', null, 'insert: anon cannot create types');
select tests.authenticate_as_service_role();
select lives_ok(format($$insert into public.session_types (organization_id, name, duration_minutes) values (%L, 'Service Type', 30)$$, tests.org_id('acme')),
  'insert: service_role creates a type in any organization');

-- update
select tests.act_as('acme_owner');
select is(tests.affected_rows($$update public.session_types set description = 'First visit' where name = 'Assessment'$$), 1,
  'update: the owner edits a type');
select tests.act_as('acme_admin');
select is(tests.affected_rows($$update public.session_types set is_active = false where name = 'Group Class'$$), 1,
  'update: the admin deactivates a type (soft delete)');
select tests.act_as('acme_provider');
select is(tests.affected_rows($$update public.session_types set duration_minutes = 5 where name = 'Treatment'$$), 0,
  'update: a provider cannot edit types');
select tests.act_as('acme_client');
select is(tests.affected_rows($$update public.session_types set duration_minutes = 5 where name = 'Treatment'$$), 0,
  'update: a client cannot edit types');
select tests.act_as('rival_owner');
select is(tests.affected_rows(format($$update public.session_types set duration_minutes = 5 where organization_id = %L$$, tests.org_id('acme'))), 0,
  'update: a member of another organization cannot edit its types');
select tests.authenticate_as_anon();
select is(tests.affected_rows($$update public.session_types set duration_minutes = 5$$), 0, 'update: anon cannot edit types');
select tests.authenticate_as_service_role();
select is(tests.affected_rows($$update public.session_types set sort_order = 99 where name = 'Service Type'$$), 1,
  'update: service_role edits any type');
select tests.act_as('acme_owner');
select throws_ok(format($$update public.session_types set organization_id = %L where name = 'Assessment'$$, tests.org_id('rival')),
  'PT400', 'INVALID_REQUEST', 'update: a type cannot be moved to another organization');
select is((select duration_minutes from public.session_types where name = 'Treatment'), 60,
  'update: denied edits left the type unchanged');

-- delete
select tests.act_as('acme_provider');
select is(tests.affected_rows($$delete from public.session_types where name like 'Delete Me%'$$), 0, 'delete: a provider cannot delete types');
select tests.act_as('acme_client');
select is(tests.affected_rows($$delete from public.session_types where name like 'Delete Me%'$$), 0, 'delete: a client cannot delete types');
select tests.act_as('rival_owner');
select is(tests.affected_rows(format($$delete from public.session_types where organization_id = %L$$, tests.org_id('acme'))), 0,
  'delete: a member of another organization cannot delete its types');
select tests.authenticate_as_anon();
select is(tests.affected_rows($$delete from public.session_types$$), 0, 'delete: anon cannot delete types');
select tests.act_as('acme_owner');
select is(tests.affected_rows($$delete from public.session_types where name = 'Delete Me Owner'$$), 1, 'delete: the owner deletes an unused type');
select tests.act_as('acme_admin');
select is(tests.affected_rows($$delete from public.session_types where name = 'Delete Me Admin'$$), 1, 'delete: the admin deletes an unused type');
select tests.authenticate_as_service_role();
select is(tests.affected_rows($$delete from public.session_types where name = 'Delete Me Service'$$), 1, 'delete: service_role deletes an unused type');
select tests.clear_authentication();
select results_eq(
  $$select name from public.session_types where organization_id = tests.org_id('acme') order by name$$,
  $$values ('Assessment'), ('Follow-up'), ('Group Class'), ('Service Type'), ('Treatment')$$,
  'delete: only the three permitted deletes happened');

select * from finish();
rollback;
