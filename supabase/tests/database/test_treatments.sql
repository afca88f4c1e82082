-- Multi-session treatments (issue 6, seed 004): the services' configuration checks, the
-- schedule preview, and the seed's three scenarios end to end: dental implant (3 sessions,
-- 14 days then a month, immediate), physiotherapy (8 sessions, sequential, the completion
-- trigger), driving lessons (10 sessions, flexible: 3 now, more later); immediate treatments
-- that conflict book nothing; progress, credits and the dashboard view.
begin;
select plan(58);

do $$
declare
  v_org uuid := tests.seed_org('clinic', 'Europe/Berlin');
  -- the change at least 34 days ahead: a second treatment can start 14 days before this one
  v_start date := tests.next_dst_change('Europe/Berlin', 34) - 18;
begin
  perform tests.seed_org('otherclinic', 'Europe/Berlin');
  perform tests.add_member('clinic', 'clinic_client2', 'client');
  perform tests.add_member('clinic', 'clinic_client3', 'client');
  perform tests.add_member('clinic', 'clinic_client4', 'client');
  perform tests.seed_weekly_hours(v_org, tests.uid('clinic_provider'), '08:00', '18:00');
  perform tests.remember('implant', tests.seed_treatment_service(v_org, 'Dental implant', 3, 'immediate', '{"gaps_days": [14, 31]}'));
  perform tests.remember('physio', tests.seed_treatment_service(v_org, 'Physiotherapy', 8, 'sequential', '{"default_days": 2}'));
  perform tests.remember('driving', tests.seed_treatment_service(v_org, 'Driving lessons', 10, 'flexible', '{"default_days": 2}'));
  perform tests.remember('single', tests.seed_bookable_service(v_org, 'Check-up', 30));
  perform tests.remember('sub', tests.seed_subscription(v_org, tests.uid('clinic_client'), 20, 'active', now() - interval '1 day'));
  -- the implant starts 18 days before the clocks change: session 3 is after the change
  perform set_config('tests.implant_start', tests.local_ts(v_start, '14:00', 'Europe/Berlin')::text, true);
  perform set_config('tests.implant_day', v_start::text, true);
end
$$;

-- configuration ------------------------------------------------------------------------------
select throws_ok($$update public.services set total_sessions_required = 51 where id = tests.ref('driving')$$, '23514', null,
  'services: at most 50 sessions');
select throws_ok($$update public.services set multi_session_strategy = 'random' where id = tests.ref('driving')$$, '23514', null,
  'services: strategy is immediate, sequential or flexible');
select throws_ok($$update public.services set session_buffer_config = '{"gaps_days": ["two weeks"]}' where id = tests.ref('implant')$$, '23514', null,
  'session_buffer_config: gaps are whole days');
select throws_ok($$update public.services set session_buffer_config = '{"default_days": -1}' where id = tests.ref('implant')$$, '23514', null,
  'session_buffer_config: no negative days');
select throws_ok($$update public.services set session_buffer_config = '{"default_days": 1.5}' where id = tests.ref('implant')$$, '23514', null,
  'session_buffer_config: no fractions of days');
select throws_ok($$update public.services set session_buffer_config = '{"every": 3}' where id = tests.ref('implant')$$, '23514', null,
  'session_buffer_config: only default_days and gaps_days');
select throws_ok($$update public.services set session_buffer_config = '{"gaps_days": [14, 31, 7]}' where id = tests.ref('implant')$$, '23514', null,
  'session_buffer_config: no more gaps than intervals between the sessions');
select throws_ok($$update public.services set session_buffer_config = '[14, 31]' where id = tests.ref('implant')$$, '23514', null,
  'session_buffer_config: an object');
select lives_ok($$update public.services set total_sessions_required = 3, session_buffer_config = '{"default_days": 7, "gaps_days": [14]}' where id = tests.ref('single')$$,
  'session_buffer_config: default_days and gaps_days together');

-- preview ------------------------------------------------------------------------------------
select tests.act_as('clinic_client');
select results_eq(
  $$select session_number, to_char(starts_at at time zone 'Europe/Berlin', 'YYYY-MM-DD HH24:MI'), ends_at - starts_at
    from public.preview_treatment_schedule(tests.ref('implant'), current_setting('tests.implant_start')::timestamptz)$$,
  $$select n, to_char(current_setting('tests.implant_day')::date + d, 'YYYY-MM-DD') || ' 14:00', interval '60 minutes'
    from (values (1, 0), (2, 14), (3, 45)) as v (n, d)$$,
  'preview: dental implant on day 0, 14 days later, then 31 days later, all at 14:00 local');
select isnt(
  (select extract(hour from starts_at at time zone 'UTC') from public.preview_treatment_schedule(tests.ref('implant'), current_setting('tests.implant_start')::timestamptz) where session_number = 1),
  (select extract(hour from starts_at at time zone 'UTC') from public.preview_treatment_schedule(tests.ref('implant'), current_setting('tests.implant_start')::timestamptz) where session_number = 3),
  'preview: across the DST change the local time stays, the UTC time moves');
select is((select count(*)::int from public.preview_treatment_schedule(tests.ref('driving'), tests.slot(0, '17:00', 'Europe/Berlin'), 3)), 3,
  'preview: the first p_sessions sessions');
select is((tests.error_of($$select * from public.preview_treatment_schedule(tests.ref('implant'), now() + interval '1 day', 4)$$)) ->> 'hint', 'p_sessions',
  'preview: more sessions than the treatment has is INVALID_REQUEST');
select is((tests.error_of($$select * from public.preview_treatment_schedule(tests.ref('single'), now() + interval '1 day')$$)) ->> 'message', 'INVALID_REQUEST',
  'preview: a single-session service has no treatment schedule');
select tests.act_as('otherclinic_client');
select throws_ok($$select * from public.preview_treatment_schedule(tests.ref('implant'), now() + interval '1 day')$$, 'PT404', 'NOT_FOUND',
  'preview: another organization''s service is NOT_FOUND');

-- dental implant: immediate ---------------------------------------------------------------------
select tests.act_as('clinic_client');
do $$
begin
  perform set_config('tests.implant', public.book_treatment(tests.ref('implant'), tests.uid('clinic_provider'),
    current_setting('tests.implant_start')::timestamptz)::text, true);
  perform tests.remember('implant_group', (current_setting('tests.implant')::jsonb ->> 'session_group_id')::uuid);
end
$$;
select tests.clear_authentication();
select results_eq(
  $$select session_number, total_sessions, to_char(start_time at time zone 'Europe/Berlin', 'YYYY-MM-DD HH24:MI'), status, client_id
    from public.bookings where session_group_id = tests.ref('implant_group') order by session_number$$,
  $$select n, 3, to_char(current_setting('tests.implant_day')::date + d, 'YYYY-MM-DD') || ' 14:00', 'confirmed'::text, tests.uid('clinic_client')
    from (values (1, 0), (2, 14), (3, 45)) as v (n, d)$$,
  'dental implant: all 3 sessions booked at once in one session group, as previewed');
select is(jsonb_array_length(current_setting('tests.implant')::jsonb -> 'bookings'), 3, 'book_treatment: returns the group''s bookings');
select is((select count(*)::int from public.bookings where session_group_id = tests.ref('implant_group') and subscription_id = tests.ref('sub')), 3,
  'credits: each session spends a credit of the client''s subscription');
select is((select count(*)::int from public.outbox_events where topic = 'treatment.booked' and payload ->> 'session_group_id' = tests.ref('implant_group')::text), 1,
  'book_treatment: a treatment.booked event');
select tests.act_as('clinic_client');
select results_eq(
  $$select (p ->> 'total_sessions')::int, (p ->> 'booked')::int, (p ->> 'completed')::int, (p ->> 'remaining')::int, p ->> 'next_session_number', p ->> 'strategy'
    from public.treatment_progress(tests.ref('implant_group')) as p$$,
  $$values (3, 3, 0, 0, null::text, 'immediate'::text)$$,
  'treatment_progress: 3 booked, none completed, nothing left to book');
select throws_ok($$select public.book_next_treatment_session(tests.ref('implant_group'), now() + interval '90 days')$$, 'PT422', 'NO_SESSIONS_REMAINING',
  'book_next_treatment_session: never beyond the total');

-- an immediate treatment that conflicts books nothing ------------------------------------------
select tests.act_as('clinic_client2');
select results_eq(
  $$select e ->> 'sqlstate', e ->> 'message', e ->> 'detail' like 'Session 2 of 3 %'
    from tests.error_of(format('select public.book_treatment(%L, %L, %L)', tests.ref('implant'), tests.uid('clinic_provider'),
      current_setting('tests.implant_start')::timestamptz - interval '14 days')) as e$$,
  $$values ('PT409'::text, 'SLOT_TAKEN'::text, true)$$,
  'immediate: session 2 collides with a booked session: SLOT_TAKEN, and the error names session 2');
select tests.clear_authentication();
do $$
begin
  insert into public.specialist_availability_exceptions (organization_id, specialist_id, exception_date, reason, all_day)
  values (tests.org_id('clinic'), tests.uid('clinic_provider'), current_setting('tests.implant_day')::date + 46, 'conference', true);
end
$$;
select tests.act_as('clinic_client2');
select results_eq(
  $$select e ->> 'message', e ->> 'detail' like 'Session 3 of 3 %'
    from tests.error_of(format('select public.book_treatment(%L, %L, %L)', tests.ref('implant'), tests.uid('clinic_provider'),
      current_setting('tests.implant_start')::timestamptz + interval '1 day')) as e$$,
  $$values ('OUTSIDE_AVAILABILITY'::text, true)$$,
  'immediate: the provider is away on the day of session 3: OUTSIDE_AVAILABILITY naming session 3');
select tests.clear_authentication();
select is((select count(*)::int from public.bookings where client_id = tests.uid('clinic_client2')), 0,
  'immediate: after a conflict nothing at all is booked');
select is((select count(*)::int from public.service_sessions where organization_id = tests.org_id('clinic')), 3,
  'immediate: and no service session is left behind');
select is((select count(*)::int from public.outbox_events where topic = 'treatment.booked' and payload ->> 'client_id' = tests.uid('clinic_client2')::text), 0,
  'immediate: nor any event');

-- a cancelled session frees its number; the next one keeps order and gaps -------------------------
select tests.act_as('clinic_client');
select lives_ok(
  $$select public.cancel_booking((select id from public.bookings where session_group_id = tests.ref('implant_group') and session_number = 2), 'ill')$$,
  'dental implant: the client cancels session 2');
select is((public.treatment_progress(tests.ref('implant_group')) ->> 'next_session_number')::int, 2, 'treatment_progress: session 2 is to be booked again');
select throws_ok(
  $$select public.book_next_treatment_session(tests.ref('implant_group'), current_setting('tests.implant_start')::timestamptz + interval '40 days')$$,
  'PT422', 'TREATMENT_BUFFER_NOT_MET', 'book_next_treatment_session: session 2 keeps its 31-day gap before session 3');
select throws_ok(
  $$select public.book_next_treatment_session(tests.ref('implant_group'), current_setting('tests.implant_start')::timestamptz + interval '10 days')$$,
  'PT422', 'TREATMENT_BUFFER_NOT_MET', 'book_next_treatment_session: and its 14 days after session 1');
select is(
  (public.book_next_treatment_session(tests.ref('implant_group'), current_setting('tests.implant_start')::timestamptz + interval '14 days 2 hours')).session_number, 2,
  'book_next_treatment_session: rebooks session 2 in between');

-- physiotherapy: sequential -----------------------------------------------------------------------
select tests.act_as('clinic_admin');
select is((tests.error_of($$select public.book_treatment(tests.ref('physio'), tests.uid('clinic_provider'), tests.slot(0, '10:00', 'Europe/Berlin'), 2, tests.uid('clinic_client3'))$$)) ->> 'hint',
  'p_sessions', 'sequential: one session at a time');
do $$
begin
  perform tests.remember('physio_group', (public.book_treatment(tests.ref('physio'), tests.uid('clinic_provider'),
    tests.slot(0, '10:00', 'Europe/Berlin'), p_client_id => tests.uid('clinic_client3')) ->> 'session_group_id')::uuid);
end
$$;
select is((select count(*)::int from public.bookings where session_group_id = tests.ref('physio_group')), 1,
  'physiotherapy: the admin books session 1 of 8 for the client');
select tests.act_as('clinic_client3');
select throws_ok($$select public.book_next_treatment_session(tests.ref('physio_group'), tests.slot(3, '10:00', 'Europe/Berlin'))$$,
  'PT422', 'PREVIOUS_SESSION_NOT_COMPLETED', 'sequential: session 2 waits for session 1 to be completed');
select tests.clear_authentication();
select tests.move_session((select service_session_id from public.bookings where session_group_id = tests.ref('physio_group')), now() - interval '2 hours');
select tests.act_as('clinic_provider');
select lives_ok($$select public.complete_booking((select id from public.bookings where session_group_id = tests.ref('physio_group') and session_number = 1))$$,
  'physiotherapy: the provider completes session 1');
select tests.clear_authentication();
select results_eq(
  $$select (payload ->> 'next_session_number')::int, (payload ->> 'completed_session_number')::int, (payload ->> 'earliest_date')::date,
           payload ->> 'message' like 'Great job completing session 1 of 8!%session 2?'
    from public.outbox_events where topic = 'treatment.next_session_due' and payload ->> 'session_group_id' = tests.ref('physio_group')::text$$,
  $$values (2, 1, ((now() - interval '2 hours') at time zone 'Europe/Berlin')::date + 2, true)$$,
  'completing a sequential session emits treatment.next_session_due with the progress message');
select tests.act_as('clinic_client3');
select results_eq(
  $$select (p ->> 'completed')::int, (p ->> 'booked')::int, (p ->> 'remaining')::int, (p ->> 'next_session_number')::int, p ->> 'message'
    from public.treatment_progress(tests.ref('physio_group')) as p$$,
  $$values (1, 1, 7, 2, '1 of 8 sessions completed, 0 upcoming, 7 still to book. Next: session 2.'::text)$$,
  'treatment_progress: computed from the bookings, with its message');
-- the gap counts local days from session 1's local date (yesterday's in Berlin just after midnight UTC)
select throws_ok($$select public.book_next_treatment_session(tests.ref('physio_group'),
    tests.local_ts(((now() - interval '2 hours') at time zone 'Europe/Berlin')::date + 1, '10:00', 'Europe/Berlin'))$$,
  'PT422', 'TREATMENT_BUFFER_NOT_MET', 'sequential: the next session respects the minimum gap (2 days)');
select is((public.book_next_treatment_session(tests.ref('physio_group'), tests.slot(3, '10:00', 'Europe/Berlin'))).session_number, 2,
  'physiotherapy: the client books session 2');
select throws_ok($$select public.book_next_treatment_session(tests.ref('physio_group'), tests.slot(6, '10:00', 'Europe/Berlin'))$$,
  'PT422', 'PREVIOUS_SESSION_NOT_COMPLETED', 'sequential: never two sessions ahead');
select tests.act_as('clinic_client2');
select throws_ok($$select public.treatment_progress(tests.ref('physio_group'))$$, 'PT404', 'NOT_FOUND',
  'treatment_progress: another client''s treatment is NOT_FOUND');
select throws_ok($$select public.book_next_treatment_session(tests.ref('physio_group'), tests.slot(6, '10:00', 'Europe/Berlin'))$$, 'PT404', 'NOT_FOUND',
  'book_next_treatment_session: another client''s treatment is NOT_FOUND');
select tests.act_as('clinic_provider');
select is((public.treatment_progress(tests.ref('physio_group')) ->> 'booked')::int, 2, 'treatment_progress: the provider follows the treatment');

-- driving lessons: flexible --------------------------------------------------------------------------
select tests.act_as('clinic_client4');
select is((tests.error_of($$select public.book_treatment(tests.ref('driving'), tests.uid('clinic_provider'), tests.slot(7, '17:00', 'Europe/Berlin'), 11)$$)) ->> 'hint',
  'p_sessions', 'flexible: 1 to 10 lessons');
do $$
begin
  perform set_config('tests.driving', public.book_treatment(tests.ref('driving'), tests.uid('clinic_provider'),
    tests.slot(7, '17:00', 'Europe/Berlin'), 3)::text, true);
  perform tests.remember('driving_group', (current_setting('tests.driving')::jsonb ->> 'session_group_id')::uuid);
end
$$;
select results_eq(
  $$select session_number, to_char(start_time at time zone 'Europe/Berlin', 'Dy HH24:MI') from public.bookings
    where session_group_id = tests.ref('driving_group') order by session_number$$,
  $$values (1, 'Mon 17:00'), (2, 'Wed 17:00'), (3, 'Fri 17:00')$$,
  'driving lessons: 3 of 10 booked now, Monday, Wednesday, Friday at 17:00');
select is(current_setting('tests.driving')::jsonb ->> 'progress', '0 of 10 sessions completed, 3 upcoming, 7 still to book. Next: session 4.',
  'book_treatment: returns the progress message');
select is((public.book_next_treatment_session(tests.ref('driving_group'), tests.slot(14, '17:00', 'Europe/Berlin'))).session_number, 4,
  'driving lessons: more later, session 4');
select throws_ok($$select public.book_next_treatment_session(tests.ref('driving_group'), tests.slot(15, '17:00', 'Europe/Berlin'))$$,
  'PT422', 'TREATMENT_BUFFER_NOT_MET', 'flexible: the minimum gap after the previous lesson holds');
select results_eq(
  $$select (p ->> 'booked')::int, (p ->> 'remaining')::int, (p ->> 'next_session_number')::int from public.treatment_progress(tests.ref('driving_group')) as p$$,
  $$values (4, 6, 5)$$, 'driving lessons: 4 booked, 6 to go');
select is((select count(*)::int from public.bookings where session_group_id = tests.ref('driving_group') and subscription_id is null), 4,
  'credits: a client without a subscription books pay-per-session');

-- other errors ------------------------------------------------------------------------------------
select throws_ok($$select public.book_treatment(tests.ref('single'), tests.uid('clinic_provider'), tests.slot(20, '09:00', 'Europe/Berlin'))$$,
  'PT400', 'INVALID_REQUEST', 'book_treatment: a single-session service is booked with book_individual_session');
select throws_ok($$select public.book_treatment(tests.ref('driving'), tests.uid('clinic_provider'), tests.slot(20, '09:00', 'Europe/Berlin'), p_client_id => tests.uid('clinic_client'))$$,
  'PT403', 'FORBIDDEN', 'book_treatment: a client cannot book for another client');
select tests.act_as_signed_out();
select throws_ok($$select public.book_treatment(tests.ref('driving'), tests.uid('clinic_provider'), tests.slot(20, '09:00', 'Europe/Berlin'))$$,
  'PT401', 'UNAUTHORIZED', 'book_treatment: signed out');

-- completion and the dashboard -------------------------------------------------------------------
select tests.clear_authentication();
select tests.move_session(b.service_session_id, now() - make_interval(hours => 10 - b.session_number))
from public.bookings as b where b.session_group_id = tests.ref('implant_group') and b.status = 'confirmed';
select tests.act_as('clinic_provider');
select lives_ok($$select public.complete_booking(b.id) from public.bookings b where b.session_group_id = tests.ref('implant_group') and b.status = 'confirmed'$$,
  'dental implant: all three sessions completed');
select tests.clear_authentication();
select is((select count(*)::int from public.outbox_events where topic = 'treatment.completed' and payload ->> 'session_group_id' = tests.ref('implant_group')::text), 1,
  'completing the last session emits treatment.completed');
select is((select count(*)::int from public.outbox_events where topic = 'treatment.next_session_due' and payload ->> 'session_group_id' = tests.ref('implant_group')::text), 0,
  'treatment.next_session_due is for sequential treatments only');
select tests.act_as('clinic_admin');
select results_eq(
  $$select total_treatments, active_treatments, completed_treatments, cancelled_treatments, completion_rate
    from public.treatment_stats where organization_id = tests.org_id('clinic')$$,
  $$values (3::bigint, 2::bigint, 1::bigint, 0::bigint, 33.3::numeric)$$,
  'treatment_stats: 3 treatments, 2 active, 1 completed: 33.3% completion rate');
select tests.act_as('clinic_client4');
select results_eq($$select total_treatments, active_treatments from public.treatment_stats$$, $$values (1::bigint, 1::bigint)$$,
  'treatment_stats: security_invoker, a client counts only their own treatments');

select * from finish();
rollback;
