-- Booking limits per client and period (issue 14): services.max_bookings_per_client live bookings
-- of the service per client and local day | week (Monday to Sunday) | month of the organization,
-- on every booking path (1-to-1, joining a session, reschedules, the dispatcher, waitlist
-- promotions), CLIENT_LIMIT_REACHED (PT422); slot search hides full periods from the client.
begin;
select plan(33);

do $$
declare
  v_acme uuid := tests.seed_org('acme', 'America/New_York');
begin
  perform tests.seed_org('rival');
  perform tests.add_member('acme', 'acme_client2', 'client');
  perform tests.add_member('acme', 'acme_provider2', 'provider');
  perform tests.seed_weekly_hours(v_acme, tests.uid('acme_provider'));
  perform tests.seed_weekly_hours(v_acme, tests.uid('acme_provider2'));
  perform tests.remember('physio', tests.seed_bookable_service(v_acme, 'Physio', 60));
  perform tests.remember('yoga', tests.seed_bookable_service(v_acme, 'Yoga', 60, 1));
  perform tests.remember('massage', tests.seed_bookable_service(v_acme, 'Massage', 60));
  update public.services set max_bookings_per_client = 2, max_bookings_per_client_period = 'week' where id = tests.ref('physio');
  update public.services set max_bookings_per_client = 1, max_bookings_per_client_period = 'day' where id = tests.ref('yoga');
  update public.services set max_bookings_per_client = 1, max_bookings_per_client_period = 'month' where id = tests.ref('massage');
  perform tests.remember('yoga_morning', tests.seed_group_session(tests.ref('yoga'), tests.slot(2, '08:00', 'America/New_York'), 1));
  perform tests.remember('yoga_evening', tests.seed_group_session(tests.ref('yoga'), tests.slot(2, '19:00', 'America/New_York'), 1));
  perform tests.remember('yoga_next_day', tests.seed_group_session(tests.ref('yoga'), tests.slot(3, '19:00', 'America/New_York'), 1));
end
$$;

-- the settings -------------------------------------------------------------------------------------
select throws_ok($$update public.services set max_bookings_per_client = 3, max_bookings_per_client_period = null where id = tests.ref('physio')$$,
  '23514', null, 'settings: a limit needs its period');
select throws_ok($$update public.services set max_bookings_per_client = 0 where id = tests.ref('physio')$$,
  '23514', null, 'settings: a limit is at least 1');
select throws_ok($$update public.services set max_bookings_per_client_period = 'year' where id = tests.ref('physio')$$,
  '23514', null, 'settings: the period is day, week or month');

-- a week: two bookings, then no more -----------------------------------------------------------------
select tests.act_as('acme_client');
do $$
begin
  perform tests.remember('mon', (public.book_individual_session(tests.ref('physio'), tests.uid('acme_provider'), tests.slot(0, '10:00', 'America/New_York'))).id);
  perform tests.remember('sat', (public.book_individual_session(tests.ref('physio'), tests.uid('acme_provider2'), tests.slot(5, '10:00', 'America/New_York'))).id);
end
$$;
select throws_ok(format($$select public.book_individual_session(%L, %L, %L)$$, tests.ref('physio'), tests.uid('acme_provider'),
                        tests.slot(3, '10:00', 'America/New_York')),
  'PT422', 'CLIENT_LIMIT_REACHED', 'week: a third booking of the service in the week is refused');
select matches(tests.error_of(format($$select public.book_individual_session(%L, %L, %L)$$, tests.ref('physio'), tests.uid('acme_provider'),
                                     tests.slot(6, '16:00', 'America/New_York'))) ->> 'detail',
  'at most 2 times per week .* already has 2 in the week from ' || (tests.next_weekday(1))::text,
  'week: the detail names the limit and the (Monday-based, local) week, Sunday included');
select lives_ok(format($$select public.book_individual_session(%L, %L, %L)$$, tests.ref('physio'), tests.uid('acme_provider'),
                       tests.slot(7, '10:00', 'America/New_York')),
  'week: the next Monday starts a new week');
select tests.act_as('acme_client2');
select lives_ok(format($$select public.book_individual_session(%L, %L, %L)$$, tests.ref('physio'), tests.uid('acme_provider'),
                       tests.slot(3, '10:00', 'America/New_York')),
  'week: the limit is per client: another client books that week');
select tests.act_as('acme_admin');
select throws_ok(format($$select public.book_individual_session(%L, %L, %L, p_client_id => %L)$$, tests.ref('physio'), tests.uid('acme_provider'),
                        tests.slot(4, '10:00', 'America/New_York'), tests.uid('acme_client')),
  'PT422', 'CLIENT_LIMIT_REACHED', 'week: staff booking for the client meet the same limit');
select throws_ok(
  format($$insert into public.bookings (organization_id, client_id, provider_id, service_id, start_time, end_time) values (%L, %L, %L, %L, %L, %L)$$,
         tests.org_id('acme'), tests.uid('acme_client'), tests.uid('acme_provider'), tests.ref('physio'),
         tests.slot(4, '11:00', 'America/New_York'), tests.slot(4, '12:00', 'America/New_York')),
  'PT422', 'CLIENT_LIMIT_REACHED', 'week: a legacy direct insert meets it too');

-- slot search hides a full week from the client, not from staff --------------------------------------
select tests.act_as('acme_client');
select is_empty(format($$select * from public.get_available_slots(%L, %L, %L, %L)$$, tests.uid('acme_provider'), tests.ref('physio'),
                       tests.next_weekday(1) + 1, tests.next_weekday(1) + 6),
  'slots: the client sees no slot in a week they have used up');
select isnt_empty(format($$select * from public.get_available_slots(%L, %L, %L, %L)$$, tests.uid('acme_provider'), tests.ref('physio'),
                         tests.next_weekday(1) + 8, tests.next_weekday(1) + 8),
  'slots: the client sees the slots of the following week');
select tests.act_as('acme_client2');
select isnt_empty(format($$select * from public.get_available_slots(%L, %L, %L, %L)$$, tests.uid('acme_provider'), tests.ref('physio'),
                         tests.next_weekday(1) + 1, tests.next_weekday(1) + 1),
  'slots: another client sees that week''s slots');
select tests.act_as('acme_provider');
select isnt_empty(format($$select * from public.get_available_slots(%L, %L, %L, %L)$$, tests.uid('acme_provider'), tests.ref('physio'),
                         tests.next_weekday(1) + 1, tests.next_weekday(1) + 1),
  'slots: staff see every slot (they book for many clients)');

-- cancelling gives the place back; moving counts the booking once -----------------------------------
select tests.act_as('acme_client');
select lives_ok(format($$select public.reschedule_booking(%L, %L)$$, tests.ref('sat'), tests.slot(4, '15:00', 'America/New_York')),
  'reschedule: a booking moves within its full week (it is not counted twice)');
select lives_ok(format($$select public.book_individual_session(%L, %L, %L)$$, tests.ref('physio'), tests.uid('acme_provider'),
                       tests.slot(8, '10:00', 'America/New_York')),
  'reschedule: the client fills the following week too');
select throws_ok(format($$select public.reschedule_booking(%L, %L)$$, tests.ref('mon'), tests.slot(9, '10:00', 'America/New_York')),
  'PT422', 'CLIENT_LIMIT_REACHED', 'reschedule: a booking cannot move into another full week');
select lives_ok(format($$select public.cancel_booking(%L, 'Other plans')$$, tests.ref('sat')), 'cancel: the client cancels one');
select lives_ok(format($$select public.book_individual_session(%L, %L, %L)$$, tests.ref('physio'), tests.uid('acme_provider'),
                       tests.slot(3, '10:00', 'America/New_York') + interval '1 hour'),
  'cancel: a cancelled booking no longer counts');

-- a day, in the organization's time zone, on workshops ------------------------------------------------
select lives_ok(format($$select public.book_session(%L)$$, tests.ref('yoga_morning')), 'day: the client joins the morning class');
select throws_ok(format($$select public.book_session(%L)$$, tests.ref('yoga_evening')),
  'PT422', 'CLIENT_LIMIT_REACHED', 'day: not a second class the same local day');
select lives_ok(format($$select public.book_session(%L)$$, tests.ref('yoga_next_day')),
  'day: the next local day is a new day (19:00 New York is already tomorrow in UTC)');

-- a month ---------------------------------------------------------------------------------------------
select lives_ok(format($$select public.book_individual_session(%L, %L, %L)$$, tests.ref('massage'), tests.uid('acme_provider2'),
                       tests.local_ts((date_trunc('month', tests.next_weekday(1)::timestamp) + interval '1 month')::date + 2, '10:00', 'America/New_York')),
  'month: one massage next month');
select throws_ok(format($$select public.book_individual_session(%L, %L, %L)$$, tests.ref('massage'), tests.uid('acme_provider2'),
                        tests.local_ts((date_trunc('month', tests.next_weekday(1)::timestamp) + interval '2 month')::date - 1, '10:00', 'America/New_York')),
  'PT422', 'CLIENT_LIMIT_REACHED', 'month: not a second one on its last day');
select lives_ok(format($$select public.book_individual_session(%L, %L, %L)$$, tests.ref('massage'), tests.uid('acme_provider2'),
                       tests.local_ts((date_trunc('month', tests.next_weekday(1)::timestamp) + interval '2 month')::date, '10:00', 'America/New_York')),
  'month: the first day of the following month is fine');

-- waitlist promotions obey it: the client who reached the limit is skipped -------------------------
select tests.act_as('acme_client2');
select lives_ok(format($$select public.book_session(%L)$$, tests.ref('yoga_evening')), 'waitlist: client2 takes the evening class');
select tests.act_as('acme_client');
select is(public.join_waitlist(tests.ref('yoga_evening')) ->> 'status', 'waiting', 'waitlist: the client waits for it anyway');
select tests.act_as('acme_client2');
select lives_ok(format($$select public.cancel_booking(%L, 'Sick')$$, tests.booking_id(tests.ref('yoga_evening'), tests.uid('acme_client2'))),
  'waitlist: client2 cancels');
select tests.clear_authentication();
select results_eq($$select status, skip_code from public.waitlist_entries where service_session_id = tests.ref('yoga_evening')$$,
  $$values ('skipped'::text, 'CLIENT_LIMIT_REACHED'::text)$$,
  'waitlist: the waiting client already had a class that day: skipped with CLIENT_LIMIT_REACHED');

-- the dispatcher, set-based and one by one ------------------------------------------------------------
do $$
begin
  -- a weekly series of a limited service on Thursdays; the client already holds two that week
  perform tests.remember('series', tests.seed_series(tests.org_id('acme'), 'acme_client', 'acme_provider2', tests.ref('physio'),
                                                   'weekly', tests.next_weekday(1) + 3, '16:00', null, 'America/New_York'));
  perform set_config('tests.fast', coalesce(tests.dispatch_series(tests.next_weekday(1) + 3, tests.ref('series'), true) -> 'errors' ->> 0, 'none'), true);
  update public.recurring_bookings set next_booking_date = start_date where id = tests.ref('series');
  perform set_config('tests.exact', coalesce(tests.dispatch_series(tests.next_weekday(1) + 3, tests.ref('series'), false) -> 'errors' ->> 0, 'none'), true);
  update public.recurring_bookings set next_booking_date = start_date + 14 where id = tests.ref('series');
  perform set_config('tests.later_week', tests.dispatch_series(tests.next_weekday(1) + 17, tests.ref('series'), true) ->> 'booked', true);
end
$$;
select is(current_setting('tests.fast'), 'CLIENT_LIMIT_REACHED', 'dispatcher: the occurrence in a full week fails with CLIENT_LIMIT_REACHED');
select is(current_setting('tests.exact'), 'CLIENT_LIMIT_REACHED', 'dispatcher: one by one, the same answer');
select is(current_setting('tests.later_week'), '1', 'dispatcher: the occurrence of a week with room is booked');

-- who sees the settings ---------------------------------------------------------------------------------
select tests.act_as('acme_client');
select results_eq($$select max_bookings_per_client, max_bookings_per_client_period from public.services where id = tests.ref('physio')$$,
  $$values (2, 'week'::text)$$, 'a client reads the limit of a service (to tell why)');
select tests.act_as('rival_owner');
select is_empty($$select 1 from public.services where id = tests.ref('physio')$$, 'another organization reads nothing of it');
select tests.clear_authentication();

select * from finish();
rollback;
