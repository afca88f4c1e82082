-- Monthly partitions with retention for the append-only logs: audit_log and
-- booking_status_history (issue 13, docs/scaling.md).
-- Why: both grow with every booking and every job run, forever, and nothing reads old months
-- except through a date. Partitioned by month on `at`, old months are dropped whole (no DELETE,
-- no vacuum debt) and a month's rows and indexes stay small. pg_partman (an extension on
-- Supabase, Debian's postgresql-15-partman locally) creates the months ahead and drops the ones
-- past retention; pg_cron runs its maintenance hourly. outbox_events follows once its consumer
-- protocol has settled (issue 15).
--
-- A live table cannot become partitioned in place. private.convert_to_monthly_partitions()
-- does it in one transaction under an exclusive lock: it records the table's indexes, foreign
-- keys, triggers (and how they are enabled), policies, row level security, grants and comments;
-- creates the partitioned table under the same name with the same columns, defaults, identity,
-- checks and column comments; lets pg_partman create a partition for every month from the oldest
-- row on; moves the rows (ids kept, the identity continues after the highest); drops the old
-- table and puts back everything it recorded. A table that is already partitioned is left alone.
-- The primary key becomes (id, at): a partitioned table's unique keys include its partition key
-- (nothing references these rows by id).
--
-- Partitions are ordinary tables in `public`: PostgREST would serve them. Each one gets row level
-- security with no policy and no grants for anon/authenticated (private.secure_partitions()), so
-- the rows are only ever read through the parent and its policies.
--
-- pg_partman 4.x (Debian 12) and 5.x (Supabase) differ in create_parent's partition type
-- ('native' vs 'range'); named arguments and that one switch cover both.

set local lock_timeout = '5s';

create schema if not exists partman;

create extension if not exists pg_partman with schema partman;

create or replace function private.secure_partitions()
returns integer
language plpgsql
set search_path = ''
as $$
declare
  v_child regclass;
  v_parent regclass;
  v_count integer := 0;
begin
  for v_child, v_parent in
    select c.oid::regclass, p.oid::regclass
    from pg_catalog.pg_inherits as i
    join pg_catalog.pg_class as c on c.oid = i.inhrelid
    join pg_catalog.pg_class as p on p.oid = i.inhparent
    where p.relkind = 'p'
      and p.relnamespace = 'public'::regnamespace
      and (not c.relrowsecurity
           or pg_catalog.obj_description(c.oid, 'pg_class') is null
           or pg_catalog.has_table_privilege('anon', c.oid, 'select')
           or pg_catalog.has_table_privilege('authenticated', c.oid, 'select'))
  loop
    execute format('alter table %s enable row level security', v_child);
    execute format('revoke all on table %s from public, anon, authenticated', v_child);
    execute format('comment on table %s is %L', v_child,
                   format('Partition of %s managed by pg_partman: read and write its rows through %s (its policies); read directly it shows nothing.', v_parent, v_parent));
    v_count := v_count + 1;
  end loop;
  return v_count;
end
$$;

comment on function private.secure_partitions() is
  'Every partition of a partitioned table in public gets row level security without policies, no grants for anon/authenticated and a comment naming its parent: its rows are read through the parent (and its policies) only. Returns how many partitions it secured.';

revoke all on function private.secure_partitions() from public, anon, authenticated;

-- no `set search_path` on the two functions calling pg_partman: pg_partman 4.x sets the session's
-- search_path (not locally) while it works and puts back the one it found, which a function's own
-- setting would turn into '' for the rest of the session. Every name here is schema-qualified.
create or replace function private.run_partition_maintenance()
returns void
language plpgsql
as $$
declare
  v_parent text;
begin
  -- rows that found no partition of their month (maintenance stopped for longer than the months
  -- made ahead, or a moved clock) wait in the default partition; pg_partman cannot create a
  -- month whose rows sit there, so they get their own partitions first
  for v_parent in select pc.parent_table from partman.part_config as pc order by 1 loop
    while coalesce(partman.partition_data_time(p_parent_table := v_parent, p_batch_count := 12), 0) > 0 loop
    end loop;
  end loop;
  -- months ahead (premake) and retention: partitions past it are dropped
  perform partman.run_maintenance(p_analyze := false);
  perform private.secure_partitions();
end
$$;

comment on function private.run_partition_maintenance() is
  'Hourly (pg_cron job partition-maintenance): moves rows out of default partitions into partitions of their month, runs pg_partman''s maintenance (creates the coming months, drops months past each table''s retention), secures new partitions.';

revoke all on function private.run_partition_maintenance() from public, anon, authenticated;

create or replace function private.convert_to_monthly_partitions(
  p_table regclass,
  p_control text,
  p_retention interval,
  p_premake integer default 3
)
returns void
language plpgsql
as $$
declare
  v_schema text;
  v_name text;
  v_old text;
  v_kind "char";
  v_owner oid;
  v_rls boolean;
  v_force boolean;
  v_comment text;
  v_pk_columns text;
  v_identity text;
  v_sequence text;
  v_start timestamptz;
  v_max bigint;
  v_restore text[];
  v_statement text;
  v_index record;
  v_partman_type text;
begin
  select n.nspname, c.relname, c.relkind, c.relowner, c.relrowsecurity, c.relforcerowsecurity,
         pg_catalog.obj_description(c.oid, 'pg_class')
  into v_schema, v_name, v_kind, v_owner, v_rls, v_force, v_comment
  from pg_catalog.pg_class as c
  join pg_catalog.pg_namespace as n on n.oid = c.relnamespace
  where c.oid = p_table;
  if v_kind = 'p' then
    return;  -- already partitioned
  end if;
  execute format('lock table %I.%I in access exclusive mode', v_schema, v_name);

  -- what the new table must get back, as statements (they name the table, which keeps its name)
  v_restore := array(
    select format('alter table %I.%I add constraint %I %s', v_schema, v_name, co.conname, pg_catalog.pg_get_constraintdef(co.oid))
    from pg_catalog.pg_constraint as co
    where co.conrelid = p_table and co.contype = 'f'
    order by co.conname
  ) || array(
    select pg_catalog.pg_get_indexdef(i.indexrelid)
    from pg_catalog.pg_index as i
    where i.indrelid = p_table and not i.indisprimary
    order by i.indexrelid
  ) || array(
    select format('comment on index %I.%I is %L', v_schema, ic.relname, pg_catalog.obj_description(ic.oid, 'pg_class'))
    from pg_catalog.pg_index as i
    join pg_catalog.pg_class as ic on ic.oid = i.indexrelid
    where i.indrelid = p_table and not i.indisprimary and pg_catalog.obj_description(ic.oid, 'pg_class') is not null
  ) || array(
    select pg_catalog.pg_get_triggerdef(t.oid)
    from pg_catalog.pg_trigger as t
    where t.tgrelid = p_table and not t.tgisinternal
    order by t.tgname
  ) || array(
    select format('alter table %I.%I %s trigger %I', v_schema, v_name,
                  case t.tgenabled when 'A' then 'enable always' when 'R' then 'enable replica' else 'disable' end, t.tgname)
    from pg_catalog.pg_trigger as t
    where t.tgrelid = p_table and not t.tgisinternal and t.tgenabled <> 'O'
  ) || array(
    select format('create policy %I on %I.%I as %s for %s to %s%s%s',
                  po.policyname, v_schema, v_name, po.permissive, po.cmd,
                  (select string_agg(case when r = 'public' then 'public' else quote_ident(r) end, ', ') from unnest(po.roles) as r),
                  coalesce(' using (' || po.qual || ')', ''), coalesce(' with check (' || po.with_check || ')', ''))
    from pg_catalog.pg_policies as po
    where po.schemaname = v_schema and po.tablename = v_name
    order by po.policyname
  ) || array(
    select format('grant %s on table %I.%I to %s', a.privilege_type, v_schema, v_name,
                  case when a.grantee = 0 then 'public' else quote_ident(r.rolname) end)
    from pg_catalog.pg_class as c
    cross join lateral pg_catalog.aclexplode(c.relacl) as a
    left join pg_catalog.pg_roles as r on r.oid = a.grantee
    where c.oid = p_table and a.grantee <> v_owner
  );
  select string_agg(quote_ident(a.attname), ', ' order by k.n)
  into v_pk_columns
  from pg_catalog.pg_constraint as co
  cross join lateral unnest(co.conkey) with ordinality as k (attnum, n)
  join pg_catalog.pg_attribute as a on a.attrelid = co.conrelid and a.attnum = k.attnum
  where co.conrelid = p_table and co.contype = 'p';
  select a.attname into v_identity
  from pg_catalog.pg_attribute as a
  where a.attrelid = p_table and a.attidentity <> '' and not a.attisdropped;

  -- the old table steps aside: another name, no secondary indexes, its key and sequence renamed
  v_old := v_name || '__unpartitioned';
  execute format('alter table %I.%I rename to %I', v_schema, v_name, v_old);
  for v_index in
    select ic.relname, i.indisprimary, co.conname
    from pg_catalog.pg_index as i
    join pg_catalog.pg_class as ic on ic.oid = i.indexrelid
    left join pg_catalog.pg_constraint as co on co.conindid = i.indexrelid and co.conrelid = p_table
    where i.indrelid = p_table
  loop
    if v_index.indisprimary then
      execute format('alter table %I.%I rename constraint %I to %I', v_schema, v_old, v_index.conname, v_old || '_pkey');
    elsif v_index.conname is not null then
      execute format('alter table %I.%I drop constraint %I', v_schema, v_old, v_index.conname);
    else
      execute format('drop index %I.%I', v_schema, v_index.relname);
    end if;
  end loop;
  if v_identity is not null then
    v_sequence := pg_catalog.pg_get_serial_sequence(format('%I.%I', v_schema, v_old), v_identity);
    execute format('alter sequence %s rename to %I', v_sequence, v_old || '_' || v_identity || '_seq');
  end if;

  -- the partitioned table takes the name: same columns, defaults, identity, checks, comments
  execute format('create table %I.%I (like %I.%I including all excluding indexes) partition by range (%I)',
                 v_schema, v_name, v_schema, v_old, p_control);
  execute format('alter table %I.%I add constraint %I primary key (%s, %I)',
                 v_schema, v_name, v_name || '_pkey', v_pk_columns, p_control);

  -- one partition per month from the oldest row's (pg_partman: 4.x 'native', 5.x 'range')
  execute format('select date_trunc(''month'', min(%I)) from %I.%I', p_control, v_schema, v_old) into v_start;
  v_partman_type := case when (select e.extversion from pg_catalog.pg_extension as e where e.extname = 'pg_partman') like '4.%'
                         then 'native' else 'range' end;
  perform partman.create_parent(
    p_parent_table := v_schema || '.' || v_name,
    p_control := p_control,
    p_type := v_partman_type,
    p_interval := '1 month',
    p_premake := p_premake,
    p_start_partition := coalesce(v_start, date_trunc('month', now()))::text
  );
  update partman.part_config
  set retention = p_retention::text,
      retention_keep_table = false,
      infinite_time_partitions = true
  where parent_table = v_schema || '.' || v_name;

  -- the rows move (their ids kept); the identity continues after the highest
  execute format('insert into %I.%I overriding system value select * from %I.%I', v_schema, v_name, v_schema, v_old);
  if v_identity is not null then
    execute format('select max(%I) from %I.%I', v_identity, v_schema, v_name) into v_max;
    if v_max is not null then
      execute format('alter table %I.%I alter column %I restart with %s', v_schema, v_name, v_identity, v_max + 1);
    end if;
  end if;
  execute format('drop table %I.%I', v_schema, v_old);

  -- everything else back: foreign keys, indexes, triggers, policies, grants (and nothing more)
  execute format('revoke all on table %I.%I from public, anon, authenticated, service_role', v_schema, v_name);
  foreach v_statement in array v_restore loop
    execute v_statement;
  end loop;
  if v_rls then
    execute format('alter table %I.%I enable row level security', v_schema, v_name);
  end if;
  if v_force then
    execute format('alter table %I.%I force row level security', v_schema, v_name);
  end if;
  execute format('comment on table %I.%I is %L', v_schema, v_name, v_comment);
  perform private.secure_partitions();
  execute format('analyze %I.%I', v_schema, v_name);
end
$$;

comment on function private.convert_to_monthly_partitions(regclass, text, interval, integer) is
  'Turns a live table into a table partitioned by month on p_control, managed by pg_partman (p_premake months ahead, partitions past p_retention dropped), in one transaction: same name, columns, identity, checks, indexes, foreign keys, triggers, policies, row level security, grants and comments; rows moved with their ids. The primary key gains p_control. No-op on a partitioned table.';

revoke all on function private.convert_to_monthly_partitions(regclass, text, interval, integer) from public, anon, authenticated;

-- the audit trail: a year; the booking status history: two years (bookings keep their status)
select private.convert_to_monthly_partitions('public.audit_log', 'at', interval '12 months');

select private.convert_to_monthly_partitions('public.booking_status_history', 'at', interval '24 months');

-- the dispatcher (service_role) writes no changed_by: only rows that name someone need the
-- entry the foreign key to auth.users uses
-- squawk-ignore require-concurrent-index-deletion
drop index public.booking_status_history_changed_by_idx;

create index booking_status_history_changed_by_idx
  on public.booking_status_history (changed_by)
  where changed_by is not null;

do $$
begin
  if exists (select 1 from pg_extension where extname = 'pg_cron') then
    perform cron.unschedule(j.jobid) from cron.job as j where j.jobname = 'partition-maintenance';
    perform cron.schedule('partition-maintenance', '41 * * * *', 'select private.run_partition_maintenance()');
  end if;
end
$$;
