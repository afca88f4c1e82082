-- Monthly partitions for outbox_events too (issue 13; the delivery protocol of issue 15 kept).
-- Why: the outbox takes a row for every booking, cancellation, reminder and job, and only the
-- last days are ever read. Partitioned by month on created_at like audit_log and
-- booking_status_history (20261127160300), with pg_partman making the months ahead.
-- The consumer protocol keeps working unchanged: consumers find new events by
-- (xact_id, id) through the index of that name (now one per month, merged in order), deliveries
-- are keyed by (consumer, event_id) without a foreign key, and prune_outbox() still deletes what
-- every consumer is done with after 7 days (dead letters after 30). Retention drops a month six
-- months after it ended: by then its delivered events are long pruned; whatever is still there
-- (a consumer that has not claimed anything for half a year) goes with the month, and its
-- delivery rows and webhook attempt logs go with it (private.run_partition_maintenance below),
-- so nothing points at an event that is gone.

set local lock_timeout = '5s';

select private.convert_to_monthly_partitions('public.outbox_events', 'created_at', interval '6 months');

-- pg_partman 4.x sets the session's search_path while it works and restores what it found:
-- no `set search_path` here either (see 20261127160300); every name is schema-qualified
create or replace function private.run_partition_maintenance()
returns void
language plpgsql
as $$
declare
  v_parent text;
  v_outbox_retention interval := (
    select pc.retention::interval from partman.part_config as pc where pc.parent_table = 'public.outbox_events'
  );
begin
  -- rows that found no partition of their month (maintenance stopped for longer than the months
  -- made ahead, or a moved clock) wait in the default partition; pg_partman cannot create a
  -- month whose rows sit there, so they get their own partitions first
  for v_parent in select pc.parent_table from partman.part_config as pc order by 1 loop
    -- pg_partman moves the rows through a temporary table shaped like the first table it moved
    -- in this transaction (dropped only at commit): start each table with a fresh one
    drop table if exists pg_temp.partman_temp_data_storage;
    while coalesce(partman.partition_data_time(p_parent_table := v_parent, p_batch_count := 12), 0) > 0 loop
    end loop;
  end loop;
  -- months ahead (premake) and retention: partitions past it are dropped
  perform partman.run_maintenance(p_analyze := false);
  -- the delivery state of outbox events whose month was dropped goes with them
  if v_outbox_retention is not null then
    delete from ops.outbox_deliveries as d
    where d.event_created_at < now() - v_outbox_retention
      and not exists (select 1 from public.outbox_events as e where e.id = d.event_id);
    delete from public.webhook_deliveries as w
    where w.created_at < now() - v_outbox_retention
      and not exists (select 1 from public.outbox_events as e where e.id = w.event_id);
  end if;
  perform private.secure_partitions();
end
$$;

comment on function private.run_partition_maintenance() is
  'Hourly (pg_cron job partition-maintenance): moves rows out of default partitions into partitions of their month, runs pg_partman''s maintenance (creates the coming months, drops months past each table''s retention), deletes the delivery rows and webhook attempt logs of outbox events dropped with their month, secures new partitions.';

revoke all on function private.run_partition_maintenance() from public, anon, authenticated;
