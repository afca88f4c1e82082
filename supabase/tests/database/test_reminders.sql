-- Booking reminders (issue 15, seed 001 "reminders trigger at correct times"): the job
-- private.emit_booking_reminders(p_now) emits one booking.reminder outbox event per confirmed
-- booking and organization offset, when the offset is entered, exactly once: twice-run and late
-- runs, a rescheduled booking (new time only), a cancelled one (none), several offsets due at
-- once, bookings made inside a window, the settings' range checks, and who may see or run any of
-- it (DST: test_reminders_dst.sql). Runs are simulated at chosen instants (p_now) with
-- the previous run set by tests.run_reminders, whatever today's date is.
begin;
select plan(35);

do $$
declare
  v_berlin uuid := tests.seed_org('rem-berlin', 'Europe/Berlin');
  v_ny uuid := tests.seed_org('rem-ny', 'America/New_York');
  v_day date := tests.next_weekday(2, 10);  -- a Tuesday at least 10 days ahead
  v_physio uuid;
  v_lesson uuid;
  v_client uuid := tests.uid('rem-berlin_client');
begin
  v_physio := tests.seed_bookable_service(v_berlin, 'Physio', 60);
  v_lesson := tests.seed_bookable_service(v_ny, 'Lesson', 60);
  perform tests.seed_weekly_hours(v_berlin, tests.uid('rem-berlin_provider'), '08:00', '20:00');
  perform set_config('tests.day', v_day::text, true);
  perform tests.remember('plain', tests.seed_booking(v_physio, v_client, tests.local_ts(v_day, '12:00', 'Europe/Berlin')));
  perform tests.remember('late', tests.seed_booking(v_physio, v_client, tests.local_ts(v_day + 1, '12:00', 'Europe/Berlin')));
  perform tests.remember('both', tests.seed_booking(v_physio, v_client, tests.local_ts(v_day + 2, '12:00', 'Europe/Berlin')));
  perform tests.remember('moved', tests.seed_booking(v_physio, v_client, tests.local_ts(v_day + 3, '16:00', 'Europe/Berlin')));
  perform tests.remember('cancelled', tests.seed_booking(v_physio, v_client, tests.local_ts(v_day + 4, '12:00', 'Europe/Berlin')));
  perform tests.remember('pending', tests.seed_booking(v_physio, v_client, tests.local_ts(v_day + 4, '15:00', 'Europe/Berlin'), null, 'pending'));
  perform tests.remember('fresh', tests.seed_booking(v_physio, v_client, tests.local_ts(v_day + 8, '12:00', 'Europe/Berlin')));
  perform tests.remember('ny_quiet', tests.seed_booking(v_lesson, tests.uid('rem-ny_client'),
    tests.local_ts(v_day + 9, '09:00', 'America/New_York')));
  perform public.cancel_booking(tests.ref('cancelled'), 'Cannot come');
end
$$;

-- the settings ------------------------------------------------------------------------------------
select results_eq(
  $$select reminder_offsets_minutes, remind_clients, remind_providers from public.organization_settings where organization_id = tests.org_id('rem-berlin')$$,
  $$values (array[1440, 60], true, true)$$,
  'settings: reminders 24 h and 1 h before, to clients and providers, by default');
select throws_ok($$update public.organization_settings set reminder_offsets_minutes = array[1] where organization_id = tests.org_id('rem-ny')$$,
  '23514', null, 'settings: an offset is at least 5 minutes');
select throws_ok($$update public.organization_settings set reminder_offsets_minutes = array[43201] where organization_id = tests.org_id('rem-ny')$$,
  '23514', null, 'settings: ... and at most 30 days');
select throws_ok($$update public.organization_settings set reminder_offsets_minutes = array[5, 10, 15, 20, 25, 30] where organization_id = tests.org_id('rem-ny')$$,
  '23514', null, 'settings: at most 5 offsets');
select tests.act_as('rem-berlin_client');
select is((select reminder_offsets_minutes from public.organization_settings where organization_id = tests.org_id('rem-berlin')), array[1440, 60],
  'settings: members read them');
select is(tests.affected_rows($$update public.organization_settings set remind_clients = false where organization_id = tests.org_id('rem-berlin')$$), 0,
  'settings: a client cannot change them');
select tests.act_as('rem-berlin_admin');
select is(tests.affected_rows($$update public.organization_settings set reminder_offsets_minutes = array[1440, 60] where organization_id = tests.org_id('rem-berlin')$$), 1,
  'settings: an admin changes them');

-- who may run or read the machinery -----------------------------------------------------------------
select throws_ok($$select private.emit_booking_reminders()$$, '42501', null, 'job: users cannot run it');
select throws_ok($$select * from ops.booking_reminders$$, '42501', null, 'ledger: an admin cannot read it');
select tests.act_as('rem-berlin_client');
select throws_ok($$select * from ops.reminder_clock$$, '42501', null, 'clock: a client cannot read it');
select tests.act_as('rem-ny_owner');
select throws_ok($$select * from ops.booking_reminders$$, '42501', null, 'ledger: another organization''s owner neither');
select tests.authenticate_as_anon();
select throws_ok($$select * from ops.booking_reminders$$, '42501', null, 'ledger: anon neither');
select tests.authenticate_as_service_role();
select lives_ok($$select * from ops.booking_reminders$$, 'ledger: service_role reads it');
select tests.clear_authentication();
select ok(tests.cron_job_count('emit-booking-reminders') is null or tests.cron_job_count('emit-booking-reminders') = 1,
  'job: scheduled by pg_cron where it is installed');

-- entering the 24 h window, exactly once -----------------------------------------------------------------
select set_config('tests.due', ((select start_time from public.bookings where id = tests.ref('plain')) - interval '24 hours')::text, true);
select is((tests.run_reminders(current_setting('tests.due')::timestamptz - interval '1 minute') ->> 'sent')::int, 0,
  'a minute before the 24 h mark: nothing');
do $$ begin perform tests.run_reminders(current_setting('tests.due')::timestamptz + interval '1 minute'); end $$;
select is((select count(*)::int from tests.reminder_events(tests.ref('plain'))), 1, 'a minute after it: one booking.reminder');
select results_eq(
  $$select p ->> 'offset_minutes', p ->> 'local_date', p ->> 'local_time', p ->> 'timezone', p -> 'recipients', (p ->> 'late_by_seconds')::int
    from tests.reminder_events(tests.ref('plain')) p$$,
  $$values ('1440', current_setting('tests.day'), '12:00', 'Europe/Berlin', '["client", "provider"]'::jsonb, 60)$$,
  'payload: the offset, the local date and time in the organization''s zone, the recipients, how late');
select is((select p ->> 'booking_id' from tests.reminder_events(tests.ref('plain')) p), tests.ref('plain')::text, 'payload: the booking');
do $$ begin perform tests.run_reminders(current_setting('tests.due')::timestamptz + interval '1 minute'); end $$;
do $$ begin perform tests.run_reminders(current_setting('tests.due')::timestamptz + interval '1 minute', current_setting('tests.due')::timestamptz - interval '1 hour'); end $$;
select is((select count(*)::int from tests.reminder_events(tests.ref('plain'))), 1, 'the job running twice (or overlapping runs) sends it once');
do $$ begin perform tests.run_reminders(current_setting('tests.due')::timestamptz + interval '23 hours 1 minute'); end $$;
select is((select array_agg(p ->> 'offset_minutes' order by p ->> 'offset_minutes') from tests.reminder_events(tests.ref('plain')) p),
  array['1440', '60'], 'an hour before: the 1 h reminder, once');

-- a late job ---------------------------------------------------------------------------------------------------
select set_config('tests.due', ((select start_time from public.bookings where id = tests.ref('late')) - interval '24 hours')::text, true);
select is((tests.run_reminders(current_setting('tests.due')::timestamptz + interval '2 hours',
                               current_setting('tests.due')::timestamptz - interval '5 minutes') ->> 'sent')::int >= 1, true,
  'a job that ran two hours late catches up');
select results_eq($$select (p ->> 'late_by_seconds')::int, p ->> 'offset_minutes' from tests.reminder_events(tests.ref('late')) p$$,
  $$values (7200, '1440')$$, '... with one reminder, saying how late');
do $$ begin perform tests.run_reminders(current_setting('tests.due')::timestamptz + interval '2 hours 5 minutes'); end $$;
select is((select count(*)::int from tests.reminder_events(tests.ref('late'))), 1, '... and not again');

-- several offsets due at once: the nearest is sent, the farther skipped -----------------------------------------
select set_config('tests.start', (select start_time from public.bookings where id = tests.ref('both'))::text, true);
do $$ begin perform tests.run_reminders(current_setting('tests.start')::timestamptz - interval '30 minutes',
                                        current_setting('tests.start')::timestamptz - interval '25 hours'); end $$;
select results_eq($$select p ->> 'offset_minutes' from tests.reminder_events(tests.ref('both')) p$$, $$values ('60')$$,
  'after a long outage, only the nearest reminder goes out');
select results_eq($$select offset_minutes, status, reason from ops.booking_reminders where booking_id = tests.ref('both') order by offset_minutes$$,
  $$values (60, 'sent'::text, null::text), (1440, 'skipped', 'superseded')$$, '... the other is recorded as superseded, never sent later');

-- rescheduled: reminders for the new time only ------------------------------------------------------------------
select set_config('tests.start', (select start_time from public.bookings where id = tests.ref('moved'))::text, true);
do $$ begin perform tests.run_reminders(current_setting('tests.start')::timestamptz - interval '23 hours 59 minutes'); end $$;
select is((select count(*)::int from tests.reminder_events(tests.ref('moved'))), 1, 'reschedule: (the 24 h reminder of the first time went out)');
do $$
begin
  perform public.reschedule_booking(tests.ref('moved'), tests.local_ts(current_setting('tests.day')::date + 6, '11:00', 'Europe/Berlin'));
end
$$;
do $$ begin perform tests.run_reminders(current_setting('tests.start')::timestamptz - interval '59 minutes'); end $$;
select is((select count(*)::int from tests.reminder_events(tests.ref('moved'))), 1, 'reschedule: nothing at the old time''s 1 h mark');
do $$ begin perform tests.run_reminders(tests.local_ts(current_setting('tests.day')::date + 5, '11:01', 'Europe/Berlin')); end $$;
select results_eq($$select p ->> 'local_date', p ->> 'local_time', p ->> 'offset_minutes' from tests.reminder_events(tests.ref('moved')) p offset 1$$,
  $$values (to_char(current_setting('tests.day')::date + 6, 'YYYY-MM-DD'), '11:00', '1440')$$,
  'reschedule: the 24 h reminder of the new time');

-- cancelled, pending, booked inside the window: no reminder ------------------------------------------------------
do $$ begin perform tests.run_reminders(tests.local_ts(current_setting('tests.day')::date + 3, '12:01', 'Europe/Berlin'),
                                        tests.local_ts(current_setting('tests.day')::date + 3, '11:00', 'Europe/Berlin')); end $$;
select is((select count(*)::int from tests.reminder_events(tests.ref('cancelled'))), 0, 'a cancelled booking gets no reminder');
do $$ begin perform tests.run_reminders(tests.local_ts(current_setting('tests.day')::date + 3, '15:01', 'Europe/Berlin')); end $$;
select is((select count(*)::int from tests.reminder_events(tests.ref('pending'))), 0, 'a pending (unconfirmed) booking neither');
do $$
begin
  -- made ten minutes after its 24 h reminder came due
  update public.bookings set created_at = start_time - interval '23 hours 50 minutes' where id = tests.ref('fresh');
  perform tests.run_reminders((select start_time from public.bookings where id = tests.ref('fresh')) - interval '23 hours 45 minutes',
                              (select start_time from public.bookings where id = tests.ref('fresh')) - interval '24 hours 5 minutes');
end
$$;
select is((select count(*)::int from tests.reminder_events(tests.ref('fresh'))), 0, 'a booking made after its reminder came due is not reminded late');
select is((select reason from ops.booking_reminders where booking_id = tests.ref('fresh')), 'booked_after_due', '... recorded as booked_after_due');

-- whether clients get them -------------------------------------------------------------------------------------------------
update public.organization_settings set remind_clients = false where organization_id = tests.org_id('rem-ny');
select set_config('tests.due', ((select start_time from public.bookings where id = tests.ref('ny_quiet')) - interval '24 hours')::text, true);
do $$ begin perform tests.run_reminders(current_setting('tests.due')::timestamptz + interval '1 minute'); end $$;
select is((select p -> 'recipients' from tests.reminder_events(tests.ref('ny_quiet')) p), '["provider"]'::jsonb,
  'clients switched off: the reminder is for the provider only');
update public.organization_settings set remind_providers = false where organization_id = tests.org_id('rem-ny');
do $$ begin perform tests.run_reminders((select start_time from public.bookings where id = tests.ref('ny_quiet')) - interval '59 minutes'); end $$;
select is((select count(*)::int from tests.reminder_events(tests.ref('ny_quiet'))), 1, 'both switched off: no reminder at all');
select is((select count(*)::int from public.audit_log where action = 'booking_reminders.emitted') > 0, true, 'runs that handled reminders are audited');

select * from finish();
rollback;
