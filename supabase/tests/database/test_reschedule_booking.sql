-- reschedule_booking (1-to-1: the session moves under every booking rule; workshop: the booking
-- moves to the session of the same service at the new time), complete_booking and
-- mark_no_show: success paths and every error code.
begin;
select plan(46);

do $$
declare
  v_acme uuid := tests.seed_org('acme');
  v_physio uuid;
  v_yoga uuid;
begin
  perform tests.seed_org('rival');
  perform tests.add_member('acme', 'acme_client2', 'client');
  perform tests.add_member('acme', 'acme_provider2', 'provider');
  v_physio := tests.seed_bookable_service(v_acme, 'Physio', 60);
  v_yoga := tests.seed_bookable_service(v_acme, 'Yoga', 60, 2);
  perform tests.remember('physio', v_physio);
  perform tests.seed_weekly_hours(v_acme, tests.uid('acme_provider'));
  perform tests.remember('b1', tests.seed_booking(v_physio, tests.uid('acme_client'), tests.slot(0, '09:00')));
  perform tests.remember('b2', tests.seed_booking(v_physio, tests.uid('acme_client2'), tests.slot(0, '11:00')));
  perform tests.remember('b_started', tests.seed_booking(v_physio, tests.uid('acme_client'), date_trunc('minute', now()) - interval '30 minutes'));
  perform tests.remember('b_started2', tests.seed_booking(v_physio, tests.uid('acme_client2'), date_trunc('minute', now()) - interval '3 hours'));
  perform tests.remember('b_future', tests.seed_booking(v_physio, tests.uid('acme_client'), tests.slot(3, '09:00')));
  perform tests.remember('b_cancel', tests.seed_booking(v_physio, tests.uid('acme_client'), tests.slot(3, '11:00')));
  perform tests.remember('b_other', tests.seed_booking(v_physio, tests.uid('acme_client'), tests.slot(4, '09:00'), tests.uid('acme_provider2')));
  -- a legacy booking as a legacy database holds it before the service_sessions backfill and the
  -- contract (simulated: the NOT NULL and the legacy-insert trigger are lifted for the test)
  alter table public.bookings alter column service_session_id drop not null;
  alter table public.bookings disable trigger bookings_legacy_insert;
  insert into public.bookings (organization_id, client_id, provider_id, service_id, start_time, end_time, status)
  values (v_acme, tests.uid('acme_client'), tests.uid('acme_provider'), v_physio, tests.slot(5, '09:00'), tests.slot(5, '10:00'), 'confirmed')
  returning id into strict v_physio;
  alter table public.bookings enable trigger bookings_legacy_insert;
  perform tests.remember('b_legacy', v_physio);
  perform tests.remember('y1', tests.seed_group_session(v_yoga, tests.slot(0, '18:00'), 2));
  perform tests.remember('y2', tests.seed_group_session(v_yoga, tests.slot(1, '18:00'), 2));
  perform tests.remember('y3', tests.seed_group_session(v_yoga, tests.slot(2, '18:00'), 1));
  perform tests.remember('b_seat', (public.book_session(tests.ref('y1'), p_client_id => tests.uid('acme_client'))).id);
  perform public.book_session(tests.ref('y3'), p_client_id => tests.uid('acme_client2'));
  perform public.cancel_booking(tests.ref('b_cancel'), 'Changed plans');
end
$$;

-- reschedule a 1-to-1 booking ----------------------------------------------------------------
select tests.act_as('acme_client');
select results_eq(
  $$select start_time, end_time from public.reschedule_booking(tests.ref('b1'), tests.slot(0, '13:00'))$$,
  $$values (tests.slot(0, '13:00'), tests.slot(0, '14:00'))$$,
  'reschedule_booking: the client moves their booking; same length');
select tests.clear_authentication();
select results_eq(
  $$select ss.starts_at, ss.ends_at, ss.status from public.service_sessions ss join public.bookings b on b.service_session_id = ss.id where b.id = tests.ref('b1')$$,
  $$values (tests.slot(0, '13:00'), tests.slot(0, '14:00'), 'scheduled'::text)$$,
  'reschedule_booking: its private session moved with it');
select is((select count(*)::int from public.audit_log where action = 'booking.rescheduled' and entity_id = tests.ref('b1')), 1,
  'reschedule_booking: an audit entry');
select results_eq(
  $$select payload ->> 'previous_starts_at', payload ->> 'starts_at' from public.outbox_events where topic = 'booking.rescheduled' and payload ->> 'booking_id' = tests.ref('b1')::text$$,
  $$select to_jsonb(tests.slot(0, '09:00')) ->> 0, to_jsonb(tests.slot(0, '13:00')) ->> 0$$,
  'reschedule_booking: a booking.rescheduled outbox event with both times');
select tests.act_as('acme_client2');
select lives_ok($$select public.book_individual_session(tests.ref('physio'), tests.uid('acme_provider'), tests.slot(0, '09:00'))$$,
  'reschedule_booking: the old slot is free again');
select tests.act_as('acme_client');
select lives_ok($$select public.reschedule_booking(tests.ref('b1'), tests.slot(0, '13:30'))$$,
  'reschedule_booking: a booking may move over its own old time');
select throws_ok($$select public.reschedule_booking(tests.ref('b1'), tests.slot(0, '11:30'))$$, 'PT409', 'SLOT_TAKEN',
  'reschedule_booking: SLOT_TAKEN over another booking');
select throws_ok($$select public.reschedule_booking(tests.ref('b1'), tests.slot(0, '20:00'))$$, 'PT422', 'OUTSIDE_AVAILABILITY',
  'reschedule_booking: OUTSIDE_AVAILABILITY');
select throws_ok($$select public.reschedule_booking(tests.ref('b1'), now() - interval '1 hour')$$, 'PT422', 'BOOKING_IN_PAST',
  'reschedule_booking: BOOKING_IN_PAST for a new time in the past');
select tests.act_as('acme_provider');
select lives_ok($$select public.reschedule_booking(tests.ref('b1'), tests.slot(0, '14:00'))$$, 'reschedule_booking: the provider moves it');
select tests.act_as('acme_admin');
select lives_ok($$select public.reschedule_booking(tests.ref('b1'), tests.slot(0, '15:00'))$$, 'reschedule_booking: an admin moves it');
select tests.clear_authentication();
select is((select start_time from public.bookings where id = tests.ref('b1')), tests.slot(0, '15:00'), 'reschedule_booking: the last move wins');

-- reschedule errors ------------------------------------------------------------------------------
select tests.act_as('acme_client2');
select throws_ok($$select public.reschedule_booking(tests.ref('b1'), tests.slot(1, '09:00'))$$, 'PT403', 'FORBIDDEN',
  'reschedule_booking: FORBIDDEN for another client');
select tests.act_as('rival_owner');
select throws_ok($$select public.reschedule_booking(tests.ref('b1'), tests.slot(1, '09:00'))$$, 'PT404', 'NOT_FOUND',
  'reschedule_booking: NOT_FOUND from another organization');
select tests.act_as('acme_client');
select throws_ok($$select public.reschedule_booking(gen_random_uuid(), tests.slot(1, '09:00'))$$, 'PT404', 'NOT_FOUND',
  'reschedule_booking: NOT_FOUND for an unknown booking');
select throws_ok($$select public.reschedule_booking(null, tests.slot(1, '09:00'))$$, 'PT400', 'INVALID_REQUEST',
  'reschedule_booking: INVALID_REQUEST without a booking');
select throws_ok($$select public.reschedule_booking(tests.ref('b1'), null)$$, 'PT400', 'INVALID_REQUEST',
  'reschedule_booking: INVALID_REQUEST without a new time');
select throws_ok($$select public.reschedule_booking(tests.ref('b_cancel'), tests.slot(1, '09:00'))$$, 'PT409', 'ALREADY_CANCELLED',
  'reschedule_booking: ALREADY_CANCELLED');
select throws_ok($$select public.reschedule_booking(tests.ref('b_started'), tests.slot(1, '09:00'))$$, 'PT422', 'BOOKING_IN_PAST',
  'reschedule_booking: BOOKING_IN_PAST once the session has started');
select throws_ok($$select public.reschedule_booking(tests.ref('b_legacy'), tests.slot(1, '09:00'))$$, 'PT422', 'BACKFILL_REQUIRED',
  'reschedule_booking: BACKFILL_REQUIRED for a legacy booking without a service session');
select tests.act_as_signed_out();
select throws_ok($$select public.reschedule_booking(tests.ref('b1'), tests.slot(1, '09:00'))$$, 'PT401', 'UNAUTHORIZED',
  'reschedule_booking: UNAUTHORIZED');

-- reschedule a workshop booking ----------------------------------------------------------------
select tests.act_as('acme_client');
select is((select service_session_id from public.reschedule_booking(tests.ref('b_seat'), tests.slot(1, '18:00'))), tests.ref('y2'),
  'reschedule_booking: a workshop booking moves to the session of the same service at that time');
select tests.clear_authentication();
select results_eq(
  $$select id, current_participants from public.service_sessions where id in (tests.ref('y1'), tests.ref('y2')) order by starts_at$$,
  $$values (tests.ref('y1'), 0), (tests.ref('y2'), 1)$$,
  'reschedule_booking: the place moved from one session to the other');
select is((select start_time from public.bookings where id = tests.ref('b_seat')), tests.slot(1, '18:00'), 'reschedule_booking: the deprecated start_time follows');
select tests.act_as('acme_client');
select throws_ok($$select public.reschedule_booking(tests.ref('b_seat'), tests.slot(1, '19:00'))$$, 'PT404', 'NOT_FOUND',
  'reschedule_booking: NOT_FOUND when no session of the service starts then');
select throws_ok($$select public.reschedule_booking(tests.ref('b_seat'), tests.slot(2, '18:00'))$$, 'PT409', 'CAPACITY_REACHED',
  'reschedule_booking: CAPACITY_REACHED when that session is full');

-- complete_booking / mark_no_show --------------------------------------------------------------
select tests.act_as('acme_provider');
select is((select status from public.complete_booking(tests.ref('b_started'))), 'completed', 'complete_booking: the provider completes a started booking');
select tests.clear_authentication();
select results_eq(
  $$select from_status, to_status, reason, changed_by from public.booking_status_history where booking_id = tests.ref('b_started') and to_status = 'completed'$$,
  $$values ('confirmed'::text, 'completed'::text, 'completed'::text, tests.uid('acme_provider'))$$,
  'complete_booking: status history');
select is((select ss.status from public.service_sessions ss join public.bookings b on b.service_session_id = ss.id where b.id = tests.ref('b_started')),
  'completed', 'complete_booking: the 1-to-1 session is completed too');
select is((select count(*)::int from public.outbox_events where topic = 'booking.completed' and payload ->> 'booking_id' = tests.ref('b_started')::text), 1,
  'complete_booking: a booking.completed outbox event');
select tests.act_as('acme_provider');
select throws_ok($$select public.complete_booking(tests.ref('b_started'))$$, 'PT409', 'CONFLICT', 'complete_booking: CONFLICT when already completed');
select throws_ok($$select public.mark_no_show(tests.ref('b_started'))$$, 'PT409', 'CONFLICT', 'mark_no_show: CONFLICT when already completed');
select throws_ok($$select public.complete_booking(tests.ref('b_future'))$$, 'PT422', 'BOOKING_NOT_STARTED', 'complete_booking: BOOKING_NOT_STARTED');
select throws_ok($$select public.mark_no_show(tests.ref('b_future'))$$, 'PT422', 'BOOKING_NOT_STARTED', 'mark_no_show: BOOKING_NOT_STARTED');
select throws_ok($$select public.complete_booking(tests.ref('b_cancel'))$$, 'PT409', 'ALREADY_CANCELLED', 'complete_booking: ALREADY_CANCELLED');
select throws_ok($$select public.complete_booking(tests.ref('b_other'))$$, 'PT403', 'FORBIDDEN', 'complete_booking: FORBIDDEN for another provider''s booking');
select tests.act_as('acme_admin');
select is((select status from public.mark_no_show(tests.ref('b_started2'))), 'no_show', 'mark_no_show: an admin records a no-show');
select tests.clear_authentication();
select is((select reason from public.booking_status_history where booking_id = tests.ref('b_started2') and to_status = 'no_show'), 'no_show',
  'mark_no_show: status history');
select tests.act_as('acme_client');
select throws_ok($$select public.complete_booking(tests.ref('b_future'))$$, 'PT403', 'FORBIDDEN', 'complete_booking: FORBIDDEN for the client');
select throws_ok($$select public.mark_no_show(tests.ref('b_future'))$$, 'PT403', 'FORBIDDEN', 'mark_no_show: FORBIDDEN for the client');
select throws_ok($$select public.complete_booking(null)$$, 'PT400', 'INVALID_REQUEST', 'complete_booking: INVALID_REQUEST');
select throws_ok($$select public.mark_no_show(gen_random_uuid())$$, 'PT404', 'NOT_FOUND', 'mark_no_show: NOT_FOUND');
select tests.act_as('rival_provider');
select throws_ok($$select public.complete_booking(tests.ref('b_future'))$$, 'PT404', 'NOT_FOUND', 'complete_booking: NOT_FOUND from another organization');
select tests.act_as_signed_out();
select throws_ok($$select public.complete_booking(tests.ref('b_future'))$$, 'PT401', 'UNAUTHORIZED', 'complete_booking: UNAUTHORIZED');
select throws_ok($$select public.mark_no_show(tests.ref('b_future'))$$, 'PT401', 'UNAUTHORIZED', 'mark_no_show: UNAUTHORIZED');
select tests.authenticate_as_anon();
select throws_ok($$select public.complete_booking(tests.ref('b_future'))$$, '42501', null, 'complete_booking: anon cannot execute it');

select * from finish();
rollback;
