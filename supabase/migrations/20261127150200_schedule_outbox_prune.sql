-- Outbox delivery 3/5: pg_cron job pruning delivered events.
-- Why: the outbox grows by every booking, cancellation and reminder; once every consumer has
-- delivered an event it is only history (audit_log keeps what happened). private.prune_outbox()
-- deletes events older than 7 days that every consumer is done with (dead letters after 30
-- days), with their delivery rows and webhook attempt logs, nightly at 03:41 UTC. Idempotent by
-- job name; databases without pg_cron (test databases, projects where the extension is off) skip it.

do $$
begin
  if exists (select 1 from pg_extension where extname = 'pg_cron') then
    perform cron.unschedule(j.jobid) from cron.job as j where j.jobname = 'prune-outbox';
    perform cron.schedule('prune-outbox', '41 3 * * *', 'select private.prune_outbox()');
  end if;
end
$$;
