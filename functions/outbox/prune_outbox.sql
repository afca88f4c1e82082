-- private.prune_outbox: the nightly pg_cron job prune-outbox (migration 20261127150200).
-- Deletes events older than p_retention that every consumer is done with: behind its safe
-- cursor, and delivered (or never meant for it). Dead letters are kept p_dead_retention for the
-- operator to inspect or requeue. Their delivery rows and webhook attempt logs go with them.
-- Works in batches of 5,000 (each a statement of its own) so a large backlog never holds long
-- locks; stops after p_max_batches.

create or replace function private.prune_outbox(
  p_retention interval default '7 days',
  p_dead_retention interval default '30 days',
  p_max_batches integer default 200
)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  c_batch constant integer := 5000;
  v_cutoff timestamptz := now() - p_retention;
  v_dead_cutoff timestamptz := now() - greatest(p_dead_retention, p_retention);
  v_ids bigint[];
  v_events integer := 0;
  v_deliveries integer := 0;
  v_attempts integer := 0;
  v_count integer;
  v_batches integer := 0;
begin
  loop
    select array_agg(e.id) into v_ids
    from (
      select e.id
      from public.outbox_events e
      where e.created_at < v_cutoff
        and not exists (
          select 1 from ops.outbox_consumers c
          where e.xact_id is not null
            and (e.xact_id, e.id) > (c.safe_xact_id, c.safe_event_id)
        )
        and not exists (
          select 1 from ops.outbox_deliveries d
          where d.event_id = e.id
            and (d.status = 'pending' or (d.status = 'dead' and e.created_at >= v_dead_cutoff))
        )
      order by e.created_at
      limit c_batch
    ) e;
    exit when v_ids is null;

    delete from ops.outbox_deliveries d where d.event_id = any (v_ids);
    get diagnostics v_count = row_count;
    v_deliveries := v_deliveries + v_count;
    delete from public.webhook_deliveries w where w.event_id = any (v_ids);
    get diagnostics v_count = row_count;
    v_attempts := v_attempts + v_count;
    delete from public.outbox_events e where e.id = any (v_ids);
    get diagnostics v_count = row_count;
    v_events := v_events + v_count;

    v_batches := v_batches + 1;
    exit when cardinality(v_ids) < c_batch or v_batches >= p_max_batches;
  end loop;

  perform private.write_audit(
    null, 'outbox.pruned', 'outbox_events', null, null,
    jsonb_build_object('events', v_events, 'deliveries', v_deliveries, 'webhook_attempts', v_attempts,
                       'retention', p_retention::text, 'dead_retention', p_dead_retention::text)
  );
  return jsonb_build_object('events', v_events, 'deliveries', v_deliveries, 'webhook_attempts', v_attempts);
end
$$;

comment on function private.prune_outbox(interval, interval, integer) is
  'pg_cron job prune-outbox: deletes outbox events older than p_retention that every consumer has passed and none has pending (dead letters: after p_dead_retention), with their delivery rows and webhook attempt logs; one audit_log entry (outbox.pruned). Returns {events, deliveries, webhook_attempts}.';

revoke all on function private.prune_outbox(interval, interval, integer) from public, anon, authenticated;
grant execute on function private.prune_outbox(interval, interval, integer) to service_role;
