-- Scheduling core 10/10: pg_cron job deleting expired meeting recordings.
-- Why: recordings past expires_at, or older than the organization's recording_retention_days,
-- must disappear without anyone remembering to do it; private.purge_expired_recordings()
-- deletes them and writes one audit_log entry per run. Idempotent by job name; databases
-- without pg_cron (test databases, projects where the extension is off) skip it.

do $$
begin
  if exists (select 1 from pg_extension where extname = 'pg_cron') then
    perform cron.unschedule(j.jobid) from cron.job j where j.jobname = 'purge-expired-recordings';
    perform cron.schedule('purge-expired-recordings', '17 * * * *', 'select private.purge_expired_recordings()');
  end if;
end
$$;
