-- Booking reminders across DST changes (issue 15): a reminder offset is elapsed time, so 24 h
-- before 10:00 on the day after the clocks change comes due at 09:00 (spring) or 11:00 (autumn)
-- local time the day before, and the payload carries the booking's local time with the UTC
-- offset in force at the session, in Europe/Berlin and America/New_York - for the next change
-- of each zone, whatever today's date is. (Its own file: a run emits everything due in its
-- window, so these bookings stay out of the other suite's windows.)
begin;
select plan(6);

do $$
declare
  v_berlin uuid := tests.seed_org('dst-berlin', 'Europe/Berlin');
  v_ny uuid := tests.seed_org('dst-ny', 'America/New_York');
begin
  perform set_config('tests.dst_de', tests.next_dst_change('Europe/Berlin', 3)::text, true);
  perform set_config('tests.dst_us', tests.next_dst_change('America/New_York', 3)::text, true);
  perform tests.remember('dst_de', tests.seed_booking(tests.seed_bookable_service(v_berlin, 'Physio', 60), tests.uid('dst-berlin_client'),
    tests.local_ts(current_setting('tests.dst_de')::date, '10:00', 'Europe/Berlin')));
  perform tests.remember('dst_us', tests.seed_booking(tests.seed_bookable_service(v_ny, 'Lesson', 60), tests.uid('dst-ny_client'),
    tests.local_ts(current_setting('tests.dst_us')::date, '09:00', 'America/New_York')));
end
$$;

select set_config('tests.span_de', (tests.local_ts(current_setting('tests.dst_de')::date, '12:00', 'Europe/Berlin')
  - tests.local_ts(current_setting('tests.dst_de')::date - 1, '12:00', 'Europe/Berlin'))::text, true);
select set_config('tests.due', ((select start_time from public.bookings where id = tests.ref('dst_de')) - interval '24 hours')::text, true);
do $$ begin perform tests.run_reminders(current_setting('tests.due')::timestamptz - interval '1 minute'); end $$;
select is((select count(*)::int from tests.reminder_events(tests.ref('dst_de'))), 0, 'Berlin DST: nothing a minute before 24 h of elapsed time');
do $$ begin perform tests.run_reminders(current_setting('tests.due')::timestamptz + interval '1 minute'); end $$;
select results_eq(
  $$select p ->> 'local_starts_at', p ->> 'utc_offset' from tests.reminder_events(tests.ref('dst_de')) p$$,
  $$values (to_char(current_setting('tests.dst_de')::date, 'YYYY-MM-DD') || 'T10:00:00'
              || case when current_setting('tests.span_de')::interval < interval '24 hours' then '+02:00' else '+01:00' end,
            case when current_setting('tests.span_de')::interval < interval '24 hours' then '+02:00' else '+01:00' end)$$,
  'Berlin DST: the payload says 10:00 with the UTC offset in force after the change');
select is(
  (select to_char((p ->> 'due_at')::timestamptz at time zone 'Europe/Berlin', 'HH24:MI') from tests.reminder_events(tests.ref('dst_de')) p where p ->> 'offset_minutes' = '1440'),
  to_char(time '10:00' - (interval '24 hours' - current_setting('tests.span_de')::interval), 'HH24:MI'),
  'Berlin DST: it came due at 09:00 (spring) or 11:00 (autumn) local time the day before');

select set_config('tests.span_us', (tests.local_ts(current_setting('tests.dst_us')::date, '12:00', 'America/New_York')
  - tests.local_ts(current_setting('tests.dst_us')::date - 1, '12:00', 'America/New_York'))::text, true);
select set_config('tests.due', ((select start_time from public.bookings where id = tests.ref('dst_us')) - interval '24 hours')::text, true);
do $$ begin perform tests.run_reminders(current_setting('tests.due')::timestamptz - interval '1 minute'); end $$;
select is((select count(*)::int from tests.reminder_events(tests.ref('dst_us'))), 0, 'New York DST: nothing a minute before');
do $$ begin perform tests.run_reminders(current_setting('tests.due')::timestamptz + interval '1 minute'); end $$;
select results_eq(
  $$select p ->> 'local_starts_at', p ->> 'timezone' from tests.reminder_events(tests.ref('dst_us')) p$$,
  $$values (to_char(current_setting('tests.dst_us')::date, 'YYYY-MM-DD') || 'T09:00:00'
              || case when current_setting('tests.span_us')::interval < interval '24 hours' then '-04:00' else '-05:00' end,
            'America/New_York')$$,
  'New York DST: 09:00 with the offset in force after the change (EDT -04:00 in spring, EST -05:00 in autumn)');
do $$ begin perform tests.run_reminders((select start_time from public.bookings where id = tests.ref('dst_us')) - interval '59 minutes'); end $$;
select is((select p ->> 'local_time' from tests.reminder_events(tests.ref('dst_us')) p where p ->> 'offset_minutes' = '60'), '09:00',
  'New York DST: the 1 h reminder of the same session, once');


select * from finish();
rollback;
