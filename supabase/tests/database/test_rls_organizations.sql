-- RLS matrix for organizations, organization_members and organization_settings:
-- owner, admin, provider, client, member of another organization (rival_owner), anon, service_role.
begin;
select plan(52);

do $$
begin
  perform tests.seed_org('acme');
  perform tests.seed_org('rival');
  perform tests.create_user('acme_extra_client');
  perform tests.create_user('acme_new_admin');
  perform tests.add_member('acme', 'acme_leaver', 'client');
  perform tests.add_member('acme', 'acme_removed', 'client');
end
$$;

-- organizations -------------------------------------------------------------------------
select tests.act_as('acme_owner');
select results_eq($$select slug from public.organizations$$, $$values ('acme')$$,
  'organizations: the owner sees only their organization');
select tests.act_as('acme_admin');
select results_eq($$select slug from public.organizations$$, $$values ('acme')$$,
  'organizations: the admin sees only their organization');
select tests.act_as('acme_provider');
select results_eq($$select slug from public.organizations$$, $$values ('acme')$$,
  'organizations: the provider sees only their organization');
select tests.act_as('acme_client');
select results_eq($$select slug from public.organizations$$, $$values ('acme')$$,
  'organizations: the client sees only their organization');
select tests.act_as('rival_owner');
select is_empty(format($$select 1 from public.organizations where id = %L$$, tests.org_id('acme')),
  'organizations: a member of another organization does not see it');
select tests.authenticate_as_anon();
select is_empty($$select 1 from public.organizations$$, 'organizations: anon sees nothing');
select tests.authenticate_as_service_role();
select is((select count(*)::int from public.organizations where slug in ('acme', 'rival')), 2,
  'organizations: service_role sees every organization');

select tests.act_as('acme_owner');
select throws_ok($$insert into public.organizations (name, slug) values ('Direct', 'direct-insert')$$,
  '42501', null, 'organizations: nobody inserts directly (create_organization is the way)');
select is(tests.affected_rows(format($$update public.organizations set name = 'Acme Clinic' where id = %L$$, tests.org_id('acme'))),
  1, 'organizations: the owner renames the organization');
select throws_ok(format($$delete from public.organizations where id = %L$$, tests.org_id('acme')),
  '42501', null, 'organizations: even the owner cannot delete it directly (not granted)');
select tests.act_as('acme_admin');
select is(tests.affected_rows(format($$update public.organizations set name = 'Acme Health' where id = %L$$, tests.org_id('acme'))),
  1, 'organizations: the admin renames the organization');
select tests.act_as('acme_provider');
select is(tests.affected_rows(format($$update public.organizations set name = 'Provider Co' where id = %L$$, tests.org_id('acme'))),
  0, 'organizations: the provider cannot update it');
select tests.act_as('acme_client');
select is(tests.affected_rows(format($$update public.organizations set name = 'Client Co' where id = %L$$, tests.org_id('acme'))),
  0, 'organizations: the client cannot update it');
select tests.act_as('rival_owner');
select is(tests.affected_rows(format($$update public.organizations set name = 'Hijacked' where id = %L$$, tests.org_id('acme'))),
  0, 'organizations: a member of another organization cannot update it');
select tests.authenticate_as_anon();
select is(tests.affected_rows(format($$update public.organizations set name = 'Anon' where id = %L$$, tests.org_id('acme'))),
  0, 'organizations: anon cannot update it');
select throws_ok($$insert into public.organizations (name, slug) values ('Anon', 'anon-insert')$$,
  '42501', null, 'organizations: anon cannot insert');

-- organization_members ------------------------------------------------------------------
select tests.act_as('acme_client');
select results_eq($$select user_id from public.organization_members order by user_id$$,
  $$select unnest(array[tests.uid('acme_owner'), tests.uid('acme_admin'), tests.uid('acme_provider'), tests.uid('acme_client')]) order by 1$$,
  'members: a client sees the staff and themself - never the other clients (acme_leaver, acme_removed)');
select tests.act_as('acme_provider');
select is((select count(*)::int from public.organization_members), 6,
  'members: a provider sees their organization''s member list');
select tests.act_as('rival_owner');
select is_empty(format($$select 1 from public.organization_members where organization_id = %L$$, tests.org_id('acme')),
  'members: a member of another organization does not see the list');
select tests.authenticate_as_anon();
select is_empty($$select 1 from public.organization_members$$, 'members: anon sees nothing');
select tests.authenticate_as_service_role();
select is((select count(*)::int from public.organization_members where organization_id = tests.org_id('acme')), 6,
  'members: service_role sees every member');

select tests.act_as('acme_owner');
select lives_ok(format($$insert into public.organization_members (organization_id, user_id, role) values (%L, %L, 'admin')$$,
    tests.org_id('acme'), tests.uid('acme_new_admin')),
  'members: the owner adds an admin directly ...');
select results_eq(format($$select status, invited_by from public.organization_members where user_id = %L$$, tests.uid('acme_new_admin')),
  format($$values ('invited'::text, %L::uuid)$$, tests.uid('acme_owner')),
  'members: ... which is an invitation from the owner, whatever the insert said');
select tests.act_as('acme_admin');
select lives_ok(format($$insert into public.organization_members (organization_id, user_id, role) values (%L, %L, 'client')$$,
    tests.org_id('acme'), tests.uid('acme_extra_client')),
  'members: the admin adds a client directly');
select throws_ok(format($$insert into public.organization_members (organization_id, user_id, role) values (%L, %L, 'owner')$$,
    tests.org_id('acme'), tests.uid('rival_admin')),
  '42501', null, 'members: the admin cannot add an owner');
select is(tests.affected_rows(format($$update public.organization_members set display_name = 'Dr. P' where organization_id = %L and user_id = %L$$,
    tests.org_id('acme'), tests.uid('acme_provider'))),
  1, 'members: the admin edits a provider');
select is(tests.affected_rows(format($$update public.organization_members set display_name = 'Boss' where organization_id = %L and user_id = %L$$,
    tests.org_id('acme'), tests.uid('acme_owner'))),
  0, 'members: the admin cannot edit an owner');
select throws_ok(format($$update public.organization_members set role = 'owner' where organization_id = %L and user_id = %L$$,
    tests.org_id('acme'), tests.uid('acme_admin')),
  '42501', null, 'members: the admin cannot promote anyone (themself included) to owner');
select is(tests.affected_rows(format($$delete from public.organization_members where organization_id = %L and user_id = %L$$,
    tests.org_id('acme'), tests.uid('acme_removed'))),
  1, 'members: the admin removes a client');
select is(tests.affected_rows(format($$delete from public.organization_members where organization_id = %L and user_id = %L$$,
    tests.org_id('acme'), tests.uid('acme_owner'))),
  0, 'members: the admin cannot remove an owner');

select tests.act_as('acme_provider');
select throws_ok(format($$insert into public.organization_members (organization_id, user_id, role) values (%L, %L, 'client')$$,
    tests.org_id('acme'), tests.uid('rival_client')),
  '42501', null, 'members: a provider cannot add members');
select is(tests.affected_rows(format($$update public.organization_members set role = 'admin' where organization_id = %L and user_id = %L$$,
    tests.org_id('acme'), tests.uid('acme_provider'))),
  0, 'members: a provider cannot change their own role');

select tests.act_as('acme_client');
select throws_ok(format($$insert into public.organization_members (organization_id, user_id, role) values (%L, %L, 'client')$$,
    tests.org_id('acme'), tests.uid('rival_client')),
  '42501', null, 'members: a client cannot add members');
select is(tests.affected_rows(format($$update public.organization_members set role = 'admin' where organization_id = %L and user_id = %L$$,
    tests.org_id('acme'), tests.uid('acme_client'))),
  0, 'members: a client cannot promote themself');
select is(tests.affected_rows(format($$delete from public.organization_members where organization_id = %L and user_id = %L$$,
    tests.org_id('acme'), tests.uid('acme_provider'))),
  0, 'members: a client cannot remove someone else');

select tests.act_as('acme_leaver');
select is(tests.affected_rows(format($$delete from public.organization_members where organization_id = %L and user_id = %L$$,
    tests.org_id('acme'), tests.uid('acme_leaver'))),
  1, 'members: any member may leave the organization');

select tests.act_as('rival_owner');
select throws_ok(format($$insert into public.organization_members (organization_id, user_id, role) values (%L, %L, 'owner')$$,
    tests.org_id('acme'), tests.uid('rival_owner')),
  '42501', null, 'members: a member of another organization cannot join it by inserting themself');
select is(tests.affected_rows(format($$delete from public.organization_members where organization_id = %L$$, tests.org_id('acme'))),
  0, 'members: a member of another organization cannot remove its members');

select tests.authenticate_as_anon();
select throws_ok(format($$insert into public.organization_members (organization_id, user_id, role) values (%L, %L, 'owner')$$,
    tests.org_id('acme'), tests.uid('rival_owner')),
  '42501', null, 'members: anon cannot insert');
select is(tests.affected_rows($$delete from public.organization_members$$), 0, 'members: anon cannot delete');

-- organization_settings -----------------------------------------------------------------
select tests.act_as('acme_client');
select results_eq($$select organization_id from public.organization_settings$$,
  format($$values (%L::uuid)$$, tests.org_id('acme')),
  'settings: a client reads their organization''s settings only');
select is(tests.affected_rows($$update public.organization_settings set note_lock_hours = 1$$), 0,
  'settings: a client cannot change them');
select tests.act_as('acme_provider');
select is(tests.affected_rows($$update public.organization_settings set note_lock_hours = 1$$), 0,
  'settings: a provider cannot change them');
select tests.act_as('acme_admin');
select is(tests.affected_rows($$update public.organization_settings set note_lock_hours = 48$$), 1,
  'settings: the admin changes their organization''s settings (and only those)');
select is(tests.affected_rows($$delete from public.organization_settings$$), 0,
  'settings: nobody deletes the settings row');
select tests.act_as('acme_owner');
select is(tests.affected_rows($$update public.organization_settings set cancellation_notice_hours = 12$$), 1,
  'settings: the owner changes their organization''s settings');
select tests.act_as('rival_owner');
select is(tests.affected_rows(format($$update public.organization_settings set note_lock_hours = 0 where organization_id = %L$$, tests.org_id('acme'))),
  0, 'settings: a member of another organization cannot change them');
select is_empty(format($$select 1 from public.organization_settings where organization_id = %L$$, tests.org_id('acme')),
  'settings: a member of another organization cannot read them');
select tests.authenticate_as_anon();
select is_empty($$select 1 from public.organization_settings$$, 'settings: anon reads nothing');
select tests.authenticate_as_service_role();
select is(tests.affected_rows(format($$update public.organization_settings set note_lock_hours = 24 where organization_id = %L$$, tests.org_id('acme'))),
  1, 'settings: service_role changes any organization''s settings');

select tests.clear_authentication();
delete from public.organization_settings where organization_id = tests.org_id('rival');
select tests.act_as('rival_provider');
select throws_ok(format($$insert into public.organization_settings (organization_id) values (%L)$$, tests.org_id('rival')),
  '42501', null, 'settings: a provider cannot create the settings row');
select tests.act_as('rival_admin');
select lives_ok(format($$insert into public.organization_settings (organization_id) values (%L)$$, tests.org_id('rival')),
  'settings: the admin can create the settings row');

select * from finish();
rollback;
