-- Organization RPCs: create_organization, add_organization_member, ensure_organization_settings,
-- and the rules that guard organizations and their members whoever writes them.
begin;
select plan(50);

do $$
begin
  perform tests.seed_org('acme');
  perform tests.seed_org('rival');
  perform tests.create_user('founder');
  perform tests.create_user('newcomer');
  perform tests.create_user('second_owner');
end
$$;

-- create_organization -------------------------------------------------------------------
select tests.authenticate_as_anon();
select throws_ok($$select public.create_organization('Anon Org', 'anon-org', 'UTC')$$,
  '42501', null, 'create_organization: anon is not allowed to call it');

select set_config('role', 'authenticated', true);
select set_config('request.jwt.claims', '{"role": "authenticated"}', true);
select throws_ok($$select public.create_organization('No One', 'no-one', 'UTC')$$,
  'PT401', 'UNAUTHORIZED', 'create_organization: a request without a user is UNAUTHORIZED');

select tests.act_as('founder');
select is(
  (select row(o.name, o.slug, o.timezone, o.created_by)::text
   from public.create_organization('  Physio Berlin ', 'physio-berlin', 'Europe/Berlin') o),
  row('Physio Berlin', 'physio-berlin', 'Europe/Berlin', tests.uid('founder'))::text,
  'create_organization: returns the new organization (name trimmed) created by the caller');
select is(
  (select m.role from public.organization_members m join public.organizations o on o.id = m.organization_id
   where o.slug = 'physio-berlin' and m.user_id = tests.uid('founder')),
  'owner', 'create_organization: the caller becomes its owner');
select is(
  (select count(*)::int from public.organization_settings s join public.organizations o on o.id = s.organization_id
   where o.slug = 'physio-berlin'),
  1, 'create_organization: the settings row is ensured');
select results_eq(
  $$select st.name, st.duration_minutes from public.session_types st
    join public.organizations o on o.id = st.organization_id
    where o.slug = 'physio-berlin' order by st.sort_order$$,
  $$values ('30 Minute Session', 30), ('1 Hour Session', 60), ('90 Minute Session', 90)$$,
  'create_organization: the default 30/60/90-minute session types are ensured');
select is(
  (select s.default_session_type_id from public.organization_settings s join public.organizations o on o.id = s.organization_id
   where o.slug = 'physio-berlin'),
  null, 'create_organization: no default session type while three are active');

select throws_ok($$select public.create_organization('  ', 'blank-name', 'UTC')$$,
  'PT400', 'INVALID_REQUEST', 'create_organization: a blank name is INVALID_REQUEST');
select is(tests.error_of($$select public.create_organization(null, 'null-name', 'UTC')$$) ->> 'hint', 'p_name',
  'create_organization: the hint names p_name');
select throws_ok($$select public.create_organization('Bad Slug', 'Bad Slug!', 'UTC')$$,
  'PT400', 'INVALID_REQUEST', 'create_organization: a malformed slug is INVALID_REQUEST');
select is(tests.error_of($$select public.create_organization('Short', 'ab', 'UTC')$$) ->> 'hint', 'p_slug',
  'create_organization: a too short slug is rejected with hint p_slug');
select throws_ok($$select public.create_organization('Mars', 'mars-base', 'Mars/Olympus_Mons')$$,
  'PT400', 'INVALID_REQUEST', 'create_organization: an unknown time zone is INVALID_REQUEST');
select is(tests.error_of($$select public.create_organization('Mars', 'mars-base', 'Mars/Olympus_Mons')$$) ->> 'hint', 'p_timezone',
  'create_organization: the hint names p_timezone');
select throws_ok($$select public.create_organization('Copycat', 'acme', 'UTC')$$,
  'PT409', 'CONFLICT', 'create_organization: a taken slug is a CONFLICT');
select is(tests.error_of($$select public.create_organization('Copycat', 'acme', 'UTC')$$) ->> 'hint', 'p_slug',
  'create_organization: the conflict names p_slug');
select is(
  (select count(*)::int from public.organizations where slug in ('blank-name', 'null-name', 'ab', 'mars-base')),
  0, 'create_organization: a failed call leaves nothing behind');

-- add_organization_member ---------------------------------------------------------------
select tests.act_as('acme_owner');
select is(
  (select row(m.organization_id, m.user_id, m.role, m.display_name)::text
   from public.add_organization_member(tests.org_id('acme'), tests.uid('newcomer'), 'provider', 'Dr. New') m),
  row(tests.org_id('acme'), tests.uid('newcomer'), 'provider', 'Dr. New')::text,
  'add_organization_member: an owner adds a provider');
select throws_ok(
  format($$select public.add_organization_member(%L, %L, 'client')$$, tests.org_id('acme'), tests.uid('newcomer')),
  'PT409', 'CONFLICT', 'add_organization_member: adding an existing member is a CONFLICT');
select lives_ok(
  format($$select public.add_organization_member(%L, %L, 'owner')$$, tests.org_id('acme'), tests.uid('second_owner')),
  'add_organization_member: an owner may add another owner');
select throws_ok(
  format($$select public.add_organization_member(%L, %L, 'superuser')$$, tests.org_id('acme'), tests.uid('founder')),
  'PT400', 'INVALID_REQUEST', 'add_organization_member: an unknown role is INVALID_REQUEST');
select is(
  tests.error_of(format($$select public.add_organization_member(%L, %L, null)$$, tests.org_id('acme'), tests.uid('founder'))) ->> 'hint',
  'p_role', 'add_organization_member: a missing role is rejected with hint p_role');
select is(
  tests.error_of(format($$select public.add_organization_member(%L, null, 'client')$$, tests.org_id('acme'))) ->> 'hint',
  'p_user_id', 'add_organization_member: a missing user is rejected with hint p_user_id');
select throws_ok(
  format($$select public.add_organization_member(%L, %L, 'client')$$, tests.org_id('acme'), gen_random_uuid()),
  'PT404', 'NOT_FOUND', 'add_organization_member: an unknown user is NOT_FOUND');
select throws_ok(
  format($$select public.add_organization_member(%L, %L, 'client')$$, gen_random_uuid(), tests.uid('founder')),
  'PT404', 'NOT_FOUND', 'add_organization_member: an unknown organization is NOT_FOUND');

select tests.act_as('acme_admin');
select lives_ok(
  format($$select public.add_organization_member(%L, %L, 'client')$$, tests.org_id('acme'), tests.uid('founder')),
  'add_organization_member: an admin adds a client');
select throws_ok(
  format($$select public.add_organization_member(%L, %L, 'owner')$$, tests.org_id('acme'), tests.uid('rival_owner')),
  'PT403', 'FORBIDDEN', 'add_organization_member: an admin cannot add an owner');

select tests.act_as('acme_provider');
select throws_ok(
  format($$select public.add_organization_member(%L, %L, 'client')$$, tests.org_id('acme'), tests.uid('rival_client')),
  'PT403', 'FORBIDDEN', 'add_organization_member: a provider is FORBIDDEN');

select tests.act_as('acme_client');
select throws_ok(
  format($$select public.add_organization_member(%L, %L, 'client')$$, tests.org_id('acme'), tests.uid('rival_client')),
  'PT403', 'FORBIDDEN', 'add_organization_member: a client is FORBIDDEN');

select tests.act_as('rival_owner');
select throws_ok(
  format($$select public.add_organization_member(%L, %L, 'client')$$, tests.org_id('acme'), tests.uid('rival_client')),
  'PT404', 'NOT_FOUND', 'add_organization_member: the owner of another organization gets NOT_FOUND');

select tests.authenticate_as_anon();
select throws_ok(
  format($$select public.add_organization_member(%L, %L, 'client')$$, tests.org_id('acme'), tests.uid('rival_client')),
  '42501', null, 'add_organization_member: anon is not allowed to call it');

select tests.authenticate_as_service_role();
select lives_ok(
  format($$select public.add_organization_member(%L, %L, 'owner')$$, tests.org_id('rival'), tests.uid('founder')),
  'add_organization_member: service_role may add any member, owners included');

-- ensure_organization_settings ----------------------------------------------------------
select tests.clear_authentication();
delete from public.organization_settings where organization_id = tests.org_id('acme');

select tests.act_as('acme_client');
select is(
  (select row(s.organization_id, s.cancellation_notice_hours, s.note_lock_hours, s.recording_retention_days,
              s.recurring_default_time, s.requires_subscription)::text
   from public.ensure_organization_settings(tests.org_id('acme')) s),
  row(tests.org_id('acme'), 24, 24, null::int, '10:00'::time, false)::text,
  'ensure_organization_settings: recreates a missing settings row with the defaults, for any member');
select is(
  (select s.organization_id from public.ensure_organization_settings(tests.org_id('acme')) s),
  tests.org_id('acme'), 'ensure_organization_settings: calling it again returns the same row');
select is(
  (select count(*)::int from public.organization_settings where organization_id = tests.org_id('acme')),
  1, 'ensure_organization_settings: is idempotent (one row)');
select throws_ok(
  format($$select public.ensure_organization_settings(%L)$$, tests.org_id('rival')),
  'PT404', 'NOT_FOUND', 'ensure_organization_settings: another organization is NOT_FOUND');
select throws_ok($$select public.ensure_organization_settings(null)$$,
  'PT400', 'INVALID_REQUEST', 'ensure_organization_settings: a missing organization id is INVALID_REQUEST');

select set_config('request.jwt.claims', '{"role": "authenticated"}', true);
select throws_ok(
  format($$select public.ensure_organization_settings(%L)$$, tests.org_id('acme')),
  'PT401', 'UNAUTHORIZED', 'ensure_organization_settings: a request without a user is UNAUTHORIZED');

select tests.authenticate_as_service_role();
select is(
  (select s.organization_id from public.ensure_organization_settings(tests.org_id('rival')) s),
  tests.org_id('rival'), 'ensure_organization_settings: service_role may ensure any organization''s settings');

-- organization rules, whoever writes ---------------------------------------------------
select tests.clear_authentication();
-- backdate, as the table's owner, with the trigger that stamps updated_at off for this update
alter table public.organizations disable trigger touch_updated_at;
update public.organizations set updated_at = now() - interval '1 day' where id = tests.org_id('rival');
alter table public.organizations enable trigger touch_updated_at;

select tests.act_as('rival_owner');
select throws_ok(
  format($$update public.organizations set timezone = 'Nowhere/Land' where id = %L$$, tests.org_id('rival')),
  'PT400', 'INVALID_REQUEST', 'an organization''s time zone must be an IANA name, even on a direct update');
select is(
  tests.affected_rows(format($$update public.organizations set timezone = 'America/New_York' where id = %L$$, tests.org_id('rival'))),
  1, 'an owner changes the organization''s time zone to a valid one');
select is(
  (select updated_at from public.organizations where id = tests.org_id('rival')),
  now(), 'updated_at is refreshed on update');

-- the time zone check: exactly the names pg_timezone_names lists, without scanning it per row
select is(
  (select array_agg(tz.name order by tz.name) from pg_catalog.pg_timezone_names as tz
   where tz.name !~ '[0-9]' and not private.is_valid_timezone(tz.name)),
  null,
  'is_valid_timezone: every zone name the server lists is valid');
select ok(
  private.is_valid_timezone('Etc/GMT+5') and private.is_valid_timezone('EST5EDT'),
  'is_valid_timezone: listed names with digits (Etc/GMT+5, EST5EDT) are valid');
select is(
  (select array_agg(n order by n) from unnest(array[
     'europe/berlin', 'UTC ', ':Europe/Berlin', 'PST', 'CEST', 'right/UTC', 'FOO5BAR', '+05', '5', '-3.5',
     'Europe', 'zone.tab', '../zoneinfo/UTC', 'Mars/Olympus_Mons', '']) as n
   where private.is_valid_timezone(n)
      or exists (select 1 from pg_catalog.pg_timezone_names as tz where tz.name = n)),
  null,
  'is_valid_timezone: other spellings, abbreviations, POSIX rules, offsets and paths are not time zones');
set local timezone = 'America/New_York';
do $$ begin perform private.is_valid_timezone('Asia/Kolkata'), private.is_valid_timezone('Nowhere/Land'); end $$;
select is(current_setting('timezone'), 'America/New_York',
  'is_valid_timezone: the caller''s TimeZone setting is left as it was');
reset timezone;

select tests.act_as('acme_owner');
select is(
  tests.affected_rows(format($$delete from public.organization_members where organization_id = %L and user_id = %L$$,
    tests.org_id('acme'), tests.uid('second_owner'))),
  1, 'an owner may remove another owner');

select throws_ok(
  format($$delete from public.organization_members where organization_id = %L and user_id = %L$$,
    tests.org_id('acme'), tests.uid('acme_owner')),
  'PT409', 'CONFLICT', 'the last owner cannot leave the organization');
select throws_ok(
  format($$update public.organization_members set role = 'admin' where organization_id = %L and user_id = %L$$,
    tests.org_id('acme'), tests.uid('acme_owner')),
  'PT409', 'CONFLICT', 'the last owner cannot be demoted');

select tests.clear_authentication();
select lives_ok(
  format($$delete from public.organizations where id = %L$$, tests.org_id('acme')),
  'deleting an organization removes its members, owners included');
select is(
  (select count(*)::int from public.organization_members where organization_id = tests.org_id('acme')),
  0, 'no member rows survive their organization');

select * from finish();
rollback;
