-- Recurring bookings: the daily pg_cron job of the dispatcher (seed 002 "triggered by pg_cron").
-- Why: occurrences must be booked without anyone remembering to. The job runs at 02:00 UTC and
-- dispatches for the next UTC day, so every occurrence is booked about a day ahead in every time
-- zone (UTC+14 included) instead of after it started. Idempotent by job name; databases without
-- pg_cron (test databases, projects where the extension is off) skip it.

do $$
begin
  if exists (select 1 from pg_extension where extname = 'pg_cron') then
    perform cron.schedule(
      'dispatch-recurring-bookings',
      '0 2 * * *',
      $job$select public.dispatch_recurring_bookings(((now() at time zone 'utc')::date + 1))$job$
    );
  end if;
end
$$;
