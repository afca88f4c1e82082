-- Series a client can edit (issue 14): skip one occurrence (its hold is released, it is not
-- dispatched; a booked one is cancelled with cancel_booking's credit rules), move one (under every
-- booking rule, holding the new time instead; a booked one with reschedule_booking's rules; the
-- dispatcher books it at its new time, also before its regular date), the dispatcher's failures in
-- the schedule, pause and resume, and a change of time or provider from a date on (the series is
-- split: past bookings untouched, the continuation holds the new slots).
-- Dates: day n = tests.next_weekday(1) + n (day 0 is the first Monday at least 7 days ahead),
-- organization in UTC; the provider works 09:00-17:00 every day.
begin;
select plan(72);

create temp table edit_results (label text primary key, result jsonb) on commit drop;

do $$
declare
  v_org uuid := tests.seed_org('sedit');
begin
  perform tests.seed_org('sedit-rival');
  perform tests.add_member('sedit', 'sedit_client2', 'client');
  perform tests.add_member('sedit', 'sedit_client3', 'client');
  perform tests.add_member('sedit', 'sedit_provider2', 'provider');
  perform tests.remember('session', tests.seed_bookable_service(v_org, 'Session', 60));
  perform tests.seed_weekly_hours(v_org, tests.uid('sedit_provider'));
  perform tests.seed_weekly_hours(v_org, tests.uid('sedit_provider2'));
  perform tests.remember('sub', tests.seed_subscription(v_org, tests.uid('sedit_client'), 20));
  -- another client's weekly series at 15:00, dispatched along with the client's
  perform tests.remember('other', tests.seed_series(v_org, 'sedit_client3', 'sedit_provider', tests.ref('session'), 'weekly',
    tests.next_weekday(1), '15:00', tests.next_weekday(1) + 140));
end
$$;

-- the client's weekly series: Mondays 10:00 from day 0
select tests.act_as('sedit_client');
do $$
begin
  perform tests.remember('series', (public.create_recurring_booking(
    tests.ref('session'), tests.uid('sedit_provider'), 'weekly', tests.next_weekday(1), null, '10:00')).id);
end
$$;

-- skip ------------------------------------------------------------------------------------------
select results_eq(
  $$select s ->> 'state', (s ->> 'held')::boolean, (s ->> 'starts_at')::timestamptz
    from public.skip_recurring_occurrence(tests.ref('series'), tests.next_weekday(1) + 7, 'Holiday') as s$$,
  $$values ('skipped'::text, false, tests.slot(7, '10:00'))$$,
  'skip: the client skips the occurrence of day 7; it holds nothing');
select tests.act_as('sedit_client2');
select ok(exists (select 1 from public.get_available_slots(tests.uid('sedit_provider'), tests.ref('session'), tests.next_weekday(1) + 7, tests.next_weekday(1) + 7) s
                  where s.starts_at = tests.slot(7, '10:00'))
  and not exists (select 1 from public.get_available_slots(tests.uid('sedit_provider'), tests.ref('session'), tests.next_weekday(1) + 14, tests.next_weekday(1) + 14) s
                  where s.starts_at = tests.slot(14, '10:00')),
  'skip: slot search offers the skipped 10:00, not the next week''s');
select lives_ok($$select public.book_individual_session(tests.ref('session'), tests.uid('sedit_provider'), tests.slot(7, '10:00'))$$,
  'skip: another client books the released slot');
select tests.act_as('sedit_client');
select is((select s ->> 'state' from public.skip_recurring_occurrence(tests.ref('series'), tests.next_weekday(1) + 7) as s), 'skipped',
  'skip: skipping a skipped occurrence again changes nothing');
select is((tests.error_of($$select public.skip_recurring_occurrence(tests.ref('series'), tests.next_weekday(1) + 8)$$)) - 'detail',
  '{"sqlstate": "PT400", "message": "INVALID_REQUEST", "hint": "p_occurrence_date"}'::jsonb,
  'skip: a date that is not an occurrence of the series is INVALID_REQUEST naming p_occurrence_date');
select tests.clear_authentication();
select is((select count(*)::int from public.audit_log where action = 'recurring_booking.occurrence_skipped' and entity_id = tests.ref('series')), 1,
  'skip: audited once');
select is((select count(*)::int from public.outbox_events where topic = 'recurring_booking.occurrence_skipped'
           and payload ->> 'recurring_booking_id' = tests.ref('series')::text and payload ->> 'occurrence_date' = (tests.next_weekday(1) + 7)::text), 1,
  'skip: announced in the outbox (recurring_booking.occurrence_skipped)');

do $$
begin
  insert into edit_results values ('to day 28', tests.dispatch(tests.next_weekday(1) + 28));
end
$$;
select is((select array_agg(recurring_occurrence_date - tests.next_weekday(1) order by recurring_occurrence_date)
           from public.bookings where recurring_booking_id = tests.ref('series')),
  array[0, 14, 21, 28],
  'dispatch: the skipped occurrence is not booked, the others are');
select ok((select (result ->> 'skipped_on_request')::int >= 1 from edit_results where label = 'to day 28'),
  'dispatch: it counts the skipped occurrences (skipped_on_request)');
select tests.act_as('sedit_client');
select results_eq(
  $$select occurrence_date - tests.next_weekday(1), state, held from public.get_series_schedule(tests.ref('series'), 3, tests.next_weekday(1))$$,
  $$values (0, 'booked'::text, false), (7, 'skipped'::text, false), (14, 'booked'::text, false)$$,
  'schedule: booked, skipped, booked');

-- skipping a booked occurrence cancels it with cancel_booking's rules
select results_eq(
  $$select s ->> 'state', s ->> 'booking_status', s ->> 'cancellation_policy_applied'
    from public.skip_recurring_occurrence(tests.ref('series'), tests.next_weekday(1) + 14) as s$$,
  $$values ('skipped'::text, 'cancelled'::text, 'credit_restored'::text)$$,
  'skip a booked occurrence: its booking is cancelled; early enough, the credit is restored');
select is((select cancelled_by_role from public.booking_cancellations c join public.bookings b on b.id = c.booking_id
           where b.recurring_booking_id = tests.ref('series') and b.recurring_occurrence_date = tests.next_weekday(1) + 14), 'client',
  'skip a booked occurrence: recorded as the client''s cancellation');
select tests.clear_authentication();
update public.organization_settings set cancellation_notice_hours = 8760 where organization_id = tests.org_id('sedit');
select tests.act_as('sedit_client');
select is((select s ->> 'cancellation_policy_applied' from public.skip_recurring_occurrence(tests.ref('series'), tests.next_weekday(1)) as s),
  'credit_forfeited', 'skip a booked occurrence late: the client forfeits the credit, as with a late cancellation');
select tests.act_as('sedit_provider');
select is((select s ->> 'cancellation_policy_applied' from public.skip_recurring_occurrence(tests.ref('series'), tests.next_weekday(1) + 21) as s),
  'credit_restored', 'skip a booked occurrence late as the provider: the credit is restored (who cancels decides)');
select tests.clear_authentication();
update public.organization_settings set cancellation_notice_hours = 24 where organization_id = tests.org_id('sedit');
select tests.act_as('sedit_client');
select lives_ok($$select public.cancel_booking((select id from public.bookings where recurring_booking_id = tests.ref('series') and recurring_occurrence_date = tests.next_weekday(1) + 28), 'Ill')$$,
  'cancel_booking cancels the occurrence of day 28');
select is((tests.error_of($$select public.skip_recurring_occurrence(tests.ref('series'), tests.next_weekday(1) + 28)$$)) ->> 'message', 'ALREADY_CANCELLED',
  'skip: an occurrence whose booking was cancelled is ALREADY_CANCELLED');
select is((select state from public.get_series_schedule(tests.ref('series'), 1, tests.next_weekday(1) + 28)), 'cancelled',
  'schedule: a booking cancelled (not skipped) shows as cancelled');

-- move ------------------------------------------------------------------------------------------
select results_eq(
  $$select s ->> 'state', (s ->> 'held')::boolean, (s ->> 'starts_at')::timestamptz, (s ->> 'regular_starts_at')::timestamptz
    from public.move_recurring_occurrence(tests.ref('series'), tests.next_weekday(1) + 35, tests.slot(37, '11:00')) as s$$,
  $$values ('moved'::text, true, tests.slot(37, '11:00'), tests.slot(35, '10:00'))$$,
  'move: the client moves day 35''s occurrence to day 37 11:00; it holds the new time');
select tests.act_as('sedit_client2');
select ok(exists (select 1 from public.get_available_slots(tests.uid('sedit_provider'), tests.ref('session'), tests.next_weekday(1) + 35, tests.next_weekday(1) + 35) s
                  where s.starts_at = tests.slot(35, '10:00'))
  and not exists (select 1 from public.get_available_slots(tests.uid('sedit_provider'), tests.ref('session'), tests.next_weekday(1) + 37, tests.next_weekday(1) + 37) s
                  where s.starts_at = tests.slot(37, '11:00')),
  'move: slot search offers the old time, not the new one');
select throws_ok($$select public.book_individual_session(tests.ref('session'), tests.uid('sedit_provider'), tests.slot(37, '11:00'))$$,
  'PT409', 'SLOT_TAKEN', 'move: nobody else books the new time');
select lives_ok($$select public.book_individual_session(tests.ref('session'), tests.uid('sedit_provider'), tests.slot(42, '14:00'))$$,
  'another client books day 42 at 14:00');
select tests.act_as('sedit_client');
select is((tests.error_of($$select public.move_recurring_occurrence(tests.ref('series'), tests.next_weekday(1) + 42, tests.slot(42, '14:30'))$$)) - 'detail',
  '{"sqlstate": "PT409", "message": "SLOT_TAKEN", "hint": "p_new_starts_at"}'::jsonb,
  'move: onto someone''s booking is SLOT_TAKEN naming p_new_starts_at');
select throws_ok($$select public.move_recurring_occurrence(tests.ref('series'), tests.next_weekday(1) + 42, tests.slot(37, '11:30'))$$,
  'PT409', 'SLOT_TAKEN', 'move: onto another moved occurrence of the same series is SLOT_TAKEN');
select throws_ok($$select public.move_recurring_occurrence(tests.ref('series'), tests.next_weekday(1) + 42, tests.slot(49, '10:00'))$$,
  'PT409', 'SLOT_TAKEN', 'move: onto the series'' next occurrence is SLOT_TAKEN');
select throws_ok($$select public.move_recurring_occurrence(tests.ref('series'), tests.next_weekday(1) + 42, tests.slot(42, '20:00'))$$,
  'PT422', 'OUTSIDE_AVAILABILITY', 'move: outside the provider''s hours is OUTSIDE_AVAILABILITY');
select tests.clear_authentication();
insert into public.organization_closures (organization_id, starts_at, ends_at, reason)
values (tests.org_id('sedit'), tests.slot(44, '00:00'), tests.slot(45, '00:00'), 'Inventory');
select tests.act_as('sedit_client');
select throws_ok($$select public.move_recurring_occurrence(tests.ref('series'), tests.next_weekday(1) + 42, tests.slot(44, '10:00'))$$,
  'PT422', 'ORGANIZATION_CLOSED', 'move: onto a day the organization is closed is ORGANIZATION_CLOSED');
select is((select s ->> 'state' from public.move_recurring_occurrence(tests.ref('series'), tests.next_weekday(1) + 42, tests.slot(42, '10:30')) as s), 'moved',
  'move: half an hour later, overlapping its own regular time (an occurrence never collides with itself)');
select is((select s ->> 'state' from public.move_recurring_occurrence(tests.ref('series'), tests.next_weekday(1) + 42, tests.slot(42, '10:00')) as s), 'held',
  'move: back to its regular time, the occurrence holds it again');
select is((select count(*)::int from public.recurring_booking_exceptions where recurring_booking_id = tests.ref('series') and occurrence_date = tests.next_weekday(1) + 42), 0,
  'move: back to its regular time, the occurrence follows its rule again (no exception left)');
select is((select s ->> 'state' from public.move_recurring_occurrence(tests.ref('series'), tests.next_weekday(1) + 56, tests.slot(54, '12:00')) as s), 'moved',
  'move: day 56''s occurrence two days earlier (Saturday 12:00)');
select tests.clear_authentication();
do $$
begin
  insert into edit_results values ('to day 54', tests.dispatch(tests.next_weekday(1) + 54));
end
$$;
select results_eq(
  $$select recurring_occurrence_date - tests.next_weekday(1), start_time from public.bookings
    where recurring_booking_id = tests.ref('series') and recurring_occurrence_date >= tests.next_weekday(1) + 35 order by 1$$,
  $$values (35, tests.slot(37, '11:00')), (42, tests.slot(42, '10:00')), (49, tests.slot(49, '10:00')), (56, tests.slot(54, '12:00'))$$,
  'dispatch: moved occurrences are booked at their new time, the one moved earlier on its new date');
select ok((select (result ->> 'moved')::int >= 2 from edit_results where label = 'to day 54'),
  'dispatch: it counts the moved occurrences it booked (moved)');
do $$
begin
  insert into edit_results values ('to day 56', tests.dispatch(tests.next_weekday(1) + 56));
end
$$;
select is((select count(*)::int from public.bookings where recurring_booking_id = tests.ref('series') and recurring_occurrence_date = tests.next_weekday(1) + 56), 1,
  'dispatch: reaching its regular date, the early occurrence is not booked again');
select tests.act_as('sedit_client');
select results_eq(
  $$select s ->> 'state', (s ->> 'starts_at')::timestamptz,
           (s ->> 'booking_id')::uuid = (select id from public.bookings where recurring_booking_id = tests.ref('series') and recurring_occurrence_date = tests.next_weekday(1) + 49)
    from public.move_recurring_occurrence(tests.ref('series'), tests.next_weekday(1) + 49, tests.slot(50, '10:00')) as s$$,
  $$values ('moved'::text, tests.slot(50, '10:00'), true)$$,
  'move a booked occurrence: its booking is rescheduled (reschedule_booking''s rules)');

-- the dispatcher's failures are in the schedule, and a failed occurrence can be moved (retried)
select tests.clear_authentication();
do $$
begin
  insert into public.specialist_availability_exceptions (organization_id, specialist_id, exception_date, reason)
  values (tests.org_id('sedit'), tests.uid('sedit_provider'), tests.next_weekday(1) + 63, 'training');
  insert into edit_results values ('to day 63', tests.dispatch(tests.next_weekday(1) + 63));
end
$$;
select tests.act_as('sedit_client');
select results_eq(
  $$select state, error_code, booking_id from public.get_series_schedule(tests.ref('series'), 1, tests.next_weekday(1) + 63)$$,
  $$values ('failed'::text, 'OUTSIDE_AVAILABILITY'::text, null::uuid)$$,
  'schedule: an occurrence the dispatcher could not book is failed, with its code');
select is((select s ->> 'state' from public.move_recurring_occurrence(tests.ref('series'), tests.next_weekday(1) + 63, tests.slot(64, '10:00')) as s), 'moved',
  'move: a failed occurrence is moved to a time the provider works');
select tests.clear_authentication();
do $$
begin
  perform tests.dispatch(tests.next_weekday(1) + 64);
end
$$;
select is((select start_time from public.bookings where recurring_booking_id = tests.ref('series') and recurring_occurrence_date = tests.next_weekday(1) + 63),
  tests.slot(64, '10:00'), 'dispatch: the moved failed occurrence is booked at its new time');

-- pause and resume ------------------------------------------------------------------------------
select tests.act_as('sedit_client');
select is((public.pause_recurring_booking(tests.ref('series'), 'Knee surgery')).is_active, false, 'pause: the client pauses the series');
select results_eq(
  $$select state, held from public.get_series_schedule(tests.ref('series'), 1, tests.next_weekday(1) + 70)$$,
  $$values ('paused'::text, false)$$,
  'schedule: a paused series'' occurrences are paused and hold nothing');
select tests.act_as('sedit_client2');
select lives_ok($$select public.book_individual_session(tests.ref('session'), tests.uid('sedit_provider'), tests.slot(77, '10:00'))$$,
  'pause: another client books one of its slots meanwhile');
select tests.act_as('sedit_client');
select is((tests.error_of($$select public.resume_recurring_booking(tests.ref('series'))$$)) - 'detail',
  '{"sqlstate": "PT409", "message": "SLOT_TAKEN", "hint": "p_recurring_booking_id"}'::jsonb,
  'resume: refused while one of its slots is taken');
select tests.act_as('sedit_client2');
select lives_ok($$select public.cancel_booking((select id from public.bookings where client_id = tests.uid('sedit_client2') and start_time = tests.slot(77, '10:00')), 'Changed my mind')$$,
  'the other client cancels that booking');
select tests.act_as('sedit_client');
select results_eq(
  $$select is_active, next_booking_date - tests.next_weekday(1) from public.resume_recurring_booking(tests.ref('series'))$$,
  $$values (true, 70)$$,
  'resume: the series runs again from its next occurrence');
select tests.clear_authentication();
select is((select count(*)::int from public.audit_log where entity_id = tests.ref('series') and action in ('recurring_booking.paused', 'recurring_booking.resumed')), 2,
  'pause and resume: audited');
do $$
begin
  -- a series paused long ago: resuming it starts from today, the paused weeks are not caught up
  perform tests.remember('old', tests.seed_series(tests.org_id('sedit'), 'sedit_client3', 'sedit_provider', tests.ref('session'), 'weekly', current_date - 21, '16:30'));
  update public.recurring_bookings set is_active = false where id = tests.ref('old');
  perform tests.remember('ended', tests.seed_series(tests.org_id('sedit'), 'sedit_client3', 'sedit_provider', tests.ref('session'), 'weekly', current_date - 14, '16:30', current_date - 7));
  update public.recurring_bookings set is_active = false where id = tests.ref('ended');
end
$$;
select tests.act_as('sedit_client3');
select throws_ok($$select public.skip_recurring_occurrence(tests.ref('old'), current_date - 21)$$,
  'PT422', 'BOOKING_IN_PAST', 'skip: an occurrence that has taken place is BOOKING_IN_PAST');
select ok((select next_booking_date >= current_date and is_active from public.resume_recurring_booking(tests.ref('old'))),
  'resume: a series paused for weeks continues from today on');
select throws_ok($$select public.resume_recurring_booking(tests.ref('ended'))$$,
  'PT422', 'SERIES_ENDED', 'resume: a series past its end is SERIES_ENDED');
-- leaving ends a member's series; resuming does not bring it back for someone who left
select tests.clear_authentication();
do $$
begin
  perform tests.add_member('sedit', 'sedit_leaver', 'client');
  perform tests.add_member('sedit', 'sedit_provider_leaver', 'provider');
  perform tests.remember('left_client', tests.seed_series(tests.org_id('sedit'), 'sedit_leaver', 'sedit_provider', tests.ref('session'), 'weekly', current_date + 3, '07:10'));
  perform tests.remember('left_provider', tests.seed_series(tests.org_id('sedit'), 'sedit_client3', 'sedit_provider_leaver', tests.ref('session'), 'weekly', current_date + 3, '07:40'));
end
$$;
select tests.act_as('sedit_leaver');
select lives_ok($$select public.leave_organization(tests.org_id('sedit'))$$, 'a client with a series and no bookings leaves');
select tests.act_as('sedit_provider_leaver');
select lives_ok($$select public.leave_organization(tests.org_id('sedit'))$$, 'a provider running a series and no sessions leaves');
select tests.act_as('sedit_owner');
select is((tests.error_of($$select public.resume_recurring_booking(tests.ref('left_client'))$$)) - 'detail',
  '{"sqlstate": "PT404", "message": "NOT_FOUND", "hint": "p_recurring_booking_id"}'::jsonb,
  'resume: the series of a client who left stays ended (NOT_FOUND)');
select is((tests.error_of($$select public.resume_recurring_booking(tests.ref('left_provider'))$$)) - 'detail',
  '{"sqlstate": "PT404", "message": "NOT_FOUND", "hint": "p_recurring_booking_id"}'::jsonb,
  'resume: the series of a provider who left stays ended (NOT_FOUND)');
select throws_ok($$update public.recurring_bookings set is_active = true where id = tests.ref('left_client')$$,
  'PT404', 'NOT_FOUND', 'a direct resume (update is_active) of the series of a client who left is refused too');

-- change from a date on -------------------------------------------------------------------------
select tests.clear_authentication();
create temp table bookings_before_change on commit drop as
select id, recurring_booking_id, start_time, status from public.bookings where recurring_booking_id = tests.ref('series');
select tests.act_as('sedit_client');
do $$
begin
  perform tests.remember('v2', (public.change_recurring_booking(tests.ref('series'), tests.next_weekday(1) + 80, '14:00')).id);
end
$$;
select results_eq(
  $$select continues_id, valid_from - tests.next_weekday(1), local_time, start_date = tests.next_weekday(1), is_active
    from public.recurring_bookings where id = tests.ref('v2')$$,
  $$values (tests.ref('series'), 84, time '14:00', true, true)$$,
  'change: from day 80 on, a continuation at 14:00 takes over from the first occurrence on or after it (day 84), keeping the anchor');
select results_eq(
  $$select end_date - tests.next_weekday(1), is_active, local_time from public.recurring_bookings where id = tests.ref('series')$$,
  $$values (83, true, time '10:00')$$,
  'change: the series ends the day before, with its rule unchanged');
select tests.clear_authentication();
select set_eq(
  $$select b.id, b.recurring_booking_id, b.start_time, b.status from public.bookings b join bookings_before_change c on c.id = b.id$$,
  $$select id, recurring_booking_id, start_time, status from bookings_before_change$$,
  'change: the bookings made before are untouched (same series, time and status)');
select tests.act_as('sedit_client');
select results_eq(
  $$select recurring_booking_id, occurrence_date - tests.next_weekday(1), state, starts_at
    from public.get_series_schedule(tests.ref('series'), 3, tests.next_weekday(1) + 77)$$,
  $$values (tests.ref('series'), 77, 'held'::text, tests.slot(77, '10:00')),
           (tests.ref('v2'), 84, 'held'::text, tests.slot(84, '14:00')),
           (tests.ref('v2'), 91, 'held'::text, tests.slot(91, '14:00'))$$,
  'schedule: one schedule across the change, each occurrence from its series');
select tests.act_as('sedit_client2');
select ok(exists (select 1 from public.get_available_slots(tests.uid('sedit_provider'), tests.ref('session'), tests.next_weekday(1) + 91, tests.next_weekday(1) + 91) s
                  where s.starts_at = tests.slot(91, '10:00'))
  and not exists (select 1 from public.get_available_slots(tests.uid('sedit_provider'), tests.ref('session'), tests.next_weekday(1) + 91, tests.next_weekday(1) + 91) s
                  where s.starts_at = tests.slot(91, '14:00')),
  'change: the new time is held, the old one free');
select tests.act_as('sedit_client');
select throws_ok($$select public.change_recurring_booking(tests.ref('series'), tests.next_weekday(1) + 100, '12:00')$$,
  'PT409', 'CONFLICT', 'change: a series continued already is changed through its continuation');
select throws_ok($$update public.recurring_bookings set end_date = null where id = tests.ref('series')$$,
  'PT409', 'CONFLICT', 'change: nor can its end move (both would book the same dates)');
select is((select s ->> 'state' from public.skip_recurring_occurrence(tests.ref('v2'), tests.next_weekday(1) + 98) as s), 'skipped',
  'skip: an occurrence of the continuation');
do $$
begin
  perform tests.remember('v3', (public.change_recurring_booking(tests.ref('v2'), tests.next_weekday(1) + 91, p_provider_id => tests.uid('sedit_provider2'))).id);
end
$$;
select results_eq(
  $$select specialist_id, local_time, valid_from - tests.next_weekday(1),
           (select state from public.get_series_schedule(tests.ref('v3'), 1, tests.next_weekday(1) + 98))
    from public.recurring_bookings where id = tests.ref('v3')$$,
  $$values (tests.uid('sedit_provider2'), time '14:00', 91, 'skipped'::text)$$,
  'change the provider from day 91: the continuation runs with the other provider, the skip goes with it');
select tests.act_as('sedit_client2');
select ok(not exists (select 1 from public.get_available_slots(tests.uid('sedit_provider2'), tests.ref('session'), tests.next_weekday(1) + 91, tests.next_weekday(1) + 91) s
                      where s.starts_at = tests.slot(91, '14:00'))
  and exists (select 1 from public.get_available_slots(tests.uid('sedit_provider'), tests.ref('session'), tests.next_weekday(1) + 91, tests.next_weekday(1) + 91) s
              where s.starts_at = tests.slot(91, '14:00')),
  'change the provider: the new provider''s slot is held, the old provider''s free');
select tests.act_as('sedit_client3');
select is((tests.error_of($$select public.change_recurring_booking(tests.ref('other'), tests.next_weekday(1) + 56, '16:00')$$)) ->> 'message', 'CONFLICT',
  'change: refused while an occurrence from the date on is booked (move or skip it first)');
select throws_ok($$select public.change_recurring_booking(tests.ref('other'), (now() at time zone 'UTC')::date - 1, '16:00')$$,
  'PT422', 'BOOKING_IN_PAST', 'change: not from a date in the past');
select results_eq(
  $$select e ->> 'message', e ->> 'hint', e ->> 'detail' like '%' || (tests.next_weekday(1) + 84)::text || '%'
    from tests.error_of($q$select public.change_recurring_booking(tests.ref('other'), tests.next_weekday(1) + 70, '14:00')$q$) as e$$,
  $$values ('SLOT_TAKEN'::text, 'p_local_time'::text, true)$$,
  'change: onto another series'' time is SLOT_TAKEN naming the first colliding date');
select is((tests.error_of($$select public.change_recurring_booking(tests.ref('other'), tests.next_weekday(1) + 70, p_provider_id => tests.uid('sedit-rival_provider'))$$)) ->> 'hint',
  'p_provider_id', 'change: a provider of another organization is NOT_FOUND naming p_provider_id');
select results_eq(
  $$select s ->> 'state', (s ->> 'starts_at')::timestamptz, s ->> 'booking_status'
    from public.move_recurring_occurrence(tests.ref('other'), tests.next_weekday(1) + 70, tests.local_ts((now() at time zone 'UTC')::date + 1, '12:00')) as s$$,
  $$values ('moved'::text, tests.local_ts((now() at time zone 'UTC')::date + 1, '12:00'), 'confirmed'::text)$$,
  'move into tomorrow (the nightly run has booked that day already): booked at once');
select is((select start_time from public.bookings where recurring_booking_id = tests.ref('other') and recurring_occurrence_date = tests.next_weekday(1) + 70),
  tests.local_ts((now() at time zone 'UTC')::date + 1, '12:00'), '... as the occurrence''s booking');
select throws_ok($$insert into public.recurring_bookings (user_id, specialist_id, service_id, frequency, start_date, continues_id, valid_from)
  values (tests.uid('sedit_client3'), tests.uid('sedit_provider'), tests.ref('session'), 'weekly', current_date + 200, tests.ref('other'), current_date + 200)$$,
  'PT400', 'INVALID_REQUEST', 'direct writes cannot make a continuation');
select tests.clear_authentication();
select is((select count(*)::int from public.outbox_events where topic = 'recurring_booking.changed' and payload ->> 'recurring_booking_id' = tests.ref('v3')::text), 1,
  'change: announced in the outbox (recurring_booking.changed)');

-- integrity: a skipped occurrence never keeps a live booking (only a direct write can do that)
select is(tests.invariant(tests.org_id('sedit'), 'skipped_occurrences_with_live_bookings') -> 'violations', '0'::jsonb,
  'integrity: every skipped occurrence of the suite holds no live booking');
update public.recurring_booking_exceptions set kind = 'skipped', starts_at = null, dispatched_on = null, error_code = null
where recurring_booking_id = tests.ref('series') and occurrence_date = tests.next_weekday(1) + 35;
select is(tests.invariant(tests.org_id('sedit'), 'skipped_occurrences_with_live_bookings'),
  jsonb_build_object('violations', 1, 'sample_ids', jsonb_build_array(
    (select id::text from public.bookings where recurring_booking_id = tests.ref('series') and recurring_occurrence_date = tests.next_weekday(1) + 35))),
  'integrity: an occurrence marked skipped behind the RPCs'' back while booked is counted');

select * from finish();
rollback;
