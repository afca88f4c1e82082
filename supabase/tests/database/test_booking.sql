-- book_individual_session and create_service_session: success paths (client for themself,
-- staff and service_role for a client), the private individual session created with the
-- booking, every booking rule (availability, overlap with buffers, notice, window, daily limit)
-- and every error code.
begin;
select plan(65);

do $$
declare
  v_acme uuid := tests.seed_org('acme');
  v_rival uuid := tests.seed_org('rival');
begin
  perform tests.add_member('acme', 'acme_client2', 'client');
  perform tests.add_member('acme', 'acme_provider2', 'provider');
  perform tests.remember('physio', tests.seed_bookable_service(v_acme, 'Physio', 60, 1, 80));
  perform tests.remember('buffered', tests.seed_bookable_service(v_acme, 'Buffered', 60));
  perform tests.remember('limited', tests.seed_bookable_service(v_acme, 'Limited', 60));
  perform tests.remember('notice', tests.seed_bookable_service(v_acme, 'Notice', 60));
  perform tests.remember('window', tests.seed_bookable_service(v_acme, 'Window', 60));
  perform tests.remember('inactive', tests.seed_bookable_service(v_acme, 'Inactive', 60));
  perform tests.remember('owned', tests.seed_bookable_service(v_acme, 'Owned', 60, 1, 50, tests.uid('acme_provider2')));
  perform tests.remember('workshop', tests.seed_bookable_service(v_acme, 'Workshop', 90, 8));
  perform tests.remember('retired_type', tests.seed_session_type(v_acme, 'Retired', 45, false));
  perform tests.remember('rival_type', tests.seed_session_type(v_rival, 'Rival Hour', 60));
  update public.services set buffer_before_minutes = 15, buffer_after_minutes = 30 where id = tests.ref('buffered');
  update public.services set max_bookings_per_day = 1 where id = tests.ref('limited');
  update public.services set min_notice_minutes = 1440 where id = tests.ref('notice');
  update public.services set max_advance_days = 30 where id = tests.ref('window');
  update public.services set is_active = false where id = tests.ref('inactive');
  perform tests.seed_weekly_hours(v_acme, tests.uid('acme_provider'));
  perform tests.seed_weekly_hours(v_acme, tests.uid('acme_provider2'));
end
$$;

-- success: a client books for themself -----------------------------------------------------
select tests.act_as('acme_client');
do $$
begin
  perform tests.remember('b1', (public.book_individual_session(tests.ref('physio'), tests.uid('acme_provider'), tests.slot(0, '09:00'))).id);
end
$$;
select tests.clear_authentication();
select is((select status from public.bookings where id = tests.ref('b1')), 'confirmed', 'book_individual_session: the booking is confirmed');
select results_eq(
  $$select booking_kind, price, client_id, provider_id from public.bookings where id = tests.ref('b1')$$,
  $$values ('regular'::text, 80.00::numeric(10,2), tests.uid('acme_client'), tests.uid('acme_provider'))$$,
  'book_individual_session: regular booking for the caller with the provider and a price snapshot');
select results_eq(
  $$select ss.kind, ss.visibility, ss.max_participants, ss.current_participants, ss.status
    from public.service_sessions ss join public.bookings b on b.service_session_id = ss.id where b.id = tests.ref('b1')$$,
  $$values ('individual'::text, 'private'::text, 1, 1, 'scheduled'::text)$$,
  'book_individual_session: creates a private individual session holding the one participant');
select results_eq(
  $$select b.start_time, b.end_time, public.computed_start_time(b), public.computed_end_time(b) from public.bookings b where b.id = tests.ref('b1')$$,
  $$values (tests.slot(0, '09:00'), tests.slot(0, '10:00'), tests.slot(0, '09:00'), tests.slot(0, '10:00'))$$,
  'book_individual_session: length from the service''s session type; deprecated start/end and computed fields agree');
select is((select session_type_id from public.bookings where id = tests.ref('b1')),
  (select session_type_id from public.services where id = tests.ref('physio')), 'book_individual_session: the service''s session type');
select is((select count(*)::int from public.outbox_events where topic = 'booking.created' and payload ->> 'booking_id' = tests.ref('b1')::text), 1,
  'book_individual_session: a booking.created outbox event');
select results_eq($$select from_status, to_status, changed_by from public.booking_status_history where booking_id = tests.ref('b1')$$,
  $$values (null::text, 'confirmed'::text, tests.uid('acme_client'))$$, 'book_individual_session: the status history starts');

-- success: staff and service_role book for a client --------------------------------------
select tests.act_as('acme_admin');
select lives_ok($$select public.book_individual_session(tests.ref('physio'), tests.uid('acme_provider'), tests.slot(0, '10:00'), p_client_id => tests.uid('acme_client2'))$$,
  'book_individual_session: an admin books for a client of the organization');
select tests.act_as('acme_provider');
select lives_ok($$select public.book_individual_session(tests.ref('physio'), tests.uid('acme_provider'), tests.slot(0, '11:00'), p_booking_kind => 'trial', p_client_id => tests.uid('acme_client'))$$,
  'book_individual_session: a provider books a trial for a client');
select tests.authenticate_as_service_role();
select lives_ok($$select public.book_individual_session(tests.ref('physio'), tests.uid('acme_provider'), tests.slot(0, '12:00'), p_client_id => tests.uid('acme_client2'))$$,
  'book_individual_session: service_role books for a named client');
select throws_ok($$select public.book_individual_session(tests.ref('physio'), tests.uid('acme_provider'), tests.slot(0, '13:00'))$$,
  'PT400', 'INVALID_REQUEST', 'book_individual_session: service_role must name the client');
select tests.clear_authentication();
select results_eq(
  $$select client_id, booking_kind from public.bookings where service_id = tests.ref('physio') and start_time in (tests.slot(0, '10:00'), tests.slot(0, '11:00'), tests.slot(0, '12:00')) order by start_time$$,
  $$values (tests.uid('acme_client2'), 'regular'::text), (tests.uid('acme_client'), 'trial'::text), (tests.uid('acme_client2'), 'regular'::text)$$,
  'book_individual_session: staff bookings belong to the named clients, with their kind');

-- errors: caller and arguments ------------------------------------------------------------
select tests.act_as_signed_out();
select throws_ok($$select public.book_individual_session(tests.ref('physio'), tests.uid('acme_provider'), tests.slot(1, '15:00'))$$,
  'PT401', 'UNAUTHORIZED', 'book_individual_session: UNAUTHORIZED without a user');
select tests.authenticate_as_anon();
select throws_ok($$select public.book_individual_session(tests.ref('physio'), tests.uid('acme_provider'), tests.slot(1, '15:00'))$$,
  '42501', null, 'book_individual_session: anon cannot execute it');
select tests.act_as('acme_client');
select throws_ok($$select public.book_individual_session(null, tests.uid('acme_provider'), tests.slot(1, '15:00'))$$,
  'PT400', 'INVALID_REQUEST', 'book_individual_session: INVALID_REQUEST without a service');
select is(tests.error_of($$select public.book_individual_session(null, tests.uid('acme_provider'), tests.slot(1, '15:00'))$$) ->> 'hint', 'p_service_id',
  'book_individual_session: the hint names the field');
select throws_ok($$select public.book_individual_session(tests.ref('physio'), null, tests.slot(1, '15:00'))$$,
  'PT400', 'INVALID_REQUEST', 'book_individual_session: INVALID_REQUEST without a provider');
select throws_ok($$select public.book_individual_session(tests.ref('physio'), tests.uid('acme_provider'), null)$$,
  'PT400', 'INVALID_REQUEST', 'book_individual_session: INVALID_REQUEST without a start');
select throws_ok($$select public.book_individual_session(tests.ref('physio'), tests.uid('acme_provider'), tests.slot(1, '15:00'), p_booking_kind => 'vip')$$,
  'PT400', 'INVALID_REQUEST', 'book_individual_session: INVALID_REQUEST for an unknown booking kind');
select is(tests.error_of($$select public.book_individual_session(tests.ref('physio'), tests.uid('acme_provider'), tests.slot(1, '15:00'), p_booking_kind => 'vip')$$) ->> 'hint',
  'p_booking_kind', 'book_individual_session: hint p_booking_kind');
select throws_ok($$select public.book_individual_session(gen_random_uuid(), tests.uid('acme_provider'), tests.slot(1, '15:00'))$$,
  'PT404', 'NOT_FOUND', 'book_individual_session: NOT_FOUND for an unknown service');
select throws_ok($$select public.book_individual_session(tests.ref('physio'), tests.uid('rival_provider'), tests.slot(1, '15:00'))$$,
  'PT404', 'NOT_FOUND', 'book_individual_session: NOT_FOUND for a provider of another organization');
select is(tests.error_of($$select public.book_individual_session(tests.ref('physio'), tests.uid('rival_provider'), tests.slot(1, '15:00'))$$) ->> 'hint',
  'p_provider_id', 'book_individual_session: hint p_provider_id');
select throws_ok($$select public.book_individual_session(tests.ref('physio'), tests.uid('acme_provider'), tests.slot(1, '15:00'), p_client_id => tests.uid('acme_client2'))$$,
  'PT403', 'FORBIDDEN', 'book_individual_session: FORBIDDEN for a client booking for another client');
select throws_ok($$select public.book_individual_session(tests.ref('owned'), tests.uid('acme_provider'), tests.slot(1, '15:00'))$$,
  'PT400', 'INVALID_REQUEST', 'book_individual_session: INVALID_REQUEST when the service is another provider''s');
select throws_ok($$select public.book_individual_session(tests.ref('inactive'), tests.uid('acme_provider'), tests.slot(1, '15:00'))$$,
  'PT422', 'SERVICE_INACTIVE', 'book_individual_session: SERVICE_INACTIVE for a retired service');
select throws_ok($$select public.book_individual_session(tests.ref('physio'), tests.uid('acme_provider'), tests.slot(1, '15:00'), p_session_type_id => tests.ref('retired_type'))$$,
  'PT422', 'SESSION_TYPE_INACTIVE', 'book_individual_session: SESSION_TYPE_INACTIVE for a retired session type');
select throws_ok($$select public.book_individual_session(tests.ref('physio'), tests.uid('acme_provider'), tests.slot(1, '15:00'), p_session_type_id => tests.ref('rival_type'))$$,
  'PT404', 'NOT_FOUND', 'book_individual_session: NOT_FOUND for another organization''s session type');
select tests.act_as('rival_client');
select throws_ok($$select public.book_individual_session(tests.ref('physio'), tests.uid('acme_provider'), tests.slot(1, '15:00'))$$,
  'PT404', 'NOT_FOUND', 'book_individual_session: NOT_FOUND for a member of another organization');
select tests.act_as('acme_admin');
select throws_ok($$select public.book_individual_session(tests.ref('physio'), tests.uid('acme_provider'), tests.slot(1, '15:00'))$$,
  'PT403', 'FORBIDDEN', 'book_individual_session: FORBIDDEN for staff booking for themself');
select throws_ok($$select public.book_individual_session(tests.ref('physio'), tests.uid('acme_provider'), tests.slot(1, '15:00'), p_client_id => tests.uid('acme_provider2'))$$,
  'PT404', 'NOT_FOUND', 'book_individual_session: NOT_FOUND when the named client is not a client of the organization');
select is(tests.error_of($$select public.book_individual_session(tests.ref('physio'), tests.uid('acme_provider'), tests.slot(1, '15:00'), p_client_id => tests.uid('acme_provider2'))$$) ->> 'hint',
  'p_client_id', 'book_individual_session: hint p_client_id');

-- errors: booking rules -------------------------------------------------------------------
select tests.act_as('acme_client2');
select throws_ok($$select public.book_individual_session(tests.ref('physio'), tests.uid('acme_provider'), now() - interval '1 hour')$$,
  'PT422', 'BOOKING_IN_PAST', 'book_individual_session: BOOKING_IN_PAST');
select throws_ok($$select public.book_individual_session(tests.ref('notice'), tests.uid('acme_provider'), date_trunc('hour', now()) + interval '3 hours')$$,
  'PT422', 'TOO_LATE_TO_BOOK', 'book_individual_session: TOO_LATE_TO_BOOK inside min_notice_minutes');
select throws_ok($$select public.book_individual_session(tests.ref('window'), tests.uid('acme_provider'), tests.slot(42, '10:00'))$$,
  'PT422', 'OUTSIDE_BOOKING_WINDOW', 'book_individual_session: OUTSIDE_BOOKING_WINDOW beyond max_advance_days');
select throws_ok($$select public.book_individual_session(tests.ref('physio'), tests.uid('acme_provider'), tests.slot(1, '20:00'))$$,
  'PT422', 'OUTSIDE_AVAILABILITY', 'book_individual_session: OUTSIDE_AVAILABILITY outside the weekly hours');
select throws_ok($$select public.book_individual_session(tests.ref('physio'), tests.uid('acme_provider'), tests.slot(1, '16:30'))$$,
  'PT422', 'OUTSIDE_AVAILABILITY', 'book_individual_session: OUTSIDE_AVAILABILITY when the session would run past the end of the hours');
select throws_ok($$select public.book_individual_session(tests.ref('physio'), tests.uid('acme_provider'), tests.slot(0, '09:30'))$$,
  'PT409', 'SLOT_TAKEN', 'book_individual_session: SLOT_TAKEN when the provider has an overlapping session');
select tests.clear_authentication();
select is((select count(*)::int from public.service_sessions where provider_id = tests.uid('acme_provider') and starts_at::date = tests.next_weekday(1)),
  4, 'book_individual_session: a refused booking leaves nothing behind');
select tests.act_as('acme_client2');

-- buffers: padding may overlap padding, never another session
select lives_ok($$select public.book_individual_session(tests.ref('buffered'), tests.uid('acme_provider'), tests.slot(1, '09:00'))$$,
  'buffers: a buffered session 09:00-10:00 (15 min before, 30 min after)');
select throws_ok($$select public.book_individual_session(tests.ref('physio'), tests.uid('acme_provider'), tests.slot(1, '10:00'))$$,
  'PT409', 'SLOT_TAKEN', 'buffers: nothing starts inside the 30 minutes after a buffered session');
select lives_ok($$select public.book_individual_session(tests.ref('physio'), tests.uid('acme_provider'), tests.slot(1, '10:30'))$$,
  'buffers: a session may start when the buffer ends');
select throws_ok($$select public.book_individual_session(tests.ref('buffered'), tests.uid('acme_provider'), tests.slot(1, '11:30'))$$,
  'PT409', 'SLOT_TAKEN', 'buffers: a buffered session needs its 15 minutes before free of other sessions');
select lives_ok($$select public.book_individual_session(tests.ref('buffered'), tests.uid('acme_provider'), tests.slot(1, '11:45'))$$,
  'buffers: with 15 minutes free before it, the buffered session fits');

-- daily limit: per provider and local day
select lives_ok($$select public.book_individual_session(tests.ref('limited'), tests.uid('acme_provider'), tests.slot(2, '09:00'))$$,
  'daily limit: the first booking of the day');
select throws_ok($$select public.book_individual_session(tests.ref('limited'), tests.uid('acme_provider'), tests.slot(2, '11:00'))$$,
  'PT422', 'DAILY_LIMIT_REACHED', 'daily limit: DAILY_LIMIT_REACHED for the second one with the same provider');
select lives_ok($$select public.book_individual_session(tests.ref('limited'), tests.uid('acme_provider2'), tests.slot(2, '11:00'))$$,
  'daily limit: another provider still has room');
select lives_ok($$select public.book_individual_session(tests.ref('limited'), tests.uid('acme_provider'), tests.slot(3, '11:00'))$$,
  'daily limit: the next day is a new day');

-- the exclusion constraint backs the provider lock up against direct writes
select tests.clear_authentication();
select throws_ok(
  $$insert into public.service_sessions (organization_id, service_id, provider_id, starts_at, ends_at)
    values (tests.org_id('acme'), tests.ref('physio'), tests.uid('acme_provider'), tests.slot(0, '09:15'), tests.slot(0, '09:45'))$$,
  '23P01', null, 'exclusion constraint: a provider is never in two overlapping sessions, whoever writes them');
select lives_ok(
  $$insert into public.service_sessions (organization_id, service_id, provider_id, starts_at, ends_at, status)
    values (tests.org_id('acme'), tests.ref('physio'), tests.uid('acme_provider'), tests.slot(0, '09:15'), tests.slot(0, '09:45'), 'cancelled')$$,
  'exclusion constraint: cancelled sessions do not count');

-- create_service_session ------------------------------------------------------------------
select tests.act_as('acme_admin');
select lives_ok($$select public.create_service_session(tests.ref('workshop'), tests.uid('acme_provider'), tests.slot(0, '18:00'))$$,
  'create_service_session: an admin schedules a workshop for a provider (outside weekly hours is fine)');
select results_eq(
  $$select kind, visibility, max_participants, current_participants, ends_at, status from public.service_sessions where service_id = tests.ref('workshop') and starts_at = tests.slot(0, '18:00')$$,
  $$values ('workshop'::text, 'public'::text, 8, 0, tests.slot(0, '19:30'), 'scheduled'::text)$$,
  'create_service_session: defaults: public workshop, capacity of the service, length of its session type');
select throws_ok($$select public.create_service_session(tests.ref('workshop'), tests.uid('acme_provider'), tests.slot(0, '18:30'))$$,
  'PT409', 'SLOT_TAKEN', 'create_service_session: SLOT_TAKEN over another session of the provider');
select throws_ok($$select public.create_service_session(tests.ref('workshop'), tests.uid('acme_provider'), now() - interval '1 day')$$,
  'PT422', 'BOOKING_IN_PAST', 'create_service_session: BOOKING_IN_PAST');
select throws_ok($$select public.create_service_session(tests.ref('workshop'), tests.uid('acme_provider'), tests.slot(4, '18:00'), p_kind => 'party')$$,
  'PT400', 'INVALID_REQUEST', 'create_service_session: INVALID_REQUEST for an unknown kind');
select throws_ok($$select public.create_service_session(tests.ref('workshop'), tests.uid('acme_provider'), tests.slot(4, '18:00'), p_visibility => 'secret')$$,
  'PT400', 'INVALID_REQUEST', 'create_service_session: INVALID_REQUEST for an unknown visibility');
select throws_ok($$select public.create_service_session(tests.ref('workshop'), tests.uid('acme_provider'), tests.slot(4, '18:00'), p_max_participants => 0)$$,
  'PT400', 'INVALID_REQUEST', 'create_service_session: INVALID_REQUEST for no places');
select throws_ok($$select public.create_service_session(tests.ref('workshop'), tests.uid('acme_provider'), tests.slot(4, '18:00'), p_kind => 'individual', p_max_participants => 5)$$,
  'PT400', 'INVALID_REQUEST', 'create_service_session: an individual session has one place');
select throws_ok($$select public.create_service_session(tests.ref('inactive'), tests.uid('acme_provider'), tests.slot(4, '18:00'))$$,
  'PT422', 'SERVICE_INACTIVE', 'create_service_session: SERVICE_INACTIVE');
select tests.act_as('acme_provider');
select lives_ok($$select public.create_service_session(tests.ref('workshop'), tests.uid('acme_provider'), tests.slot(2, '18:00'), p_kind => 'course_session', p_visibility => 'unlisted', p_max_participants => 5)$$,
  'create_service_session: a provider schedules their own course session');
select throws_ok($$select public.create_service_session(tests.ref('workshop'), tests.uid('acme_provider2'), tests.slot(2, '18:00'))$$,
  'PT403', 'FORBIDDEN', 'create_service_session: FORBIDDEN for a provider scheduling someone else');
select tests.act_as('acme_client');
select throws_ok($$select public.create_service_session(tests.ref('workshop'), tests.uid('acme_provider'), tests.slot(4, '18:00'))$$,
  'PT403', 'FORBIDDEN', 'create_service_session: FORBIDDEN for a client');
select tests.act_as('rival_owner');
select throws_ok($$select public.create_service_session(tests.ref('workshop'), tests.uid('acme_provider'), tests.slot(4, '18:00'))$$,
  'PT404', 'NOT_FOUND', 'create_service_session: NOT_FOUND for another organization');
select tests.act_as_signed_out();
select throws_ok($$select public.create_service_session(tests.ref('workshop'), tests.uid('acme_provider'), tests.slot(4, '18:00'))$$,
  'PT401', 'UNAUTHORIZED', 'create_service_session: UNAUTHORIZED');
select tests.act_as('acme_admin');
select throws_ok($$select public.create_service_session(null, tests.uid('acme_provider'), tests.slot(4, '18:00'))$$,
  'PT400', 'INVALID_REQUEST', 'create_service_session: INVALID_REQUEST without a service');

select * from finish();
rollback;
