-- Credits and subscriptions 6/6: pg_cron jobs for subscription expiry and integrity snapshots.
-- Why: a subscription past its expires_at must stop being spendable (and its client be told)
-- without anyone remembering to do it, and integrity regressions must raise an alert. Both jobs
-- call private functions (functions/subscriptions, functions/integrity). Idempotent by job name;
-- databases without pg_cron (test databases, projects where the extension is off) skip it.

do $$
begin
  if exists (select 1 from pg_extension where extname = 'pg_cron') then
    perform cron.unschedule(j.jobid) from cron.job j where j.jobname in ('expire-subscriptions', 'integrity-snapshot');
    perform cron.schedule('expire-subscriptions', '7 * * * *', 'select private.expire_subscriptions()');
    perform cron.schedule('integrity-snapshot', '23 2 * * *', 'select private.snapshot_integrity()');
  end if;
end
$$;
