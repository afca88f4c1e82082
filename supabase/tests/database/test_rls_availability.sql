-- RLS matrix for availability_rules and specialist_availability_exceptions (seed 002): every
-- member of the organization reads the weekly hours and when providers are away (exceptions:
-- times only, through specialist_availability_exception_times; the reason and notes only
-- owners/admins and the provider themself); a provider manages their own, owners/admins
-- everyone's; members of other organizations and anon see and change nothing; service_role
-- bypasses RLS. Rows always name a provider of the organization and a real time zone.
begin;
select plan(51);

do $$
declare
  v_acme uuid := tests.seed_org('acme');
  v_rival uuid := tests.seed_org('rival');
begin
  perform tests.add_member('acme', 'acme_provider2', 'provider');
  perform tests.seed_weekly_hours(v_acme, tests.uid('acme_provider'), '09:00', '12:00', array[1, 2]);
  perform tests.seed_weekly_hours(v_acme, tests.uid('acme_provider2'), '13:00', '17:00', array[3]);
  perform tests.seed_weekly_hours(v_rival, tests.uid('rival_provider'), '08:00', '10:00', array[1]);
  insert into public.specialist_availability_exceptions (organization_id, specialist_id, exception_date, reason)
  values (v_acme, tests.uid('acme_provider'), current_date + 10, 'vacation'),
         (v_acme, tests.uid('acme_provider2'), current_date + 11, 'training'),
         (v_rival, tests.uid('rival_provider'), current_date + 12, 'conference');
end
$$;

-- availability_rules: select ------------------------------------------------------------------
select tests.act_as('acme_owner');
select is((select count(*)::int from public.availability_rules), 3, 'rules select: the owner sees the organization''s hours');
select tests.act_as('acme_admin');
select is((select count(*)::int from public.availability_rules), 3, 'rules select: an admin sees them');
select tests.act_as('acme_provider');
select is((select count(*)::int from public.availability_rules), 3, 'rules select: a provider sees every provider''s hours');
select tests.act_as('acme_client');
select is((select count(*)::int from public.availability_rules), 3, 'rules select: a client sees them (to pick a time)');
select tests.act_as('rival_client');
select is_empty(format($$select 1 from public.availability_rules where organization_id = %L$$, tests.org_id('acme')),
  'rules select: a client of another organization sees none of them');
select tests.authenticate_as_anon();
select is_empty($$select 1 from public.availability_rules$$, 'rules select: anon sees nothing');
select tests.authenticate_as_service_role();
select is((select count(*)::int from public.availability_rules where organization_id in (tests.org_id('acme'), tests.org_id('rival'))), 4,
  'rules select: service_role sees everything');

-- availability_rules: insert ---------------------------------------------------------------------
select tests.act_as('acme_provider');
select lives_ok(format($$insert into public.availability_rules (organization_id, provider_id, weekday, start_time, end_time) values (%L, %L, 5, '09:00', '13:00')$$,
  tests.org_id('acme'), tests.uid('acme_provider')), 'rules insert: a provider adds their own hours');
select throws_ok(format($$insert into public.availability_rules (organization_id, provider_id, weekday, start_time, end_time) values (%L, %L, 5, '09:00', '13:00')$$,
  tests.org_id('acme'), tests.uid('acme_provider2')), '42501', null, 'rules insert: not for another provider');
select tests.act_as('acme_admin');
select lives_ok(format($$insert into public.availability_rules (organization_id, provider_id, weekday, start_time, end_time, timezone) values (%L, %L, 6, '10:00', '14:00', 'Europe/Lisbon')$$,
  tests.org_id('acme'), tests.uid('acme_provider2')), 'rules insert: an admin sets any provider''s hours (with their own time zone)');
select throws_ok(format($$insert into public.availability_rules (organization_id, provider_id, weekday, start_time, end_time, timezone) values (%L, %L, 6, '10:00', '14:00', 'Mars/Olympus')$$,
  tests.org_id('acme'), tests.uid('acme_provider2')), 'PT400', 'INVALID_REQUEST', 'rules insert: the time zone must be an IANA name');
select throws_ok(format($$insert into public.availability_rules (organization_id, provider_id, weekday, start_time, end_time) values (%L, %L, 6, '10:00', '14:00')$$,
  tests.org_id('acme'), tests.uid('acme_client')), 'PT400', 'INVALID_REQUEST', 'rules insert: hours belong to a provider of the organization, not a client');
select throws_ok(format($$insert into public.availability_rules (organization_id, provider_id, weekday, start_time, end_time) values (%L, %L, 6, '14:00', '10:00')$$,
  tests.org_id('acme'), tests.uid('acme_provider2')), '23514', null, 'rules insert: start before end');
select throws_ok(format($$insert into public.availability_rules (organization_id, provider_id, weekday, start_time, end_time) values (%L, %L, 7, '10:00', '14:00')$$,
  tests.org_id('acme'), tests.uid('acme_provider2')), '23514', null, 'rules insert: weekday 0..6');
select tests.act_as('acme_client');
select throws_ok(format($$insert into public.availability_rules (organization_id, provider_id, weekday, start_time, end_time) values (%L, %L, 5, '09:00', '13:00')$$,
  tests.org_id('acme'), tests.uid('acme_provider')), '42501', null, 'rules insert: a client cannot set hours');
select tests.act_as('rival_client');
select throws_ok(format($$insert into public.availability_rules (organization_id, provider_id, weekday, start_time, end_time) values (%L, %L, 5, '09:00', '13:00')$$,
  tests.org_id('acme'), tests.uid('acme_provider')), '42501', null, 'rules insert: another organization cannot set hours');
select tests.authenticate_as_anon();
select throws_ok(format($$insert into public.availability_rules (organization_id, provider_id, weekday, start_time, end_time) values (%L, %L, 5, '09:00', '13:00')$$,
  tests.org_id('acme'), tests.uid('acme_provider')), '42501', null, 'rules insert: anon cannot set hours');
select tests.authenticate_as_service_role();
select lives_ok(format($$insert into public.availability_rules (organization_id, provider_id, weekday, start_time, end_time) values (%L, %L, 0, '09:00', '13:00')$$,
  tests.org_id('acme'), tests.uid('acme_provider')), 'rules insert: service_role sets hours');

-- availability_rules: update and delete -------------------------------------------------------------
select tests.act_as('acme_provider');
select is(tests.affected_rows($$update public.availability_rules set end_time = '12:30'$$), 4, 'rules update: a provider edits only their own hours');
select tests.act_as('acme_client');
select is(tests.affected_rows($$update public.availability_rules set end_time = '23:00'$$), 0, 'rules update: a client edits nothing');
select tests.act_as('rival_client');
select is(tests.affected_rows($$update public.availability_rules set end_time = '23:00'$$), 0, 'rules update: another organization edits nothing');
select tests.authenticate_as_anon();
select is(tests.affected_rows($$update public.availability_rules set end_time = '23:00'$$), 0, 'rules update: anon edits nothing');
select tests.act_as('acme_admin');
select is(tests.affected_rows($$update public.availability_rules set end_time = '18:00' where weekday = 3$$), 1, 'rules update: an admin edits any provider''s hours');
select tests.act_as('acme_provider');
select is(tests.affected_rows($$delete from public.availability_rules where weekday = 3$$), 0, 'rules delete: not another provider''s hours');
select is(tests.affected_rows($$delete from public.availability_rules where weekday = 5$$), 1, 'rules delete: a provider deletes their own');
select tests.act_as('acme_client');
select is(tests.affected_rows($$delete from public.availability_rules$$), 0, 'rules delete: a client deletes nothing');
select tests.act_as('acme_owner');
select is(tests.affected_rows($$delete from public.availability_rules where weekday = 3$$), 1, 'rules delete: the owner deletes any');

-- specialist_availability_exceptions ------------------------------------------------------------------
select tests.act_as('acme_client');
select is_empty($$select 1 from public.specialist_availability_exceptions$$,
  'exceptions select: a client does not read why a provider is away (reason, notes) ...');
select results_eq($$select specialist_id, exception_date, all_day from public.specialist_availability_exception_times order by exception_date$$,
  $$values (tests.uid('acme_provider'), current_date + 10, true), (tests.uid('acme_provider2'), current_date + 11, true)$$,
  '... only when: specialist_availability_exception_times, every exception of the organization');
select hasnt_column('public', 'specialist_availability_exception_times', 'reason', 'exceptions: the times view has no reason ...');
select hasnt_column('public', 'specialist_availability_exception_times', 'notes', '... and no notes');
select tests.act_as('acme_provider2');
select results_eq($$select reason from public.specialist_availability_exceptions$$, $$values ('training'::text)$$,
  'exceptions select: a provider reads their own exceptions with the reason, not the other providers''');
select is((select count(*)::int from public.specialist_availability_exception_times), 2, 'exceptions select: ... and every exception''s times');
select tests.act_as('acme_admin');
select is((select count(*)::int from public.specialist_availability_exceptions), 2, 'exceptions select: an admin reads them all, reasons included');
select tests.act_as('rival_client');
select is((select count(*)::int from public.specialist_availability_exceptions), 0, 'exceptions select: a client of another organization reads none');
select results_eq($$select specialist_id from public.specialist_availability_exception_times$$, $$values (tests.uid('rival_provider'))$$,
  'exceptions select: the times view shows only the caller''s own organizations');
select is((select count(*)::int from private.visible_exception_times() where organization_id = tests.org_id('acme')), 0,
  'exceptions select: called directly, the view''s function reveals no more (nothing of acme to rival''s client)');
select tests.authenticate_as_anon();
select is_empty($$select 1 from public.specialist_availability_exceptions$$, 'exceptions select: anon sees nothing');
select throws_ok($$select 1 from public.specialist_availability_exception_times$$, '42501', null, 'exceptions select: anon cannot read the times view');
select tests.act_as('acme_provider');
select lives_ok(format($$insert into public.specialist_availability_exceptions (organization_id, specialist_id, exception_date, reason, all_day, start_time, end_time) values (%L, %L, current_date + 20, 'personal', false, '14:00', '15:30')$$,
  tests.org_id('acme'), tests.uid('acme_provider')), 'exceptions insert: a provider blocks part of their own day');
select throws_ok(format($$insert into public.specialist_availability_exceptions (organization_id, specialist_id, exception_date, reason) values (%L, %L, current_date + 20, 'vacation')$$,
  tests.org_id('acme'), tests.uid('acme_provider2')), '42501', null, 'exceptions insert: not for another provider');
select throws_ok(format($$insert into public.specialist_availability_exceptions (organization_id, specialist_id, exception_date, reason, all_day) values (%L, %L, current_date + 21, 'personal', false)$$,
  tests.org_id('acme'), tests.uid('acme_provider')), '23514', null, 'exceptions insert: a partial exception needs start < end');
select throws_ok(format($$insert into public.specialist_availability_exceptions (organization_id, specialist_id, exception_date, reason) values (%L, %L, current_date + 21, 'holiday')$$,
  tests.org_id('acme'), tests.uid('acme_provider')), '23514', null, 'exceptions insert: the reason is one of the seed''s');
select is(tests.affected_rows($$update public.specialist_availability_exceptions set reason = 'sick_leave'$$), 2, 'exceptions update: a provider edits their own only');
select is(tests.affected_rows($$delete from public.specialist_availability_exceptions where reason = 'training'$$), 0, 'exceptions delete: not another provider''s');
select tests.act_as('acme_client');
select throws_ok(format($$insert into public.specialist_availability_exceptions (organization_id, specialist_id, exception_date, reason) values (%L, %L, current_date + 20, 'vacation')$$,
  tests.org_id('acme'), tests.uid('acme_provider')), '42501', null, 'exceptions insert: a client cannot block a provider');
select is(tests.affected_rows($$update public.specialist_availability_exceptions set reason = 'other'$$), 0, 'exceptions update: a client edits nothing');
select tests.act_as('rival_client');
select is(tests.affected_rows($$delete from public.specialist_availability_exceptions where organization_id <> tests.org_id('rival')$$), 0,
  'exceptions delete: another organization deletes nothing');
select tests.authenticate_as_anon();
select throws_ok(format($$insert into public.specialist_availability_exceptions (organization_id, specialist_id, exception_date, reason) values (%L, %L, current_date + 20, 'vacation')$$,
  tests.org_id('acme'), tests.uid('acme_provider')), '42501', null, 'exceptions insert: anon cannot');
select tests.act_as('acme_admin');
select is(tests.affected_rows($$delete from public.specialist_availability_exceptions where reason = 'training'$$), 1, 'exceptions delete: an admin deletes any');
select tests.authenticate_as_service_role();
select is(tests.affected_rows(format($$delete from public.specialist_availability_exceptions where organization_id = %L$$, tests.org_id('acme'))), 2,
  'exceptions delete: service_role deletes any');

select * from finish();
rollback;
