-- Recurring bookings (issue 6): create_recurring_booking and its validation, RLS, and the
-- dispatcher: weekly / biweekly / monthly (31st anchor) series over a year of daily runs, DST in
-- two time zones, end_date deactivation, catch-up and past occurrences, idempotency, resilience
-- (one bad series among good ones), credits, the audit entry, and the set-based path agreeing
-- with the one-by-one path.
begin;
select plan(68);

create temp table dispatch_results (label text primary key, result jsonb) on commit drop;

do $$
declare
  v_rec uuid := tests.seed_org('rec', 'Europe/Berlin');
  v_ny uuid := tests.seed_org('recny', 'America/New_York');
  v_res uuid := tests.seed_org('res', 'Europe/Berlin');
  v_day date := tests.next_weekday(1, 1);  -- a Monday, at least tomorrow
begin
  perform tests.seed_org('rival');
  perform tests.add_member('rec', 'rec_client2', 'client');
  perform tests.add_member('rec', 'rec_client3', 'client');
  perform tests.add_member('rec', 'rec_provider2', 'provider');
  perform tests.remember('session', tests.seed_bookable_service(v_rec, 'Session', 60));
  perform tests.remember('plan', tests.seed_treatment_service(v_rec, 'Plan', 3, 'immediate'));
  perform tests.remember('ny_session', tests.seed_bookable_service(v_ny, 'Lesson', 60));
  perform tests.remember('rival_session', tests.seed_bookable_service(tests.org_id('rival'), 'Rival', 60));
  perform tests.seed_weekly_hours(v_rec, tests.uid('rec_provider'));
  perform tests.seed_weekly_hours(v_rec, tests.uid('rec_provider2'));
  perform tests.seed_weekly_hours(v_ny, tests.uid('recny_provider'));
  perform set_config('tests.day', v_day::text, true);

  -- the year-long series (dispatched by daily runs below)
  perform tests.remember('weekly', tests.seed_series(v_rec, 'rec_client', 'rec_provider', tests.ref('session'), 'weekly', v_day, '09:00', v_day + 364));
  perform tests.remember('biweekly', tests.seed_series(v_rec, 'rec_client2', 'rec_provider', tests.ref('session'), 'biweekly', v_day + 1, '11:00', v_day + 365));
  perform tests.remember('monthly', tests.seed_series(v_rec, 'rec_client3', 'rec_provider', tests.ref('session'), 'monthly',
    (select d::date from generate_series(current_date + 1, current_date + 70, interval '1 day') as g (d)
     where extract(day from d) = 31 order by d limit 1), '13:00'));
  update public.recurring_bookings
  set end_date = (start_date + interval '12 months')::date
  where id = tests.ref('monthly');
  perform tests.remember('ending', tests.seed_series(v_rec, 'rec_client2', 'rec_provider2', tests.ref('session'), 'weekly', v_day, '15:00', v_day + 14));
  perform tests.remember('dst_berlin', tests.seed_series(v_rec, 'rec_client', 'rec_provider2', tests.ref('session'), 'weekly',
    tests.next_dst_change('Europe/Berlin', 20) - 14, '10:00', tests.next_dst_change('Europe/Berlin', 20) + 14));
  perform tests.remember('dst_ny', tests.seed_series(v_ny, 'recny_client', 'recny_provider', tests.ref('ny_session'), 'weekly',
    tests.next_dst_change('America/New_York', 20) - 14, '10:00', tests.next_dst_change('America/New_York', 20) + 14));

  -- the resilience organization's providers work every day; rules, exceptions, limits below
  perform tests.add_member('res', 'res_client2', 'client');
  perform tests.add_member('res', 'res_client3', 'client');
  perform tests.add_member('res', 'res_client4', 'client');
  perform tests.seed_weekly_hours(v_res, tests.uid('res_provider'));
end
$$;

-- create_recurring_booking ---------------------------------------------------------------
select tests.act_as('rec_client');
-- on Tuesdays: rec_provider2's fixture series run on Mondays and Sundays (a series holds its slots)
do $$
begin
  perform tests.remember('created', (public.create_recurring_booking(
    tests.ref('session'), tests.uid('rec_provider2'), 'biweekly', tests.next_weekday(2, 3), current_date + 60)).id);
end
$$;
select results_eq(
  $$select user_id, specialist_id, local_time, timezone, next_booking_date, last_generated_date, is_active, created_by
    from public.recurring_bookings where id = tests.ref('created')$$,
  $$values (tests.uid('rec_client'), tests.uid('rec_provider2'), time '10:00', 'Europe/Berlin'::text, tests.next_weekday(2, 3), null::date, true, tests.uid('rec_client'))$$,
  'create_recurring_booking: the client''s series, at the organization''s recurring_default_time and time zone, next = start');
select throws_ok($$select public.create_recurring_booking(tests.ref('session'), tests.uid('rec_provider'), 'daily', current_date + 3)$$,
  'PT400', 'INVALID_REQUEST', 'create_recurring_booking: unknown frequency');
select is((tests.error_of($$select public.create_recurring_booking(tests.ref('session'), tests.uid('rec_provider'), 'weekly', current_date + 9, current_date + 3)$$)) ->> 'hint',
  'p_end_date', 'create_recurring_booking: end before start is INVALID_REQUEST naming p_end_date');
select throws_ok($$select public.create_recurring_booking(tests.ref('session'), tests.uid('rec_provider'), 'weekly', current_date - 7)$$,
  'PT422', 'BOOKING_IN_PAST', 'create_recurring_booking: a series cannot start in the past');
select is((tests.error_of($$select public.create_recurring_booking(tests.ref('session'), tests.uid('rec_provider'), 'weekly', current_date + 3, p_timezone => 'Mars/Olympus')$$)) ->> 'hint',
  'p_timezone', 'create_recurring_booking: an unknown time zone is INVALID_REQUEST naming p_timezone');
select is((tests.error_of($$select public.create_recurring_booking(tests.ref('session'), tests.uid('rival_provider'), 'weekly', current_date + 3)$$)) ->> 'hint',
  'p_provider_id', 'create_recurring_booking: a provider of another organization is NOT_FOUND (p_provider_id)');
select throws_ok($$select public.create_recurring_booking(tests.ref('rival_session'), tests.uid('rival_provider'), 'weekly', current_date + 3)$$,
  'PT404', 'NOT_FOUND', 'create_recurring_booking: another organization''s service is NOT_FOUND');
select throws_ok($$select public.create_recurring_booking(tests.ref('session'), tests.uid('rec_provider'), 'weekly', current_date + 3, p_client_id => tests.uid('rec_client2'))$$,
  'PT403', 'FORBIDDEN', 'create_recurring_booking: a client cannot set up a series for another client');
select is((tests.error_of($$select public.create_recurring_booking(tests.ref('plan'), tests.uid('rec_provider'), 'weekly', current_date + 3)$$)) ->> 'hint',
  'p_service_id', 'create_recurring_booking: a multi-session treatment is INVALID_REQUEST (book_treatment)');
select tests.act_as_signed_out();
select throws_ok($$select public.create_recurring_booking(tests.ref('session'), tests.uid('rec_provider'), 'weekly', current_date + 3)$$,
  'PT401', 'UNAUTHORIZED', 'create_recurring_booking: signed out');
select tests.act_as('rec_provider');
select lives_ok($$select public.create_recurring_booking(tests.ref('session'), tests.uid('rec_provider'), 'monthly', current_date + 4, p_local_time => '16:30', p_client_id => tests.uid('rec_client3'))$$,
  'create_recurring_booking: a provider sets one up for a client, at a chosen local time');
do $$ begin perform tests.remember('by_provider', (select id from public.recurring_bookings where user_id = tests.uid('rec_client3') and local_time = '16:30')); end $$;

-- direct writes (seed 002 style) and RLS ----------------------------------------------------
select tests.act_as('rec_client2');
select lives_ok($$insert into public.recurring_bookings (user_id, specialist_id, service_id, frequency, start_date, end_date)
  values (tests.uid('rec_client2'), tests.uid('rec_provider'), tests.ref('session'), 'weekly', current_date + 5, current_date + 40)$$,
  'recurring_bookings: a client inserts their own series directly (organization from the service)');
do $$ begin perform tests.remember('direct', (select id from public.recurring_bookings where user_id = tests.uid('rec_client2') and end_date = current_date + 40)); end $$;
select is((select count(*)::int from public.recurring_bookings), 3, 'RLS: a client sees only their own series');
select throws_ok($$update public.recurring_bookings set next_booking_date = current_date + 30 where id = tests.ref('direct')$$,
  'PT400', 'INVALID_REQUEST', 'recurring_bookings: users cannot move next_booking_date (the dispatcher''s)');
select is(tests.affected_rows($$update public.recurring_bookings set is_active = false where id = tests.ref('direct')$$), 1,
  'recurring_bookings: a client pauses their series');
select throws_ok($$insert into public.recurring_bookings (user_id, specialist_id, service_id, frequency, start_date)
  values (tests.uid('rec_client'), tests.uid('rec_provider'), tests.ref('session'), 'weekly', current_date + 5)$$,
  '42501', null, 'RLS: a client cannot create a series for another client');
select tests.act_as('rec_provider2');
select ok((select count(*) from public.recurring_bookings) >= 3 and not exists (select 1 from public.recurring_bookings where specialist_id <> tests.uid('rec_provider2')),
  'RLS: a provider reads the series they run');
select tests.act_as('rec_admin');
select is((select count(*)::int from public.recurring_bookings), 8, 'RLS: an admin reads all of the organization''s series');
select tests.act_as('rival_admin');
select is((select count(*)::int from public.recurring_bookings), 0, 'RLS: another organization sees none');
select throws_ok($$select public.dispatch_recurring_bookings(current_date)$$, '42501', null,
  'dispatch_recurring_bookings: not executable by authenticated users (service_role only)');
select tests.clear_authentication();
select is((select count(*)::int from public.audit_log where action = 'recurring_booking.created' and entity_id = tests.ref('created')), 1,
  'create_recurring_booking: audited');
delete from public.recurring_bookings where id in (tests.ref('created'), tests.ref('by_provider'), tests.ref('direct'));

-- a year of daily runs ----------------------------------------------------------------------
insert into dispatch_results values ('year', tests.dispatch_daily(current_date, current_date + 430));
select is(
  (select coalesce(jsonb_agg(e), '[]') from dispatch_results as d, jsonb_array_elements(d.result -> 'errors') as e
   where d.label = 'year' and (e ->> 'recurring_id')::uuid in (select id from public.recurring_bookings where organization_id in (tests.org_id('rec'), tests.org_id('recny')))),
  '[]'::jsonb,
  'a year of daily runs: no errors in this suite''s series');
select is(cardinality(tests.series_local_starts(tests.ref('weekly'))), 53, 'weekly: 53 bookings in a year (+7 days)');
select is(tests.series_local_starts(tests.ref('weekly')),
  (select array_agg(to_char(current_setting('tests.day')::date + 7 * k, 'YYYY-MM-DD') || ' 09:00' order by k) from generate_series(0, 52) as k),
  'weekly: every Monday at 09:00 local');
select results_eq(
  $$select last_generated_date, next_booking_date, is_active from public.recurring_bookings where id = tests.ref('weekly')$$,
  $$values (current_setting('tests.day')::date + 364, current_setting('tests.day')::date + 371, false)$$,
  'weekly: last_generated_date and next_booking_date advanced; deactivated after its last occurrence (end_date)');
select is(tests.series_local_starts(tests.ref('biweekly')),
  (select array_agg(to_char(current_setting('tests.day')::date + 1 + 14 * k, 'YYYY-MM-DD') || ' 11:00' order by k) from generate_series(0, 26) as k),
  'biweekly: 27 bookings in a year, every other Tuesday at 11:00 local');
select is(tests.series_local_starts(tests.ref('monthly')),
  (select array_agg(to_char(r.start_date + make_interval(months => k), 'YYYY-MM-DD') || ' 13:00' order by k)
   from public.recurring_bookings as r cross join generate_series(0, 12) as k where r.id = tests.ref('monthly')),
  'monthly from the 31st: 13 bookings, on the 31st or the month''s last day');
select ok(
  (select bool_and(extract(day from (b.start_time at time zone 'Europe/Berlin')) = 31
                   or (b.start_time at time zone 'Europe/Berlin')::date = (date_trunc('month', b.start_time at time zone 'Europe/Berlin') + interval '1 month - 1 day')::date)
   from public.bookings b where b.recurring_booking_id = tests.ref('monthly'))
  and (select count(*) from public.bookings b where b.recurring_booking_id = tests.ref('monthly')
       and extract(month from b.start_time at time zone 'Europe/Berlin') = 2
       and extract(day from b.start_time at time zone 'Europe/Berlin') in (28, 29)) = 1
  -- (a series starting on 31 March has two Marches in its 13 months: the one after February counts)
  and (select bool_and(substr(s.next, 6) = '03-31 13:00')
       from (select t, lead(t) over (order by t) as next from unnest(tests.series_local_starts(tests.ref('monthly'))) as t) as s
       where substr(s.t, 6, 2) = '02'),
  'monthly: the anchor day survives February (Feb 28/29, then Mar 31 again)');
select results_eq(
  $$select is_active, next_booking_date > end_date from public.recurring_bookings where id = tests.ref('monthly')$$,
  $$values (false, true)$$, 'monthly: deactivated once the next occurrence is past end_date');
select is(cardinality(tests.series_local_starts(tests.ref('ending'))), 3, 'end_date: occurrences up to end_date only');
select results_eq(
  $$select is_active, last_generated_date, next_booking_date from public.recurring_bookings where id = tests.ref('ending')$$,
  $$values (false, current_setting('tests.day')::date + 14, current_setting('tests.day')::date + 21)$$,
  'end_date: the series is deactivated after its last occurrence');
select ok((select bool_and(substr(t, 12) = '10:00') from unnest(tests.series_local_starts(tests.ref('dst_berlin'))) as t)
  and cardinality(tests.series_local_starts(tests.ref('dst_berlin'))) = 5,
  'DST Europe/Berlin: 10:00 local every week across the change');
select is((select count(distinct extract(hour from b.start_time at time zone 'UTC'))::int from public.bookings b where b.recurring_booking_id = tests.ref('dst_berlin')), 2,
  'DST Europe/Berlin: so the UTC time moves by an hour');
select ok((select bool_and(substr(t, 12) = '10:00') from unnest(tests.series_local_starts(tests.ref('dst_ny'))) as t)
  and cardinality(tests.series_local_starts(tests.ref('dst_ny'))) = 5,
  'DST America/New_York: 10:00 local every week across the change');
select is((select count(distinct extract(hour from b.start_time at time zone 'UTC'))::int from public.bookings b where b.recurring_booking_id = tests.ref('dst_ny')), 2,
  'DST America/New_York: so the UTC time moves by an hour');
select ok((select bool_and(ss.kind = 'individual' and ss.visibility = 'private' and ss.current_participants = 1
                           and b.status = 'confirmed' and b.booking_kind = 'regular' and b.price = 50)
           from public.bookings b join public.service_sessions ss on ss.id = b.service_session_id
           where b.recurring_booking_id is not null and b.organization_id in (tests.org_id('rec'), tests.org_id('recny'))),
  'dispatched bookings: confirmed regular bookings of a private individual session, price snapshot');
select is((select count(*)::int from public.booking_status_history h join public.bookings b on b.id = h.booking_id
           where b.recurring_booking_id is not null and b.organization_id in (tests.org_id('rec'), tests.org_id('recny'))),
  (select count(*)::int from public.bookings where recurring_booking_id is not null and organization_id in (tests.org_id('rec'), tests.org_id('recny'))),
  'dispatched bookings: each starts its status history');
select is((select count(*)::int from public.outbox_events e where e.topic = 'booking.created'
           and (e.payload ->> 'booking_id')::uuid in (select id from public.bookings where recurring_booking_id is not null
                                                       and organization_id in (tests.org_id('rec'), tests.org_id('recny')))),
  (select count(*)::int from public.bookings where recurring_booking_id is not null and organization_id in (tests.org_id('rec'), tests.org_id('recny'))),
  'dispatched bookings: one booking.created event each');
select is((select count(*)::int from public.audit_log where action = 'recurring_bookings_dispatched' and at = now()),
  (select (result ->> 'runs')::int from dispatch_results where label = 'year'),
  'audit: one recurring_bookings_dispatched entry per run');

-- catch-up, idempotency, past occurrences --------------------------------------------------
do $$
begin
  perform tests.remember('catchup', tests.seed_series(tests.org_id('recny'), 'recny_client', 'recny_provider', tests.ref('ny_session'), 'weekly', current_date + 2, '15:00'));
  insert into dispatch_results values ('catchup', tests.dispatch(current_date + 58));
  insert into dispatch_results values ('again', tests.dispatch(current_date + 58));
end
$$;
select is((select (result ->> 'count')::int from dispatch_results where label = 'catchup'), 9,
  'catch-up: one run books every occurrence due up to the run date');
select is((select next_booking_date from public.recurring_bookings where id = tests.ref('catchup')), current_date + 65,
  'catch-up: next_booking_date moves past the run date');
select results_eq($$select (result ->> 'count')::int, result -> 'errors' from dispatch_results where label = 'again'$$,
  $$values (0, '[]'::jsonb)$$, 'idempotent: a second run for the same date books nothing');
update public.recurring_bookings set next_booking_date = start_date where id = tests.ref('catchup');
do $$
begin
  insert into dispatch_results values ('rewound', tests.dispatch(current_date + 58));
end
$$;
select results_eq($$select (result ->> 'count')::int, (result ->> 'already_booked')::int from dispatch_results where label = 'rewound'$$,
  $$values (0, 9)$$, 'idempotent: occurrences that already have their booking are not booked again (unique per series and date)');
select is((select count(*)::int from public.bookings where recurring_booking_id = tests.ref('catchup')), 9,
  'idempotent: still one booking per occurrence');
select throws_ok(
  $$insert into public.bookings (organization_id, client_id, provider_id, service_id, start_time, end_time, recurring_booking_id, recurring_occurrence_date)
    select organization_id, client_id, provider_id, service_id, start_time + interval '1 hour', end_time + interval '1 hour', recurring_booking_id, recurring_occurrence_date
    from public.bookings where recurring_booking_id = tests.ref('catchup') limit 1$$,
  '23505', null, 'idempotent: the database refuses a second booking for an occurrence');
do $$
begin
  perform tests.remember('late', tests.seed_series(tests.org_id('recny'), 'recny_client', 'recny_provider', tests.ref('ny_session'), 'weekly', current_date - 21, '12:00'));
  insert into dispatch_results values ('late', tests.dispatch(current_date + 7));
end
$$;
-- occurrences on days -21, -14, -7 are past; today's may be; day +7 is not
select ok((select (result ->> 'skipped')::int between 3 and 4
                  and (result ->> 'skipped')::int + (result ->> 'count')::int = 5 from dispatch_results where label = 'late'),
  'missed occurrences in the past are skipped and counted');
select ok((select count(*) from public.bookings where recurring_booking_id = tests.ref('late')) between 1 and 2
  and (select bool_and(start_time > now()) from public.bookings where recurring_booking_id = tests.ref('late')),
  'never a booking in the past: only the future occurrences are booked');
-- the audit entry describes the whole run (every organization's series), so it is compared with
-- what the run returned, not with this suite's own series
select results_eq(
  $$select (new_values ->> 'dispatched')::int, (new_values ->> 'skipped')::int, (new_values ->> 'errors')::int, status
    from public.audit_log where action = 'recurring_bookings_dispatched' and at = now() and new_values ->> 'run_date' = (current_date + 7)::text
    order by id desc limit 1$$,
  $$select (result ->> 'count')::int, (result ->> 'skipped')::int, jsonb_array_length(result -> 'errors'),
           case when jsonb_array_length(result -> 'errors') = 0 then 'success' else 'success_with_errors' end
    from dispatch_results where label = 'late'$$,
  'audit: {dispatched, skipped, errors} and status of a run, as it returned them');

-- resilience: one bad series among good ones -------------------------------------------------
do $$
declare
  v_res uuid := tests.org_id('res');
  v_day date := current_date + 3;
begin
  perform tests.remember('res_session', tests.seed_bookable_service(v_res, 'Coaching', 60));
  perform tests.remember('res_closing', tests.seed_bookable_service(v_res, 'Closing', 60));
  perform tests.remember('good', tests.seed_series(v_res, 'res_client', 'res_provider', tests.ref('res_session'), 'weekly', v_day, '09:00', v_day));
  perform tests.remember('away', tests.seed_series(v_res, 'res_client2', 'res_provider', tests.ref('res_session'), 'weekly', v_day + 1, '09:00', v_day + 1));
  perform tests.remember('closed', tests.seed_series(v_res, 'res_client3', 'res_provider', tests.ref('res_closing'), 'weekly', v_day, '11:00', v_day));
  perform tests.remember('aside', tests.seed_series(v_res, 'res_client', 'res_provider', tests.ref('res_session'), 'weekly', v_day + 1, '12:00', v_day + 1));
  perform tests.remember('paid', tests.seed_series(v_res, 'res_client4', 'res_provider', tests.ref('res_session'), 'weekly', v_day, '14:00', v_day));
  perform tests.remember('unpaid', tests.seed_series(v_res, 'res_client4', 'res_provider', tests.ref('res_session'), 'weekly', v_day + 1, '16:00', v_day + 1));
  insert into public.specialist_availability_exceptions (organization_id, specialist_id, exception_date, reason, all_day, start_time, end_time)
  values (v_res, tests.uid('res_provider'), v_day + 1, 'personal', false, '08:30', '10:00');
  update public.services set is_active = false where id = tests.ref('res_closing');
  perform tests.seed_subscription(v_res, tests.uid('res_client4'), 1, 'active', now() - interval '1 day');
  insert into dispatch_results values ('resilience', tests.dispatch(v_day + 1));
end
$$;
select is((select (result ->> 'count')::int from dispatch_results where label = 'resilience'), 3,
  'resilience: the good series are booked (the one on a day with an exception elsewhere included)');
select set_eq(
  $$select e ->> 'error' from dispatch_results, jsonb_array_elements(result -> 'errors') e where label = 'resilience'$$,
  $$values ('OUTSIDE_AVAILABILITY'), ('SERVICE_INACTIVE'), ('NO_CREDITS_LEFT')$$,
  'resilience: each failing occurrence is reported with its contract code');
select set_eq(
  $$select (e ->> 'recurring_id')::uuid from dispatch_results, jsonb_array_elements(result -> 'errors') e where label = 'resilience'$$,
  $$values (tests.ref('away')), (tests.ref('closed')), (tests.ref('unpaid'))$$,
  'resilience: errors name the series (recurring_id)');
select is((select count(*)::int from public.outbox_events where topic = 'recurring_booking.occurrence_failed' and organization_id = tests.org_id('res')), 3,
  'resilience: an outbox event for each failure, so someone can rebook');
select ok((select bool_and(next_booking_date > start_date and last_generated_date = start_date and not is_active)
           from public.recurring_bookings where organization_id = tests.org_id('res')),
  'resilience: failed series advance like the others');
select is((select status from public.audit_log where action = 'recurring_bookings_dispatched' and at = now() order by id desc limit 1), 'success_with_errors',
  'audit: a run with failures is success_with_errors');
select results_eq(
  $$select (select count(*)::int from public.bookings where recurring_booking_id = tests.ref('paid') and subscription_id is not null),
           (select count(*)::int from public.bookings where recurring_booking_id = tests.ref('unpaid'))$$,
  $$values (1, 0)$$, 'credits: the last credit pays for the first occurrence; the next one is not booked');

-- credits ----------------------------------------------------------------------------------
do $$
declare
  v_res uuid := tests.org_id('res');
begin
  perform tests.add_member('res', 'res_client5', 'client');
  perform tests.add_member('res', 'res_client6', 'client');
  perform tests.remember('sub5', tests.seed_subscription(v_res, tests.uid('res_client5'), 3, 'active', now() - interval '1 day'));
  perform tests.remember('sub6', tests.seed_subscription(v_res, tests.uid('res_client6'), 10, 'active', now() - interval '1 day'));
  perform tests.remember('short', tests.seed_series(v_res, 'res_client5', 'res_provider', tests.ref('res_session'), 'weekly', current_date + 10, '10:00', current_date + 31));
  perform tests.remember('plenty', tests.seed_series(v_res, 'res_client6', 'res_provider', tests.ref('res_session'), 'weekly', current_date + 10, '12:00', current_date + 31));
  insert into dispatch_results values ('credits', tests.dispatch(current_date + 31));
end
$$;
select is((select count(*)::int from public.bookings where recurring_booking_id = tests.ref('plenty') and subscription_id = tests.ref('sub6')), 4,
  'credits: every dispatched booking spends a credit of the client''s subscription');
select is((select count(*)::int from public.bookings where recurring_booking_id = tests.ref('short') and subscription_id = tests.ref('sub5')), 3,
  'credits: a 3-credit subscription pays for 3 occurrences');
select is((select count(*)::int from dispatch_results, jsonb_array_elements(result -> 'errors') e
           where label = 'credits' and e ->> 'error' = 'NO_CREDITS_LEFT' and (e ->> 'recurring_id')::uuid = tests.ref('short')), 1,
  'credits: the 4th occurrence fails with NO_CREDITS_LEFT');
select is((tests.balance(tests.ref('sub6')) ->> 'remaining')::int, 6, 'credits: the balance shows them scheduled');
select ok((select (new_values ->> 'set_based')::int >= 4 from public.audit_log where action = 'recurring_bookings_dispatched' and at = now() order by id desc limit 1),
  'the clear cases were booked set-based');

-- a dispatch run (all due occurrences at once) equals the same occurrences booked one by one ---
do $$
declare
  v_slug text;
  v_org uuid;
  v_day date;
begin
  foreach v_slug in array array['bulkpath', 'singlepath'] loop
    v_org := tests.seed_org(v_slug, 'Europe/Berlin');
    -- the one-by-one organization's occurrences are a day earlier: the run sees only the other's
    v_day := current_date + case when v_slug = 'bulkpath' then 5 else 4 end;
    perform tests.add_member(v_slug, v_slug || '_c2', 'client');
    perform tests.add_member(v_slug, v_slug || '_c3', 'client');
    perform tests.add_member(v_slug, v_slug || '_c4', 'client');
    perform tests.add_member(v_slug, v_slug || '_p2', 'provider');
    perform tests.add_member(v_slug, v_slug || '_p3', 'provider');
    perform tests.seed_subscription(v_org, tests.uid(v_slug || '_client'), 10, 'active', now() - interval '1 day');
    perform tests.seed_weekly_hours(v_org, tests.uid(v_slug || '_provider'));
    perform tests.seed_weekly_hours(v_org, tests.uid(v_slug || '_p2'));
    -- p3 works 09-12 and 12-17: two rules make the day
    perform tests.seed_weekly_hours(v_org, tests.uid(v_slug || '_p3'), '09:00', '12:00');
    perform tests.seed_weekly_hours(v_org, tests.uid(v_slug || '_p3'), '12:00', '17:00');
    insert into public.specialist_availability_exceptions (organization_id, specialist_id, exception_date, reason, all_day, start_time, end_time)
    values (v_org, tests.uid(v_slug || '_p2'), v_day, 'training', false, '13:00', '14:00');
    perform tests.remember(v_slug || '_plain', tests.seed_bookable_service(v_org, 'Plain', 60));
    perform tests.remember(v_slug || '_buffered', tests.seed_bookable_service(v_org, 'Buffered', 30));
    perform tests.remember(v_slug || '_limited', tests.seed_bookable_service(v_org, 'Limited', 30));
    update public.services set buffer_before_minutes = 30 where id = tests.ref(v_slug || '_buffered');
    update public.services set max_bookings_per_day = 1 where id = tests.ref(v_slug || '_limited');
    perform tests.seed_series(v_org, v_slug || '_client', v_slug || '_provider', tests.ref(v_slug || '_plain'), 'weekly', v_day, '09:00', v_day);
    perform tests.seed_series(v_org, v_slug || '_c2', v_slug || '_provider', tests.ref(v_slug || '_plain'), 'weekly', v_day, '09:30', v_day);
    perform tests.seed_series(v_org, v_slug || '_c3', v_slug || '_provider', tests.ref(v_slug || '_buffered'), 'weekly', v_day, '10:15', v_day);
    perform tests.seed_series(v_org, v_slug || '_c4', v_slug || '_provider', tests.ref(v_slug || '_buffered'), 'weekly', v_day, '11:30', v_day);
    perform tests.seed_series(v_org, v_slug || '_client', v_slug || '_p2', tests.ref(v_slug || '_limited'), 'weekly', v_day, '10:00', v_day);
    perform tests.seed_series(v_org, v_slug || '_c2', v_slug || '_p2', tests.ref(v_slug || '_limited'), 'weekly', v_day, '11:00', v_day);
    perform tests.seed_series(v_org, v_slug || '_c3', v_slug || '_p2', tests.ref(v_slug || '_plain'), 'weekly', v_day, '13:30', v_day);
    perform tests.seed_series(v_org, v_slug || '_c4', v_slug || '_p2', tests.ref(v_slug || '_plain'), 'weekly', v_day, '15:00', v_day);
    perform tests.seed_series(v_org, v_slug || '_client', v_slug || '_p3', tests.ref(v_slug || '_plain'), 'weekly', v_day, '11:30', v_day);
    -- edited series (issue 14): one moved from 16:00 to 13:00 that day, one skipped
    perform public.move_recurring_occurrence(
      tests.seed_series(v_org, v_slug || '_c2', v_slug || '_p3', tests.ref(v_slug || '_plain'), 'weekly', v_day, '16:00', v_day),
      v_day, (v_day + time '13:00') at time zone 'Europe/Berlin');
    perform public.skip_recurring_occurrence(
      tests.seed_series(v_org, v_slug || '_c3', v_slug || '_p3', tests.ref(v_slug || '_plain'), 'weekly', v_day, '14:30', v_day),
      v_day);
  end loop;
  insert into dispatch_results values ('singlepath', tests.dispatch_one_by_one(tests.org_id('singlepath'), current_date + 4));
  insert into dispatch_results values ('bulkpath', tests.dispatch(current_date + 5));
end
$$;
create temp view path_outcomes as
select o.slug, to_char(r.local_time, 'HH24:MI') as local_time, r.specialist_id = tests.uid(o.slug || '_provider') as first_provider,
       coalesce(b.status, (select e ->> 'error' from dispatch_results d, jsonb_array_elements(d.result -> 'errors') e
                           where d.label = o.slug and (e ->> 'recurring_id')::uuid = r.id), 'not booked') as outcome
from (values ('bulkpath'), ('singlepath')) as o (slug)
join public.recurring_bookings r on r.organization_id = tests.org_id(o.slug)
left join public.bookings b on b.recurring_booking_id = r.id;
select results_eq(
  $$select local_time, first_provider, outcome from path_outcomes where slug = 'bulkpath' order by 2, 1, 3$$,
  $$select local_time, first_provider, outcome from path_outcomes where slug = 'singlepath' order by 2, 1, 3$$,
  'a dispatch run and the same occurrences booked one by one agree on every outcome');
select set_eq(
  $$select local_time || ' ' || outcome from path_outcomes where slug = 'singlepath'$$,
  $$values ('09:00 confirmed'), ('09:30 SLOT_TAKEN'), ('10:15 SLOT_TAKEN'), ('11:30 confirmed'), ('10:00 confirmed'),
           ('11:00 DAILY_LIMIT_REACHED'), ('13:30 OUTSIDE_AVAILABILITY'), ('15:00 confirmed'),
           ('16:00 confirmed'), ('14:30 not booked')$$,
  'the booking core''s rules: overlap, buffer, daily limit, exceptions (and two adjacent rules making one day), a moved and a skipped occurrence');
select is((select array_agg(to_char(b.start_time at time zone 'Europe/Berlin', 'HH24:MI') order by b.start_time)
           from public.recurring_bookings r join public.bookings b on b.recurring_booking_id = r.id
           where r.organization_id in (tests.org_id('bulkpath'), tests.org_id('singlepath')) and r.local_time = '16:00'),
  array['13:00', '13:00'],
  'a moved occurrence is booked at its new time, set-based and one by one');
create temp view path_bookings as
select o.slug, to_char(r.local_time, 'HH24:MI') as local_time, r.specialist_id = tests.uid(o.slug || '_provider') as first_provider,
       b.status, b.booking_kind, b.price, b.subscription_id is not null as paid_with_credit,
       b.session_type_id = sv.session_type_id as service_type,
       (b.start_time, b.end_time, b.provider_id, b.service_id, b.session_type_id) = (ss.starts_at, ss.ends_at, ss.provider_id, ss.service_id, ss.session_type_id) as session_copy,
       ss.kind, ss.visibility, ss.max_participants, ss.current_participants, ss.status as session_status,
       (select array_agg(h.to_status || coalesce(h.from_status, '-') order by h.id) from public.booking_status_history h where h.booking_id = b.id) as history,
       (select array_agg(k order by k) from public.outbox_events e cross join jsonb_object_keys(e.payload) as k
        where e.topic = 'booking.created' and e.payload ->> 'booking_id' = b.id::text) as event_keys
from (values ('bulkpath'), ('singlepath')) as o (slug)
join public.recurring_bookings r on r.organization_id = tests.org_id(o.slug)
join public.bookings b on b.recurring_booking_id = r.id
join public.service_sessions ss on ss.id = b.service_session_id
join public.services sv on sv.id = b.service_id;
select results_eq(
  $$select local_time, first_provider, status, booking_kind, price, paid_with_credit, service_type, session_copy, kind, visibility,
           max_participants, current_participants, session_status, history, event_keys
    from path_bookings where slug = 'bulkpath' order by 2, 1$$,
  $$select local_time, first_provider, status, booking_kind, price, paid_with_credit, service_type, session_copy, kind, visibility,
           max_participants, current_participants, session_status, history, event_keys
    from path_bookings where slug = 'singlepath' order by 2, 1$$,
  'a dispatch run writes exactly what single bookings write: session, participants, session type, credit, history, event');
select is((select count(*)::int from path_bookings where slug = 'bulkpath' and paid_with_credit), 3,
  'a dispatch run spends the client''s credits like single bookings');
-- (the run also dispatches other organizations' series due that day: its counters cover them too)
select ok((select count(*) from path_bookings where slug = 'bulkpath') = 6
  and (select (new_values ->> 'set_based')::int from public.audit_log where action = 'recurring_bookings_dispatched' and at = now() order by id desc limit 1) >= 5,
  'the run wrote the occurrences every rule let through in one statement, and asked about the others again one by one');

-- guards ------------------------------------------------------------------------------------
select is((select (tests.error_of($$select public.dispatch_recurring_bookings(current_date + 800)$$)) ->> 'hint'), 'p_run_date',
  'dispatch: a run date more than two years ahead is refused');
do $$
declare
  v_jobs bigint;
begin
  if to_regclass('cron.job') is null then
    perform set_config('tests.cron', 'absent', true);
  else
    -- two concurrent jobs, shard 0 and shard 1 of 2, and nothing left of the single-job draft
    execute $q$select count(*) filter (where (jobname, command) in (
                 ('dispatch-recurring-bookings-shard-0', 'select public.dispatch_recurring_bookings(((now() at time zone ''utc'')::date + 1), 0, 2)'),
                 ('dispatch-recurring-bookings-shard-1', 'select public.dispatch_recurring_bookings(((now() at time zone ''utc'')::date + 1), 1, 2)')))
               - count(*) filter (where jobname = 'dispatch-recurring-bookings')
             from cron.job where schedule = '0 2 * * *' or jobname like 'dispatch-recurring-bookings%'$q$ into v_jobs;
    perform set_config('tests.cron', case when v_jobs = 2 then 'scheduled' else 'missing' end, true);
  end if;
end
$$;
select ok(current_setting('tests.cron') in ('absent', 'scheduled'), 'pg_cron (where installed) runs the dispatcher daily, as two shard jobs by name');

select * from finish();
rollback;
