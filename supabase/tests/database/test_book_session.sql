-- book_session: joining workshops and courses. Capacity is maintained by the database
-- (current_participants = live bookings, never above max_participants), visibility decides who
-- may join (public: any client; unlisted: by id; private: only staff booking a client in), and
-- every error code of the RPC.
begin;
select plan(38);

do $$
declare
  v_acme uuid := tests.seed_org('acme');
begin
  perform tests.seed_org('rival');
  perform tests.add_member('acme', 'acme_client2', 'client');
  perform tests.add_member('acme', 'acme_client3', 'client');
  perform tests.add_member('acme', 'acme_client4', 'client');
  perform tests.remember('yoga', tests.seed_bookable_service(v_acme, 'Yoga', 90, 3, 20));
  perform tests.remember('strict', tests.seed_bookable_service(v_acme, 'Strict', 60, 5));
  perform tests.remember('retired', tests.seed_bookable_service(v_acme, 'Retired', 60, 5));
  perform tests.remember('physio', tests.seed_bookable_service(v_acme, 'Physio', 60));
  update public.services set min_notice_minutes = 120, max_advance_days = 30 where id = tests.ref('strict');
  perform tests.remember('public', tests.seed_group_session(tests.ref('yoga'), tests.slot(0, '18:00'), 3));
  perform tests.remember('private', tests.seed_group_session(tests.ref('yoga'), tests.slot(1, '18:00'), 3, 'private'));
  perform tests.remember('unlisted', tests.seed_group_session(tests.ref('yoga'), tests.slot(2, '18:00'), 3, 'unlisted', 'course_session'));
  perform tests.remember('cancelled', tests.seed_group_session(tests.ref('yoga'), tests.slot(3, '18:00'), 3));
  update public.service_sessions set status = 'cancelled' where id = tests.ref('cancelled');
  perform tests.remember('past', tests.seed_group_session(tests.ref('yoga'), now() - interval '2 days', 3));
  perform tests.remember('soon', tests.seed_group_session(tests.ref('strict'), date_trunc('hour', now()) + interval '1 hour', 5));
  perform tests.remember('far', tests.seed_group_session(tests.ref('strict'), tests.slot(40, '18:00'), 5));
  perform tests.remember('retired_session', tests.seed_group_session(tests.ref('retired'), tests.slot(5, '18:00'), 5));
  update public.services set is_active = false where id = tests.ref('retired');
  perform tests.remember('one_to_one', tests.seed_booking(tests.ref('physio'), tests.uid('acme_client2'), tests.slot(4, '10:00')));
  perform tests.remember('one_to_one_session', (select b.service_session_id from public.bookings b where b.id = tests.ref('one_to_one')));
end
$$;

-- public workshop: clients join until it is full -------------------------------------------
select tests.act_as('acme_client');
do $$
begin
  perform tests.remember('b1', (public.book_session(tests.ref('public'))).id);
end
$$;
select results_eq(
  $$select client_id, status, booking_kind, service_session_id, start_time, end_time, price from public.bookings where id = tests.ref('b1')$$,
  $$values (tests.uid('acme_client'), 'confirmed'::text, 'regular'::text, tests.ref('public'), tests.slot(0, '18:00'), tests.slot(0, '19:30'), 20.00::numeric(10,2))$$,
  'book_session: the client joins; the booking carries the session''s times and the service price');
select is((select current_participants from public.service_sessions where id = tests.ref('public')), 1,
  'book_session: current_participants counts the booking');
select throws_ok($$select public.book_session(tests.ref('public'))$$, 'PT409', 'CONFLICT',
  'book_session: CONFLICT when the client is already booked into the session');
select tests.act_as('acme_client2');
select lives_ok($$select public.book_session(tests.ref('public'), 'trial')$$, 'book_session: a second client joins (trial)');
select tests.act_as('acme_admin');
select lives_ok($$select public.book_session(tests.ref('public'), p_client_id => tests.uid('acme_client3'))$$,
  'book_session: an admin books a third client in');
select tests.act_as('acme_client4');
select throws_ok($$select public.book_session(tests.ref('public'))$$, 'PT409', 'CAPACITY_REACHED',
  'book_session: CAPACITY_REACHED when every place is taken');
select tests.clear_authentication();
select results_eq(
  $$select ss.current_participants, ss.max_participants, (select count(*)::int from public.bookings b where b.service_session_id = ss.id and b.status <> 'cancelled')
    from public.service_sessions ss where ss.id = tests.ref('public')$$,
  $$values (3, 3, 3)$$, 'book_session: 3 of 3 places, as many as live bookings');
select is((select booking_kind from public.bookings where service_session_id = tests.ref('public') and client_id = tests.uid('acme_client2')), 'trial',
  'book_session: the booking kind is stored as given');

-- the database maintains the count for any write ------------------------------------------
select throws_ok(
  $$insert into public.bookings (organization_id, client_id, provider_id, service_session_id, start_time, end_time)
    values (tests.org_id('acme'), tests.uid('acme_client4'), tests.uid('acme_provider'), tests.ref('public'), now(), now() + interval '1 hour')$$,
  'PT409', 'CAPACITY_REACHED', 'capacity: even a direct insert cannot overfill a session');
select tests.act_as('acme_provider');
select throws_ok($$update public.service_sessions set current_participants = 0 where id = tests.ref('public')$$,
  'PT400', 'INVALID_REQUEST', 'capacity: current_participants cannot be written directly');
select throws_ok($$update public.service_sessions set status = 'cancelled' where id = tests.ref('public')$$,
  'PT409', 'CONFLICT', 'capacity: a session with live bookings cannot be cancelled from under them');
select tests.act_as('acme_client');
do $$
begin
  perform public.cancel_booking(tests.ref('b1'), 'Cannot make it');
end
$$;
select tests.clear_authentication();
select is((select current_participants from public.service_sessions where id = tests.ref('public')), 2,
  'capacity: a cancellation frees the place');
select tests.act_as('acme_client4');
select lives_ok($$select public.book_session(tests.ref('public'))$$, 'capacity: the freed place can be booked');
select tests.act_as('acme_client');
select throws_ok($$select public.book_session(tests.ref('public'))$$, 'PT409', 'CAPACITY_REACHED',
  'capacity: full again');

-- visibility -------------------------------------------------------------------------------
select throws_ok($$select public.book_session(tests.ref('private'))$$, 'PT403', 'FORBIDDEN',
  'visibility: a client cannot join a private session');
select is_empty($$select 1 from public.service_sessions where id = tests.ref('private')$$,
  'visibility: a client does not even see a private session they are not booked into');
select lives_ok($$select public.book_session(tests.ref('unlisted'))$$, 'visibility: a client joins an unlisted course session by id');
select tests.act_as('acme_provider');
select lives_ok($$select public.book_session(tests.ref('private'), p_client_id => tests.uid('acme_client'))$$,
  'visibility: staff book a client into a private session');
select tests.act_as('acme_client');
select isnt_empty($$select 1 from public.service_sessions where id = tests.ref('private')$$,
  'visibility: once booked in, the client sees the private session');
select throws_ok($$select public.book_session(tests.ref('one_to_one'))$$, 'PT404', 'NOT_FOUND',
  'visibility: a booking id is not a session id (NOT_FOUND)');
select throws_ok($$select public.book_session(null)$$, 'PT400', 'INVALID_REQUEST',
  'book_session: INVALID_REQUEST without a session id');
select throws_ok($$select public.book_session(tests.ref('one_to_one_session'))$$,
  'PT403', 'FORBIDDEN', 'book_session: FORBIDDEN to join someone''s (private) 1-to-1 session');
select tests.act_as('acme_admin');
select throws_ok($$select public.book_session(tests.ref('one_to_one_session'), p_client_id => tests.uid('acme_client'))$$,
  'PT409', 'CAPACITY_REACHED', 'book_session: staff cannot add a second client to a booked 1-to-1 session');
do $$
begin
  perform tests.remember('open_slot', (public.create_service_session(tests.ref('physio'), tests.uid('acme_provider'), tests.slot(4, '14:00'), p_kind => 'individual')).id);
end
$$;
select tests.act_as('acme_client');
select lives_ok($$select public.book_session(tests.ref('open_slot'))$$, 'book_session: a client books an open 1-to-1 slot staff published');
select tests.act_as('acme_client2');
select throws_ok($$select public.book_session(tests.ref('open_slot'))$$, 'PT409', 'CAPACITY_REACHED', 'book_session: an open 1-to-1 slot takes one client');

-- session state and booking rules ----------------------------------------------------------
select tests.act_as('acme_client');
select throws_ok($$select public.book_session(tests.ref('cancelled'))$$, 'PT409', 'ALREADY_CANCELLED',
  'book_session: ALREADY_CANCELLED for a cancelled session');
select throws_ok($$select public.book_session(tests.ref('past'))$$, 'PT422', 'BOOKING_IN_PAST',
  'book_session: BOOKING_IN_PAST for a session that has started');
select throws_ok($$select public.book_session(tests.ref('soon'))$$, 'PT422', 'TOO_LATE_TO_BOOK',
  'book_session: TOO_LATE_TO_BOOK inside the service''s minimum notice');
select throws_ok($$select public.book_session(tests.ref('far'))$$, 'PT422', 'OUTSIDE_BOOKING_WINDOW',
  'book_session: OUTSIDE_BOOKING_WINDOW beyond max_advance_days');
select throws_ok($$select public.book_session(tests.ref('retired_session'))$$, 'PT422', 'SERVICE_INACTIVE',
  'book_session: SERVICE_INACTIVE for a retired service');

-- caller and arguments ---------------------------------------------------------------------
select throws_ok($$select public.book_session(tests.ref('unlisted'), 'vip')$$, 'PT400', 'INVALID_REQUEST',
  'book_session: INVALID_REQUEST for an unknown booking kind');
select throws_ok($$select public.book_session(gen_random_uuid())$$, 'PT404', 'NOT_FOUND',
  'book_session: NOT_FOUND for an unknown session');
select throws_ok($$select public.book_session(tests.ref('unlisted'), p_client_id => tests.uid('acme_client2'))$$, 'PT403', 'FORBIDDEN',
  'book_session: FORBIDDEN for a client booking another client');
select tests.act_as('rival_client');
select throws_ok($$select public.book_session(tests.ref('unlisted'))$$, 'PT404', 'NOT_FOUND',
  'book_session: NOT_FOUND for a member of another organization');
select tests.act_as_signed_out();
select throws_ok($$select public.book_session(tests.ref('unlisted'))$$, 'PT401', 'UNAUTHORIZED',
  'book_session: UNAUTHORIZED without a user');
select tests.authenticate_as_anon();
select throws_ok($$select public.book_session(tests.ref('unlisted'))$$, '42501', null,
  'book_session: anon cannot execute it');
select tests.authenticate_as_service_role();
select lives_ok($$select public.book_session(tests.ref('unlisted'), p_client_id => tests.uid('acme_client3'))$$,
  'book_session: service_role books a named client');
select tests.act_as('acme_owner');
select throws_ok($$select public.book_session(tests.ref('unlisted'), p_client_id => tests.uid('rival_client'))$$, 'PT404', 'NOT_FOUND',
  'book_session: NOT_FOUND when the named client is not a client of the organization');

select * from finish();
rollback;
