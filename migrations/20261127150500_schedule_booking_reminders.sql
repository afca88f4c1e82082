-- Outbox delivery 5/5: the reminder offsets' range check validated, and the pg_cron job that
-- emits booking reminders.
-- Why: 20261127150300 added the check not valid (a brief lock); validating here scans the
-- settings without blocking reads or writes. Reminders must go out without anyone remembering
-- to: private.emit_booking_reminders() runs every 5 minutes and handles every reminder that came
-- due since its previous run (a run that is late or skipped is caught up by the next one).
-- Idempotent by job name; databases without pg_cron (test databases, projects where the extension
-- is off) skip the job.

set local lock_timeout = '5s';

alter table public.organization_settings validate constraint organization_settings_reminder_offsets_range;

do $$
begin
  if exists (select 1 from pg_extension where extname = 'pg_cron') then
    perform cron.unschedule(j.jobid) from cron.job as j where j.jobname = 'emit-booking-reminders';
    perform cron.schedule('emit-booking-reminders', '*/5 * * * *', 'select private.emit_booking_reminders()');
  end if;
end
$$;
