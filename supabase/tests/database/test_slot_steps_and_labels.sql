-- Slot steps and treatment session labels (issue 14).
--  * services.slot_step_minutes: a 60-minute session offered every 15 or 30 minutes (null = every
--    60), laid out from the start of each available window; booking paths take any free start
--    (the step shapes what is offered, the rules decide what is bookable: docs/scheduling.md).
--  * services.session_labels: one name per treatment session, shown by the schedule preview,
--    book_treatment, treatment_progress, bookings (computed field session_label) and the
--    treatment.next_session_due event.
begin;
select plan(29);

do $$
declare
  v_acme uuid := tests.seed_org('acme', 'Europe/Berlin');
begin
  perform tests.seed_org('rival');
  perform tests.seed_weekly_hours(v_acme, tests.uid('acme_provider'), '09:00', '12:00');
  perform tests.remember('physio', tests.seed_bookable_service(v_acme, 'Physio', 60));
  perform tests.remember('implant', tests.seed_treatment_service(v_acme, 'Dental Implant', 3, 'sequential', '{"gaps_days": [14, 31]}'));
  update public.services
  set session_labels = array['Initial Consultation & Implant Placement', 'Healing Check', 'Crown Placement']
  where id = tests.ref('implant');
  perform tests.remember('unnamed', tests.seed_treatment_service(v_acme, 'Knee Rehab', 2, 'flexible'));
end
$$;

-- slot steps ------------------------------------------------------------------------------------------
select tests.act_as('acme_client');
select results_eq(
  format($$select to_char(starts_at at time zone 'Europe/Berlin', 'HH24:MI') from public.get_available_slots(%L, %L, %L, %L)$$,
         tests.uid('acme_provider'), tests.ref('physio'), tests.next_weekday(1), tests.next_weekday(1)),
  $$values ('09:00'), ('10:00'), ('11:00')$$,
  'slot step: without one, a slot every session length');
select tests.act_as('acme_admin');
select is(tests.affected_rows(format($$update public.services set slot_step_minutes = 30 where id = %L$$, tests.ref('physio'))), 1,
  'slot step: an admin offers the 60-minute service every 30 minutes');
select tests.act_as('acme_client');
select results_eq(
  format($$select to_char(starts_at at time zone 'Europe/Berlin', 'HH24:MI'), to_char(ends_at at time zone 'Europe/Berlin', 'HH24:MI')
           from public.get_available_slots(%L, %L, %L, %L)$$,
         tests.uid('acme_provider'), tests.ref('physio'), tests.next_weekday(1), tests.next_weekday(1)),
  $$values ('09:00', '10:00'), ('09:30', '10:30'), ('10:00', '11:00'), ('10:30', '11:30'), ('11:00', '12:00')$$,
  'slot step: every 30 minutes, each slot as long as the session, the last one ending with the window');
select lives_ok(format($$select public.book_individual_session(%L, %L, %L)$$, tests.ref('physio'), tests.uid('acme_provider'),
                       tests.slot(0, '09:30', 'Europe/Berlin')),
  'slot step: the client books 09:30');
select results_eq(
  format($$select to_char(starts_at at time zone 'Europe/Berlin', 'HH24:MI') from public.get_available_slots(%L, %L, %L, %L)$$,
         tests.uid('acme_provider'), tests.ref('physio'), tests.next_weekday(1), tests.next_weekday(1)),
  $$values ('10:30'), ('11:00')$$,
  'slot step: the booking takes every slot it overlaps');
select lives_ok(format($$select public.book_individual_session(%L, %L, %L)$$, tests.ref('physio'), tests.uid('acme_provider'),
                       tests.slot(1, '09:10', 'Europe/Berlin')),
  'slot step: a start off the step is still bookable when free (the step shapes the offer, not the rules)');
select tests.act_as('acme_admin');
select throws_ok(format($$update public.services set slot_step_minutes = 4 where id = %L$$, tests.ref('physio')),
  '23514', null, 'slot step: at least 5 minutes');
select throws_ok(format($$update public.services set slot_step_minutes = 1441 where id = %L$$, tests.ref('physio')),
  '23514', null, 'slot step: at most a day');
select tests.act_as('acme_client');
select is(tests.affected_rows(format($$update public.services set slot_step_minutes = 15 where id = %L$$, tests.ref('physio'))), 0,
  'slot step: a client cannot change it (RLS)');
select tests.clear_authentication();

-- session labels: the checks -------------------------------------------------------------------------
select throws_ok(format($$update public.services set session_labels = array['One', 'Two'] where id = %L$$, tests.ref('implant')),
  '23514', null, 'labels: one per session (not fewer)');
select throws_ok(format($$update public.services set session_labels = array['One', '  ', 'Three'] where id = %L$$, tests.ref('implant')),
  '23514', null, 'labels: none blank');
select throws_ok(format($$update public.services set session_labels = array['One', null, 'Three'] where id = %L$$, tests.ref('implant')),
  '23514', null, 'labels: none null');
select throws_ok(format($$update public.services set session_labels = array['One', repeat('x', 201), 'Three'] where id = %L$$, tests.ref('implant')),
  '23514', null, 'labels: at most 200 characters each');
select throws_ok(format($$update public.services set total_sessions_required = 4 where id = %L$$, tests.ref('implant')),
  '23514', null, 'labels: the number of sessions changes together with the labels');

-- where they appear -----------------------------------------------------------------------------------
select tests.act_as('acme_client');
select results_eq(
  format($$select session_number, session_label from public.preview_treatment_schedule(%L, %L)$$, tests.ref('implant'), tests.slot(0, '10:00', 'Europe/Berlin')),
  $$values (1, 'Initial Consultation & Implant Placement'::text), (2, 'Healing Check'::text), (3, 'Crown Placement'::text)$$,
  'preview_treatment_schedule: every session with its label');
select results_eq(
  format($$select session_number, session_label from public.preview_treatment_schedule(%L, %L)$$, tests.ref('unnamed'), tests.slot(0, '10:00', 'Europe/Berlin')),
  $$values (1, null::text), (2, null::text)$$,
  'preview_treatment_schedule: unnamed sessions have no label');
do $$
begin
  perform tests.remember('group', (public.book_treatment(tests.ref('implant'), tests.uid('acme_provider'), tests.slot(0, '11:00', 'Europe/Berlin')) ->> 'session_group_id')::uuid);
end
$$;
select is(
  (select e.payload -> 'bookings' -> 0 ->> 'session_label' from public.outbox_events e where e.topic = 'treatment.booked' and e.payload ->> 'session_group_id' = tests.ref('group')::text),
  null, 'outbox: a client reads no event (the labels reach them through notifications)');
select results_eq(
  $$select b.session_number, public.session_label(b) from public.bookings b where b.session_group_id = tests.ref('group')$$,
  $$values (1, 'Initial Consultation & Implant Placement'::text)$$,
  'bookings: the computed field session_label names the client''s session');
select results_eq(
  $$select p ->> 'next_session_label', p -> 'session_labels' ->> 2 from public.treatment_progress(tests.ref('group')) p$$,
  $$values ('Healing Check'::text, 'Crown Placement'::text)$$,
  'treatment_progress: the next session''s label and all of them');
select matches(public.treatment_progress(tests.ref('group')) ->> 'message', 'Next: session 2 \(Healing Check\)\.$',
  'treatment_progress: the message names the next session');
select tests.act_as('acme_provider');
select is((select public.session_label(b) from public.bookings b where b.session_group_id = tests.ref('group')),
  'Initial Consultation & Implant Placement', 'bookings: the provider reads the label too');
select tests.act_as('rival_owner');
select is_empty($$select public.session_label(b) from public.bookings b where b.session_group_id = tests.ref('group')$$,
  'bookings: another organization reads nothing');
select tests.authenticate_as_anon();
select throws_ok($$select public.session_label(null::public.bookings)$$, '42501', null, 'session_label: anon may not call it');
select tests.authenticate_as_service_role();
select results_eq(
  $$select e.payload -> 'bookings' -> 0 ->> 'session_label' from public.outbox_events e
    where e.topic = 'treatment.booked' and e.payload ->> 'session_group_id' = tests.ref('group')::text$$,
  $$values ('Initial Consultation & Implant Placement'::text)$$,
  'book_treatment: treatment.booked carries the label of each session booked');
select is((select count(*)::int from public.bookings b where b.session_group_id = tests.ref('group') and public.session_label(b) is not null), 1,
  'session_label: service_role reads it');

-- completing session 1: treatment.next_session_due names the sessions ---------------------------------
select tests.clear_authentication();
do $$
begin
  perform tests.move_session((select service_session_id from public.bookings where session_group_id = tests.ref('group')), now() - interval '2 hours');
end
$$;
select tests.act_as('acme_provider');
select lives_ok(format($$select public.complete_booking(%L)$$, (select id from public.bookings where session_group_id = tests.ref('group'))),
  'the provider completes session 1');
select tests.clear_authentication();
select results_eq(
  $$select payload ->> 'completed_session_label', payload ->> 'next_session_label' from public.outbox_events
    where topic = 'treatment.next_session_due' and payload ->> 'session_group_id' = tests.ref('group')::text$$,
  $$values ('Initial Consultation & Implant Placement'::text, 'Healing Check'::text)$$,
  'treatment.next_session_due: the completed and the next session by name');
select matches(
  (select payload ->> 'message' from public.outbox_events where topic = 'treatment.next_session_due' and payload ->> 'session_group_id' = tests.ref('group')::text),
  'When would you like to schedule session 2 \(Healing Check\)\?$',
  'treatment.next_session_due: the message asks for the next session by name');
select tests.act_as('acme_client');
select is(public.treatment_progress(tests.ref('group')) ->> 'next_session_label', 'Healing Check',
  'treatment_progress: still the healing check next');
select tests.clear_authentication();

select * from finish();
rollback;
