-- pg_cron jobs that can be scheduled again: ops.scheduled_jobs lists the product's jobs, and
-- ops.schedule_jobs() (re)schedules every one of them by name, idempotently.
-- Why: the migrations that added jobs scheduled them only when pg_cron was enabled at push time
-- (`do $$ if exists (... pg_cron) then cron.schedule(...)`). A project that enables pg_cron after
-- the push (Database -> Extensions) never got them: no nightly dispatch, no reminders, no
-- expiry. Now the operator runs `select * from ops.schedule_jobs();` after enabling it
-- (`sessionkit db push` prints that line when pg_cron is off), and running it again changes
-- nothing. From now on a migration that adds or changes a job upserts its row here and calls
-- ops.schedule_jobs() (a no-op without pg_cron); the released migrations stay as they are.
-- A function defined here, not in functions/: migrations call it, and the generated sync of
-- functions/ runs after every migration.

set local lock_timeout = '5s';

create table ops.scheduled_jobs (
  jobname text primary key,
  schedule text not null,
  command text not null,
  description text not null,
  constraint scheduled_jobs_jobname_format check (jobname ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
  constraint scheduled_jobs_schedule_not_blank check (btrim(schedule) <> ''),
  constraint scheduled_jobs_command_not_blank check (btrim(command) <> '')
);

comment on table ops.scheduled_jobs is
  'The product''s pg_cron jobs, one row each (job name, cron schedule, command): what ops.schedule_jobs() schedules. A migration that adds or changes a job upserts its row and calls ops.schedule_jobs(). Not exposed.';

insert into ops.scheduled_jobs (jobname, schedule, command, description) values
  ('dispatch-recurring-bookings-shard-0', '0 2 * * *',
   $job$select public.dispatch_recurring_bookings(((now() at time zone 'utc')::date + 1), 0, 2)$job$,
   'Recurring series -> bookings for the next UTC day, providers of shard 0 of 2 (20261124030500).'),
  ('dispatch-recurring-bookings-shard-1', '0 2 * * *',
   $job$select public.dispatch_recurring_bookings(((now() at time zone 'utc')::date + 1), 1, 2)$job$,
   'Recurring series -> bookings for the next UTC day, providers of shard 1 of 2 (20261124030500).'),
  ('emit-booking-reminders', '*/5 * * * *', 'select private.emit_booking_reminders()',
   'booking.reminder outbox events at each organization''s reminder offsets (20261127150500).'),
  ('expire-pending-bookings', '*/5 * * * *', 'select private.expire_pending_bookings()',
   'Pending bookings past their approval deadline are cancelled as expired (20261127180200).'),
  ('expire-subscriptions', '7 * * * *', 'select private.expire_subscriptions()',
   'Subscriptions past expires_at become expired (20261124020500).'),
  ('integrity-snapshot', '23 2 * * *', 'select private.snapshot_integrity()',
   'Nightly integrity_report per organization into ops.integrity_snapshots (20261124020500).'),
  ('partition-maintenance', '41 * * * *', 'select private.run_partition_maintenance()',
   'pg_partman: next months'' partitions, retention of old ones (20261127160300).'),
  ('prune-outbox', '41 3 * * *', 'select private.prune_outbox()',
   'Outbox events every consumer is done with, older than 7 days (20261127150200).'),
  ('purge-expired-recordings', '17 * * * *', 'select private.purge_expired_recordings()',
   'Meeting recordings past their retention (20261124010900).');

create function ops.schedule_jobs()
returns table (jobname text, schedule text, command text, action text)
language plpgsql
set search_path = ''
as $$
#variable_conflict use_column
declare
  v_job record;
  v_current record;
  v_exists boolean;
begin
  if not exists (select 1 from pg_catalog.pg_extension as e where e.extname = 'pg_cron') then
    raise notice 'pg_cron is not enabled on this database: no job scheduled (enable it, then run: select * from ops.schedule_jobs();)';
    return;
  end if;
  for v_job in select j.jobname, j.schedule, j.command from ops.scheduled_jobs as j order by j.jobname loop
    -- cron.job is only referenced once pg_cron exists (plpgsql resolves names when it runs them)
    select c.schedule, c.command into v_current
    from cron.job as c
    where c.jobname = v_job.jobname
      and c.username = current_user
    order by c.jobid
    limit 1;
    v_exists := found;
    jobname := v_job.jobname;
    schedule := v_job.schedule;
    command := v_job.command;
    if v_exists and v_current.schedule = v_job.schedule and v_current.command = v_job.command then
      action := 'unchanged';
    else
      -- cron.schedule(name, ...) updates the caller's job of that name, or creates it
      perform cron.schedule(v_job.jobname, v_job.schedule, v_job.command);
      action := case when v_exists then 'updated' else 'scheduled' end;
    end if;
    return next;
  end loop;
end
$$;

comment on function ops.schedule_jobs() is
  'Schedules every job of ops.scheduled_jobs with pg_cron, by name and idempotently: a missing job is scheduled, one whose schedule or command differs is updated, the others are left alone; returns (jobname, schedule, command, action scheduled|updated|unchanged). Without pg_cron: a notice and no rows. Run by migrations that add jobs, and by the operator after enabling pg_cron on a project pushed without it: select * from ops.schedule_jobs();';

revoke all on function ops.schedule_jobs() from public, anon, authenticated, service_role;

-- the jobs exist already where pg_cron was enabled at push time: nothing changes there
select count(*) from ops.schedule_jobs();
