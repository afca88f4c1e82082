-- Organization closures (issue 14): a holiday or a closed afternoon blocks every provider of the
-- organization in slot search and on every booking path (1-to-1 bookings, staff-scheduled
-- sessions, joining a workshop, treatments, reschedules, the recurring dispatcher), with
-- ORGANIZATION_CLOSED (PT422). Owners/admins write closures, every member reads them.
begin;
select plan(57);

do $$
declare
  v_acme uuid := tests.seed_org('acme', 'Europe/Berlin');
begin
  perform tests.seed_org('rival', 'Europe/Berlin');
  perform tests.add_member('acme', 'acme_provider2', 'provider');
  perform tests.seed_weekly_hours(v_acme, tests.uid('acme_provider'));
  perform tests.seed_weekly_hours(v_acme, tests.uid('acme_provider2'));
  perform tests.seed_weekly_hours(tests.org_id('rival'), tests.uid('rival_provider'));
  perform tests.remember('physio', tests.seed_bookable_service(v_acme, 'Physio', 60));
  perform tests.remember('yoga', tests.seed_bookable_service(v_acme, 'Yoga', 60, 10));
  perform tests.remember('rival_physio', tests.seed_bookable_service(tests.org_id('rival'), 'Physio', 60));
  perform tests.remember('implant', tests.seed_treatment_service(v_acme, 'Implant', 3, 'immediate', '{"default_days": 1}'));
  -- scheduled before anyone knew of the closures
  perform tests.remember('holiday_class', tests.seed_group_session(tests.ref('yoga'), tests.slot(0, '18:00', 'Europe/Berlin'), 10));
  perform tests.remember('open_class', tests.seed_group_session(tests.ref('yoga'), tests.slot(2, '18:00', 'Europe/Berlin'), 10));
  perform tests.remember('moving', tests.seed_booking(tests.ref('physio'), tests.uid('acme_client'), tests.slot(2, '10:00', 'Europe/Berlin')));
  perform tests.remember('class_booking', (private.join_service_session(tests.ref('open_class'), tests.uid('acme_client'))).id);
end
$$;

-- who closes ---------------------------------------------------------------------------------
select tests.act_as('acme_owner');
select results_eq(
  $$select starts_at, ends_at, reason, created_by
    from public.create_organization_closure(tests.org_id('acme'), ' Public holiday ', p_date => (tests.next_weekday(1) + 0)) c$$,
  $$values (tests.slot(0, '00:00', 'Europe/Berlin'), tests.slot(1, '00:00', 'Europe/Berlin'), 'Public holiday'::text, tests.uid('acme_owner'))$$,
  'create_organization_closure: a local date closes that whole day in the organization''s time zone');
select tests.act_as('acme_admin');
select results_eq(
  $$select starts_at, ends_at
    from public.create_organization_closure(tests.org_id('acme'), 'Team meeting', p_date => (tests.next_weekday(1) + 1),
                                            p_start_time => '12:00', p_end_time => '14:00') c$$,
  $$values (tests.slot(1, '12:00', 'Europe/Berlin'), tests.slot(1, '14:00', 'Europe/Berlin'))$$,
  'create_organization_closure: an admin closes part of a day (local times)');
select tests.act_as('acme_provider');
select throws_ok(format($$select public.create_organization_closure(%L, 'Mine', %L, %L)$$, tests.org_id('acme'),
                        tests.slot(3, '09:00'), tests.slot(3, '10:00')),
  'PT403', 'FORBIDDEN', 'create_organization_closure: a provider cannot close the organization');
select tests.act_as('acme_client');
select throws_ok(format($$select public.create_organization_closure(%L, 'Mine', %L, %L)$$, tests.org_id('acme'),
                        tests.slot(3, '09:00'), tests.slot(3, '10:00')),
  'PT403', 'FORBIDDEN', 'create_organization_closure: a client cannot close the organization');
select tests.act_as('rival_owner');
select throws_ok(format($$select public.create_organization_closure(%L, 'Sabotage', %L, %L)$$, tests.org_id('acme'),
                        tests.slot(3, '09:00'), tests.slot(3, '10:00')),
  'PT404', 'NOT_FOUND', 'create_organization_closure: NOT_FOUND for another organization''s owner');
select tests.act_as_signed_out();
select throws_ok(format($$select public.create_organization_closure(%L, 'x', %L, %L)$$, tests.org_id('acme'),
                        tests.slot(3, '09:00'), tests.slot(3, '10:00')),
  'PT401', 'UNAUTHORIZED', 'create_organization_closure: UNAUTHORIZED without a user');
select tests.authenticate_as_anon();
select throws_ok(format($$select public.create_organization_closure(%L, 'x', %L, %L)$$, tests.org_id('acme'),
                        tests.slot(3, '09:00'), tests.slot(3, '10:00')),
  '42501', null, 'create_organization_closure: anon may not call it');
select tests.authenticate_as_service_role();
select lives_ok(format($$select public.create_organization_closure(%L, 'Inventory', %L, %L)$$, tests.org_id('rival'),
                       tests.slot(0, '00:00', 'Europe/Berlin'), tests.slot(7, '00:00', 'Europe/Berlin')),
  'create_organization_closure: service_role closes an organization (here: the rival, for a whole week)');

-- bad requests ---------------------------------------------------------------------------------
select tests.act_as('acme_owner');
select throws_ok(format($$select public.create_organization_closure(%L, 'x', %L, %L, %L)$$, tests.org_id('acme'),
                        tests.slot(3, '09:00'), tests.slot(3, '10:00'), (tests.next_weekday(1) + 3)),
  'PT400', 'INVALID_REQUEST', 'create_organization_closure: a range or a local date, not both');
select throws_ok(format($$select public.create_organization_closure(%L, 'x', %L, %L)$$, tests.org_id('acme'),
                        tests.slot(3, '10:00'), tests.slot(3, '09:00')),
  'PT400', 'INVALID_REQUEST', 'create_organization_closure: it ends after it starts');
select is((tests.error_of(format($$select public.create_organization_closure(%L, '  ', %L, %L)$$, tests.org_id('acme'),
                                 tests.slot(3, '09:00'), tests.slot(3, '10:00'))) ->> 'hint'),
  'p_reason', 'create_organization_closure: a reason is required (hint p_reason)');
select throws_ok(format($$select public.create_organization_closure(%L, 'Last year', %L, %L)$$, tests.org_id('acme'),
                        now() - interval '3 days', now() - interval '2 days'),
  'PT400', 'INVALID_REQUEST', 'create_organization_closure: a closure ends in the future');
select throws_ok(format($$select public.create_organization_closure(%L, 'Forever', %L, 'infinity')$$, tests.org_id('acme'),
                        tests.slot(3, '09:00')),
  'PT400', 'INVALID_REQUEST', 'create_organization_closure: infinite ends are refused');
select throws_ok(format($$select public.create_organization_closure(%L, 'x', p_date => %L, p_end_date => %L)$$, tests.org_id('acme'),
                        (tests.next_weekday(1) + 3), (tests.next_weekday(1) + 2)),
  'PT400', 'INVALID_REQUEST', 'create_organization_closure: p_end_date is not before p_date');
select throws_ok(format($$select public.create_organization_closure(%L, 'x', %L, %L)$$, tests.org_id('acme'),
                        tests.slot(3, '09:00'), tests.slot(3, '09:00') + interval '400 days'),
  'PT400', 'INVALID_REQUEST', 'create_organization_closure: at most 366 days');

-- slot search -----------------------------------------------------------------------------------
select tests.act_as('acme_client');
select is_empty(
  format($$select * from public.get_available_slots(%L, %L, %L, %L)$$, tests.uid('acme_provider'), tests.ref('physio'),
         (tests.next_weekday(1) + 0), (tests.next_weekday(1) + 0)),
  'slots: nothing on a closed day');
select results_eq(
  format($$select to_char(starts_at at time zone 'Europe/Berlin', 'HH24:MI') from public.get_available_slots(%L, %L, %L, %L)$$,
         tests.uid('acme_provider2'), tests.ref('physio'),
         (tests.next_weekday(1) + 1), (tests.next_weekday(1) + 1)),
  $$values ('09:00'), ('10:00'), ('11:00'), ('14:00'), ('15:00'), ('16:00')$$,
  'slots: every provider loses the closed hours of a partly closed day');
select tests.act_as('rival_client');
select is_empty(
  format($$select * from public.get_available_slots(%L, %L, %L, %L)$$, tests.uid('rival_provider'), tests.ref('rival_physio'),
         (tests.next_weekday(1) + 3), (tests.next_weekday(1) + 3)),
  'slots: the rival''s own closure blocks the rival');
select tests.act_as('acme_client');
select isnt_empty(
  format($$select * from public.get_available_slots(%L, %L, %L, %L)$$, tests.uid('acme_provider'), tests.ref('physio'),
         (tests.next_weekday(1) + 3), (tests.next_weekday(1) + 3)),
  'slots: another organization''s closure does not touch ours');

-- every booking path -----------------------------------------------------------------------------
select throws_ok(format($$select public.book_individual_session(%L, %L, %L)$$, tests.ref('physio'), tests.uid('acme_provider'),
                        tests.slot(0, '10:00', 'Europe/Berlin')),
  'PT422', 'ORGANIZATION_CLOSED', 'book_individual_session: ORGANIZATION_CLOSED on a closed day');
select matches(tests.error_of(format($$select public.book_individual_session(%L, %L, %L)$$, tests.ref('physio'), tests.uid('acme_provider2'),
                                     tests.slot(1, '13:00', 'Europe/Berlin'))) ->> 'detail',
  'closed from .* 12:00 to .* 14:00 \(Europe/Berlin\): Team meeting', 'book_individual_session: the detail names the closure in local time');
select throws_ok(format($$select public.book_individual_session(%L, %L, %L)$$, tests.ref('physio'), tests.uid('acme_provider2'),
                        tests.slot(1, '11:30', 'Europe/Berlin')),
  'PT422', 'ORGANIZATION_CLOSED', 'book_individual_session: a session reaching into the closure is refused');
select lives_ok(format($$select public.book_individual_session(%L, %L, %L)$$, tests.ref('physio'), tests.uid('acme_provider2'),
                       tests.slot(1, '11:00', 'Europe/Berlin')),
  'book_individual_session: a session ending when the closure starts is fine');
select throws_ok(
  format($$insert into public.bookings (organization_id, client_id, provider_id, service_id, start_time, end_time) values (%L, %L, %L, %L, %L, %L)$$,
         tests.org_id('acme'), tests.uid('acme_client'), tests.uid('acme_provider'), tests.ref('physio'),
         tests.slot(0, '15:00', 'Europe/Berlin'), tests.slot(0, '16:00', 'Europe/Berlin')),
  'PT422', 'ORGANIZATION_CLOSED', 'a legacy direct insert into bookings is refused the same way');
select throws_ok(format($$select public.book_session(%L)$$, tests.ref('holiday_class')),
  'PT422', 'ORGANIZATION_CLOSED', 'book_session: nobody joins a class scheduled before the closure');
select throws_ok(format($$select public.reschedule_booking(%L, %L)$$, tests.ref('moving'), tests.slot(0, '11:00', 'Europe/Berlin')),
  'PT422', 'ORGANIZATION_CLOSED', 'reschedule_booking: a 1-to-1 booking cannot move into a closure');
select throws_ok(format($$select public.reschedule_booking(%L, %L)$$, tests.ref('class_booking'), tests.slot(0, '18:00', 'Europe/Berlin')),
  'PT422', 'ORGANIZATION_CLOSED', 'reschedule_booking: a class booking cannot move to a class inside a closure');
select throws_ok(format($$select public.book_treatment(%L, %L, %L)$$, tests.ref('implant'), tests.uid('acme_provider'),
                        tests.slot(6, '10:00', 'Europe/Berlin') - interval '7 days'),
  'PT422', 'ORGANIZATION_CLOSED', 'book_treatment: a session of the treatment on the closed day books nothing');
select matches(tests.error_of(format($$select public.book_treatment(%L, %L, %L)$$, tests.ref('implant'), tests.uid('acme_provider'),
                                     tests.slot(6, '10:00', 'Europe/Berlin') - interval '7 days')) ->> 'detail',
  '^Session 2 of 3', 'book_treatment: the detail names the session');
select tests.act_as('acme_provider');
select throws_ok(format($$select public.create_service_session(%L, %L, %L)$$, tests.ref('yoga'), tests.uid('acme_provider'),
                        tests.slot(0, '19:30', 'Europe/Berlin')),
  'PT422', 'ORGANIZATION_CLOSED', 'create_service_session: staff cannot schedule in a closure');
select throws_ok(
  format($$insert into public.service_sessions (organization_id, service_id, provider_id, starts_at, ends_at, max_participants) values (%L, %L, %L, %L, %L, 5)$$,
         tests.org_id('acme'), tests.ref('yoga'), tests.uid('acme_provider'), tests.slot(1, '12:30', 'Europe/Berlin'), tests.slot(1, '13:30', 'Europe/Berlin')),
  'PT422', 'ORGANIZATION_CLOSED', 'a direct insert into service_sessions is refused the same way');
select throws_ok(format($$update public.service_sessions set starts_at = %L, ends_at = %L where id = %L$$,
                        tests.slot(0, '17:00', 'Europe/Berlin'), tests.slot(0, '18:00', 'Europe/Berlin'), tests.ref('open_class')),
  'PT422', 'ORGANIZATION_CLOSED', 'moving a session into a closure is refused');
select tests.clear_authentication();

-- the recurring dispatcher, set-based and one by one ---------------------------------------------
do $$
begin
  perform tests.remember('series', tests.seed_series(tests.org_id('acme'), 'acme_client', 'acme_provider', tests.ref('physio'),
                                                   'weekly', (tests.next_weekday(1) + 0), '09:00', null, 'Europe/Berlin'));
  perform set_config('tests.fast', tests.dispatch_series(tests.next_weekday(1) + 0, tests.ref('series'), true) -> 'errors' ->> 0, true);
end
$$;
select is(current_setting('tests.fast'), 'ORGANIZATION_CLOSED', 'dispatcher: the occurrence on the closed day fails with ORGANIZATION_CLOSED');
select is((select count(*)::int from public.bookings where recurring_booking_id = tests.ref('series')), 0,
  'dispatcher: nothing is booked on the closed day');
update public.recurring_bookings set next_booking_date = start_date where id = tests.ref('series');
select is(tests.dispatch_series(tests.next_weekday(1) + 0, tests.ref('series'), false) -> 'errors' ->> 0, 'ORGANIZATION_CLOSED',
  'dispatcher: one by one, the same answer');

-- what the closure hits ---------------------------------------------------------------------------
do $$
begin
  perform tests.remember('holiday', (select id from public.organization_closures where reason = 'Public holiday'));
end
$$;
select tests.act_as('acme_admin');
select results_eq(
  $$select service_session_id, live_bookings from public.organization_closure_conflicts(
      (select id from public.organization_closures where reason = 'Public holiday'))$$,
  $$values (tests.ref('holiday_class'), 0)$$,
  'organization_closure_conflicts: the class scheduled on the holiday');
select tests.act_as('acme_provider');
select throws_ok($$select * from public.organization_closure_conflicts((select id from public.organization_closures where reason = 'Public holiday'))$$,
  'PT403', 'FORBIDDEN', 'organization_closure_conflicts: owners and admins only');
select tests.act_as('rival_owner');
select throws_ok(format($$select * from public.organization_closure_conflicts(%L)$$, tests.ref('holiday')),
  'PT404', 'NOT_FOUND', 'organization_closure_conflicts: NOT_FOUND for another organization');
select tests.authenticate_as_anon();
select throws_ok(format($$select * from public.organization_closure_conflicts(%L)$$, gen_random_uuid()),
  '42501', null, 'organization_closure_conflicts: anon may not call it');

-- reading and writing the table -------------------------------------------------------------------
select tests.act_as('acme_client');
select results_eq($$select reason from public.organization_closures order by starts_at$$,
  $$values ('Public holiday'::text), ('Team meeting'::text)$$, 'RLS: a client reads the organization''s closures');
select is(tests.affected_rows($$update public.organization_closures set reason = 'Party'$$), 0, 'RLS: a client changes no closure');
select throws_ok(format($$insert into public.organization_closures (organization_id, starts_at, ends_at, reason) values (%L, %L, %L, 'x')$$,
                        tests.org_id('acme'), tests.slot(4, '09:00'), tests.slot(4, '10:00')),
  '42501', null, 'RLS: a client inserts no closure');
select tests.act_as('acme_provider');
select is((select count(*)::int from public.organization_closures), 2, 'RLS: a provider reads the closures');
select is(tests.affected_rows($$delete from public.organization_closures$$), 0, 'RLS: a provider deletes no closure');
select tests.act_as('rival_owner');
select results_eq($$select reason from public.organization_closures$$, $$values ('Inventory'::text)$$,
  'RLS: another organization reads only its own closures');
select tests.authenticate_as_anon();
select is((select count(*)::int from public.organization_closures), 0, 'RLS: anon reads no closure');
select tests.act_as('acme_admin');
select lives_ok(format($$insert into public.organization_closures (organization_id, starts_at, ends_at, reason) values (%L, %L, %L, 'Staff day')$$,
                       tests.org_id('acme'), tests.slot(4, '09:00'), tests.slot(4, '10:00')),
  'direct writes: an admin inserts a closure');
select is((select created_by from public.organization_closures where reason = 'Staff day'), tests.uid('acme_admin'),
  'direct writes: created_by is the writer');
select throws_ok(format($$insert into public.organization_closures (organization_id, starts_at, ends_at, reason) values (%L, %L, %L, 'Old')$$,
                        tests.org_id('acme'), now() - interval '2 days', now() - interval '1 day'),
  'PT400', 'INVALID_REQUEST', 'direct writes: a closure in the past is refused with the contract code');
select throws_ok(format($$insert into public.organization_closures (organization_id, starts_at, ends_at, reason) values (%L, %L, %L, 'Backwards')$$,
                        tests.org_id('acme'), tests.slot(4, '10:00'), tests.slot(4, '09:00')),
  'PT400', 'INVALID_REQUEST', 'direct writes: a closure ending before it starts is refused');
select throws_ok($$update public.organization_closures set organization_id = tests.org_id('rival') where reason = 'Staff day'$$,
  'PT400', 'INVALID_REQUEST', 'direct writes: a closure cannot be handed to another organization');
select throws_ok($$update public.organization_closures set created_by = tests.uid('acme_owner') where reason = 'Staff day'$$,
  'PT400', 'INVALID_REQUEST', 'direct writes: created_by is fixed');
select is(tests.affected_rows($$update public.organization_closures set reason = 'Staff training' where reason = 'Staff day'$$), 1,
  'direct writes: an admin renames a closure');
select is(tests.affected_rows($$delete from public.organization_closures where reason = 'Staff training'$$), 1,
  'direct writes: an admin deletes a closure');
select tests.clear_authentication();
select results_eq(
  $$select topic from public.outbox_events where organization_id = tests.org_id('acme') and topic like 'organization.closure_%' order by id$$,
  $$values ('organization.closure_created'::text), ('organization.closure_created'), ('organization.closure_created'),
           ('organization.closure_changed'), ('organization.closure_deleted')$$,
  'every write of a closure is announced in the outbox');
select is((select count(*)::int from public.audit_log where organization_id = tests.org_id('acme') and action like 'organization_closure.%'), 5,
  'every write of a closure is audited');

-- deleting the closure opens the day again --------------------------------------------------------
delete from public.organization_closures where reason = 'Public holiday';
select tests.act_as('acme_client');
select lives_ok(format($$select public.book_individual_session(%L, %L, %L)$$, tests.ref('physio'), tests.uid('acme_provider'),
                       tests.slot(0, '10:00', 'Europe/Berlin')),
  'after the closure is deleted the day can be booked');
select tests.clear_authentication();

select * from finish();
rollback;
