-- get_available_slots: weekly hours minus exceptions (all-day and partial) minus existing
-- sessions (with buffers), in the organization's time zone and across a DST change, honouring
-- min_notice_minutes, max_advance_days and max_bookings_per_day; and booking re-checks it.
begin;
select plan(32);

do $$
declare
  v_acme uuid := tests.seed_org('acme');
  v_dst uuid := tests.seed_org('dst', 'Europe/Berlin');
begin
  perform tests.seed_org('rival');
  perform tests.add_member('acme', 'acme_provider2', 'provider');
  perform tests.add_member('dst', 'dst_night_owl', 'provider');
  perform tests.remember('physio', tests.seed_bookable_service(v_acme, 'Physio', 60));
  perform tests.remember('buffered', tests.seed_bookable_service(v_acme, 'Buffered', 60));
  perform tests.remember('notice', tests.seed_bookable_service(v_acme, 'Notice', 60));
  perform tests.remember('window', tests.seed_bookable_service(v_acme, 'Window', 60));
  perform tests.remember('limited', tests.seed_bookable_service(v_acme, 'Limited', 60));
  perform tests.remember('inactive', tests.seed_bookable_service(v_acme, 'Inactive', 60));
  perform tests.remember('dst_service', tests.seed_bookable_service(v_dst, 'Lesson', 60));
  update public.services set buffer_before_minutes = 15, buffer_after_minutes = 30 where id = tests.ref('buffered');
  update public.services set min_notice_minutes = 1440 where id = tests.ref('notice');
  update public.services set max_advance_days = 10 where id = tests.ref('window');
  update public.services set max_bookings_per_day = 1 where id = tests.ref('limited');
  update public.services set is_active = false where id = tests.ref('inactive');
  perform tests.seed_weekly_hours(v_acme, tests.uid('acme_provider'), '09:00', '12:00');
  perform tests.seed_weekly_hours(v_acme, tests.uid('acme_provider2'), '09:00', '12:00');
  perform tests.seed_weekly_hours(v_dst, tests.uid('dst_provider'), '09:00', '11:00');
  perform tests.seed_weekly_hours(v_dst, tests.uid('dst_night_owl'), '00:00', '04:00');
  -- day 0: an existing booking at 10:00
  perform tests.remember('b_day0', tests.seed_booking(tests.ref('physio'), tests.uid('acme_client'), tests.slot(0, '10:00')));
  -- day 1: vacation (all day); day 2: a doctor's appointment 10:00-11:00; day 3: 10:30-11:00
  insert into public.specialist_availability_exceptions (organization_id, specialist_id, exception_date, is_available, reason, all_day, start_time, end_time)
  values
    (v_acme, tests.uid('acme_provider'), tests.next_weekday(1) + 1, false, 'vacation', true, null, null),
    (v_acme, tests.uid('acme_provider'), tests.next_weekday(1) + 2, false, 'personal', false, '10:00', '11:00'),
    (v_acme, tests.uid('acme_provider'), tests.next_weekday(1) + 3, false, 'personal', false, '10:30', '11:00'),
    -- day 4: works 14:00-16:00 instead of the weekly hours
    (v_acme, tests.uid('acme_provider'), tests.next_weekday(1) + 4, true, 'other', false, '14:00', '16:00');
  -- day 5: a buffered session 09:00-10:00 (30 minutes after); day 6: a plain session 11:00-12:00
  perform tests.seed_booking(tests.ref('buffered'), tests.uid('acme_client'), tests.slot(5, '09:00'));
  perform tests.seed_booking(tests.ref('physio'), tests.uid('acme_client'), tests.slot(6, '11:00'));
  -- provider 2, day 0: the one 'limited' booking of the day
  perform tests.seed_booking(tests.ref('limited'), tests.uid('acme_client'), tests.slot(0, '09:00'), tests.uid('acme_provider2'));
end
$$;

select tests.act_as('acme_client');

-- the plain case and an existing booking ------------------------------------------------------
select results_eq(
  $$select starts_at, ends_at from public.get_available_slots(tests.uid('acme_provider'), tests.ref('physio'), tests.next_weekday(1) + 7, tests.next_weekday(1) + 7)$$,
  $$values (tests.slot(7, '09:00'), tests.slot(7, '10:00')), (tests.slot(7, '10:00'), tests.slot(7, '11:00')), (tests.slot(7, '11:00'), tests.slot(7, '12:00'))$$,
  'slots: 09:00-12:00 weekly hours give three 60-minute slots');
select results_eq(
  $$select starts_at from public.get_available_slots(tests.uid('acme_provider'), tests.ref('physio'), tests.next_weekday(1), tests.next_weekday(1))$$,
  $$values (tests.slot(0, '09:00')), (tests.slot(0, '11:00'))$$,
  'slots: an existing booking removes its slot');

-- exceptions ------------------------------------------------------------------------------------
select is_empty(
  $$select 1 from public.get_available_slots(tests.uid('acme_provider'), tests.ref('physio'), tests.next_weekday(1) + 1, tests.next_weekday(1) + 1)$$,
  'slots: nothing on an all-day exception (vacation)');
select results_eq(
  $$select starts_at from public.get_available_slots(tests.uid('acme_provider'), tests.ref('physio'), tests.next_weekday(1) + 2, tests.next_weekday(1) + 2)$$,
  $$values (tests.slot(2, '09:00')), (tests.slot(2, '11:00'))$$,
  'slots: a partial exception 10:00-11:00 removes that hour');
select results_eq(
  $$select starts_at from public.get_available_slots(tests.uid('acme_provider'), tests.ref('physio'), tests.next_weekday(1) + 3, tests.next_weekday(1) + 3)$$,
  $$values (tests.slot(3, '09:00')), (tests.slot(3, '11:00'))$$,
  'slots: a partial exception 10:30-11:00 removes every slot it touches');
select results_eq(
  $$select starts_at from public.get_available_slots(tests.uid('acme_provider'), tests.ref('physio'), tests.next_weekday(1) + 4, tests.next_weekday(1) + 4)$$,
  $$values (tests.slot(4, '14:00')), (tests.slot(4, '15:00'))$$,
  'slots: an is_available exception replaces the day''s weekly hours');
select is(
  (select count(*)::int from public.get_available_slots(tests.uid('acme_provider'), tests.ref('physio'), tests.next_weekday(1), tests.next_weekday(1) + 6)),
  2 + 0 + 2 + 2 + 2 + 1 + 2,
  'slots: a whole week at once');

-- buffers ---------------------------------------------------------------------------------------
select results_eq(
  $$select starts_at from public.get_available_slots(tests.uid('acme_provider'), tests.ref('physio'), tests.next_weekday(1) + 5, tests.next_weekday(1) + 5)$$,
  $$values (tests.slot(5, '11:00'))$$,
  'slots: the 30 minutes after a buffered session stay free (10:00 is gone too)');
select results_eq(
  $$select starts_at from public.get_available_slots(tests.uid('acme_provider'), tests.ref('buffered'), tests.next_weekday(1) + 6, tests.next_weekday(1) + 6)$$,
  $$values (tests.slot(6, '09:00'))$$,
  'slots: a buffered service needs its own buffers free (10:00 + 30 min would touch 11:00)');

-- booking rules ---------------------------------------------------------------------------------
select ok(
  (select count(*) >= 3 and bool_and(starts_at >= now() + interval '24 hours')
   from public.get_available_slots(tests.uid('acme_provider'), tests.ref('notice'), current_date, current_date + 2)),
  'slots: nothing inside min_notice_minutes');
select ok(
  (select count(*) > 0 and max(starts_at) <= now() + interval '10 days'
   from public.get_available_slots(tests.uid('acme_provider2'), tests.ref('window'), current_date + 8, current_date + 14)),
  'slots: nothing beyond max_advance_days');
select is_empty(
  $$select 1 from public.get_available_slots(tests.uid('acme_provider'), tests.ref('physio'), current_date - 3, current_date - 1)$$,
  'slots: nothing in the past');
select results_eq(
  $$select starts_at::date, count(*)::int from public.get_available_slots(tests.uid('acme_provider2'), tests.ref('limited'), tests.next_weekday(1), tests.next_weekday(1) + 1) group by 1 order by 1$$,
  $$values (tests.next_weekday(1) + 1, 3)$$,
  'slots: a day at max_bookings_per_day offers nothing, the next day is open');

-- DST: wall-clock hours stay put, the instants move ------------------------------------------------
select tests.act_as('dst_client');
select results_eq(
  $$select to_char(starts_at at time zone 'Europe/Berlin', 'YYYY-MM-DD HH24:MI')
    from public.get_available_slots(tests.uid('dst_provider'), tests.ref('dst_service'), tests.next_dst_change('Europe/Berlin') - 1, tests.next_dst_change('Europe/Berlin'))$$,
  $$select to_char(d + t, 'YYYY-MM-DD HH24:MI')
    from (values (tests.next_dst_change('Europe/Berlin') - 1), (tests.next_dst_change('Europe/Berlin'))) as days (d),
         (values (time '09:00'), (time '10:00')) as times (t)
    order by 1$$,
  'DST: 09:00 and 10:00 local on the day before and the day of the change');
select isnt(
  (select max(starts_at) - min(starts_at)
   from public.get_available_slots(tests.uid('dst_provider'), tests.ref('dst_service'), tests.next_dst_change('Europe/Berlin') - 1, tests.next_dst_change('Europe/Berlin'))
   where (starts_at at time zone 'Europe/Berlin')::time = '09:00'),
  interval '24 hours',
  'DST: the same local time is 23 or 25 real hours later across the change');
select is(
  (select count(*)::int
   from public.get_available_slots(tests.uid('dst_night_owl'), tests.ref('dst_service'), tests.next_dst_change('Europe/Berlin'), tests.next_dst_change('Europe/Berlin'))),
  (extract(epoch from tests.local_ts(tests.next_dst_change('Europe/Berlin'), '04:00', 'Europe/Berlin')
                    - tests.local_ts(tests.next_dst_change('Europe/Berlin'), '00:00', 'Europe/Berlin')) / 3600)::int,
  'DST: a 00:00-04:00 window in the night of the change holds as many hours as really pass (3 or 5)');
select tests.act_as('acme_client');

-- booking re-checks what the search showed ------------------------------------------------------------
select lives_ok($$select public.book_individual_session(tests.ref('physio'), tests.uid('acme_provider'), tests.slot(2, '11:00'))$$,
  'booking: a slot from the search can be booked');
select is_empty(
  $$select 1 from public.get_available_slots(tests.uid('acme_provider'), tests.ref('physio'), tests.next_weekday(1) + 2, tests.next_weekday(1) + 2) where starts_at = tests.slot(2, '11:00')$$,
  'booking: and then it is gone from the search');
select throws_ok($$select public.book_individual_session(tests.ref('physio'), tests.uid('acme_provider'), tests.slot(1, '10:00'))$$,
  'PT422', 'OUTSIDE_AVAILABILITY', 'booking: OUTSIDE_AVAILABILITY on an all-day exception');
select throws_ok($$select public.book_individual_session(tests.ref('physio'), tests.uid('acme_provider'), tests.slot(2, '10:00'))$$,
  'PT422', 'OUTSIDE_AVAILABILITY', 'booking: OUTSIDE_AVAILABILITY in a partial exception');
select lives_ok($$select public.book_individual_session(tests.ref('physio'), tests.uid('acme_provider'), tests.slot(4, '14:00'))$$,
  'booking: inside an is_available override');
select tests.act_as('dst_client');
select lives_ok($$select public.book_individual_session(tests.ref('dst_service'), tests.uid('dst_provider'), tests.local_ts(tests.next_dst_change('Europe/Berlin'), '09:00', 'Europe/Berlin'))$$,
  'booking: 09:00 local on the day of the DST change is inside the weekly hours');
select tests.act_as('acme_client');
do $$
begin
  perform public.cancel_booking(tests.ref('b_day0'), 'Rescheduling');
end
$$;
select results_eq(
  $$select starts_at from public.get_available_slots(tests.uid('acme_provider'), tests.ref('physio'), tests.next_weekday(1), tests.next_weekday(1))$$,
  $$values (tests.slot(0, '09:00')), (tests.slot(0, '10:00')), (tests.slot(0, '11:00'))$$,
  'slots: a cancelled booking frees its slot');

-- errors ----------------------------------------------------------------------------------------
select throws_ok($$select * from public.get_available_slots(tests.uid('acme_provider'), tests.ref('physio'), current_date + 5, current_date + 4)$$,
  'PT400', 'INVALID_REQUEST', 'errors: INVALID_REQUEST when p_to is before p_from');
select is(tests.error_of($$select * from public.get_available_slots(tests.uid('acme_provider'), tests.ref('physio'), current_date, current_date + 100)$$) ->> 'hint',
  'p_to', 'errors: at most 92 days (hint p_to)');
select throws_ok($$select * from public.get_available_slots(null, tests.ref('physio'), current_date, current_date)$$,
  'PT400', 'INVALID_REQUEST', 'errors: INVALID_REQUEST without a provider');
select throws_ok($$select * from public.get_available_slots(tests.uid('acme_provider'), gen_random_uuid(), current_date, current_date)$$,
  'PT404', 'NOT_FOUND', 'errors: NOT_FOUND for an unknown service');
select throws_ok($$select * from public.get_available_slots(tests.uid('rival_provider'), tests.ref('physio'), current_date, current_date)$$,
  'PT404', 'NOT_FOUND', 'errors: NOT_FOUND for a provider of another organization');
select throws_ok($$select * from public.get_available_slots(tests.uid('acme_provider'), tests.ref('inactive'), current_date, current_date)$$,
  'PT422', 'SERVICE_INACTIVE', 'errors: SERVICE_INACTIVE');
select tests.act_as('rival_client');
select throws_ok($$select * from public.get_available_slots(tests.uid('acme_provider'), tests.ref('physio'), current_date, current_date)$$,
  'PT404', 'NOT_FOUND', 'errors: NOT_FOUND for a member of another organization');
select tests.act_as_signed_out();
select throws_ok($$select * from public.get_available_slots(tests.uid('acme_provider'), tests.ref('physio'), current_date, current_date)$$,
  'PT401', 'UNAUTHORIZED', 'errors: UNAUTHORIZED without a user');
select tests.authenticate_as_anon();
select throws_ok($$select * from public.get_available_slots(tests.uid('acme_provider'), tests.ref('physio'), current_date, current_date)$$,
  '42501', null, 'errors: anon cannot execute it');

select * from finish();
rollback;
