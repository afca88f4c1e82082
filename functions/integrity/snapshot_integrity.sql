-- private.snapshot_integrity: the nightly pg_cron job integrity-snapshot (migration
-- 20261124020500). One ops.integrity_snapshots row per organization; when any invariant's count
-- is higher than in that organization's previous snapshot (no previous snapshot = 0), an
-- integrity.violations_found outbox event names the invariants that rose.

create or replace function private.snapshot_integrity()
returns integer
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_org uuid;
  v_report jsonb;
  v_counts jsonb;
  v_previous jsonb;
  v_rises jsonb;
  v_snapshot_id bigint;
  v_alerts integer := 0;
begin
  for v_org in select o.id from public.organizations o order by o.id loop
    v_report := public.integrity_report(v_org);
    select coalesce(jsonb_object_agg(i ->> 'name', (i ->> 'violations')::integer), '{}'::jsonb)
    into v_counts
    from jsonb_array_elements(v_report -> 'invariants') i;

    select s.counts into v_previous
    from ops.integrity_snapshots s
    where s.organization_id = v_org
    order by s.taken_at desc, s.id desc
    limit 1;

    insert into ops.integrity_snapshots (organization_id, total_violations, counts, report)
    values (v_org, (v_report ->> 'total_violations')::integer, v_counts, v_report)
    returning id into v_snapshot_id;

    select jsonb_agg(jsonb_build_object(
             'name', i ->> 'name',
             'previous', coalesce((v_previous ->> (i ->> 'name'))::integer, 0),
             'violations', (i ->> 'violations')::integer,
             'sample_ids', i -> 'sample_ids'
           ) order by i ->> 'name')
    into v_rises
    from jsonb_array_elements(v_report -> 'invariants') i
    where (i ->> 'violations')::integer > coalesce((v_previous ->> (i ->> 'name'))::integer, 0);

    if v_rises is not null then
      perform private.emit_event(v_org, 'integrity.violations_found', jsonb_build_object(
        'snapshot_id', v_snapshot_id,
        'total_violations', (v_report ->> 'total_violations')::integer,
        'rises', v_rises
      ));
      v_alerts := v_alerts + 1;
    end if;
  end loop;
  return v_alerts;
end
$$;

comment on function private.snapshot_integrity() is
  'pg_cron job integrity-snapshot: stores integrity_report() of every organization in ops.integrity_snapshots and emits integrity.violations_found (payload: snapshot_id, total_violations, rises [{name, previous, violations, sample_ids}]) where a count rose since the previous snapshot. Returns how many organizations were alerted.';

revoke all on function private.snapshot_integrity() from public, anon, authenticated;
grant execute on function private.snapshot_integrity() to service_role;
