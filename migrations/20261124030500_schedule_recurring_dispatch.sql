-- Recurring bookings: the daily pg_cron jobs of the dispatcher (seed 002 "triggered by pg_cron").
-- Why: occurrences must be booked without anyone remembering to. The jobs run at 02:00 UTC and
-- dispatch for the next UTC day, so every occurrence is booked about a day ahead in every time
-- zone (UTC+14 included) instead of after it started. Two jobs run at once, shard 0 and shard 1
-- of 2 (dispatch_recurring_bookings shards by provider, so they never wait for each other's
-- provider locks): a 2-core server dispatches a large night in about half the time. Idempotent by
-- job name; databases without pg_cron (test databases, projects where the extension is off) skip it.

do $$
begin
  if exists (select 1 from pg_extension where extname = 'pg_cron') then
    -- the single job of an earlier draft of this migration, where a database still has it
    perform cron.unschedule(j.jobid) from cron.job as j where j.jobname = 'dispatch-recurring-bookings';
    perform cron.schedule(
      'dispatch-recurring-bookings-shard-0',
      '0 2 * * *',
      $job$select public.dispatch_recurring_bookings(((now() at time zone 'utc')::date + 1), 0, 2)$job$
    );
    perform cron.schedule(
      'dispatch-recurring-bookings-shard-1',
      '0 2 * * *',
      $job$select public.dispatch_recurring_bookings(((now() at time zone 'utc')::date + 1), 1, 2)$job$
    );
  end if;
end
$$;
