-- Monthly partitions of the append-only logs (migrations 20261127160300/0400): audit_log and
-- booking_status_history (on `at`), outbox_events (on created_at) are partitioned by month and
-- managed by pg_partman; its
-- maintenance (pg_cron, hourly) makes the coming months, drops the months past retention and
-- never loses a row of the current month; partitions are only read through their parent.
-- Everything is relative to now() and to the partitions that exist, so it holds on any day and
-- on a database migrated long ago. The conversion of a live table:
-- tests/test_partitions.py.
begin;
select plan(18);

select is(
  array(select c.relname::text || ':' || pg_get_partkeydef(c.oid) from pg_class c
        where c.relnamespace = 'public'::regnamespace and c.relkind = 'p'
        order by 1),
  array['audit_log:RANGE (at)', 'booking_status_history:RANGE (at)', 'outbox_events:RANGE (created_at)'],
  'audit_log, booking_status_history and outbox_events are partitioned by range on their time');
select is(
  array(select pc.parent_table || ' ' || pc.partition_interval || ' keep ' || pc.retention || ' premake ' || pc.premake
        from partman.part_config pc order by 1),
  array['public.audit_log 1 mon keep 1 year premake 3', 'public.booking_status_history 1 mon keep 2 years premake 3',
        'public.outbox_events 1 mon keep 6 mons premake 3'],
  'pg_partman keeps a month per partition: the audit trail for a year, the status history for two, the outbox for six months; three months made ahead');
select is((select bool_and(not pc.retention_keep_table) from partman.part_config pc), true,
  'months past retention are dropped, not only detached');
select ok(
  not exists (select 1 from pg_extension where extname = 'pg_cron')
  or tests.cron_job_count('partition-maintenance') = 1,
  'pg_cron runs the partition maintenance every hour, where the extension exists');

-- a fresh maintenance run, then rows of today, of two months ago and of two years ago
select lives_ok($$select private.run_partition_maintenance()$$, 'maintenance runs');
select ok(
  (select count(*) from partman.show_partitions('public.audit_log') s
   where s.partition_tablename >= 'audit_log_p' || to_char(now(), 'YYYY_MM')) >= 4,
  'the current month and three ahead have their partitions');

do $$
begin
  perform tests.seed_org('parts');
  insert into public.audit_log (organization_id, action, entity, at)
  select tests.org_id('parts'), 'partitions.probe', v.label, v.at
  from (values ('today', now()), ('two months ago', now() - interval '2 months'),
               ('two years ago', now() - interval '2 years')) as v (label, at);
end
$$;
-- which months have a partition depends on the database's age (made three months ahead since
-- it was migrated), not only on today: two months ago has one on a database older than a month
select is(
  (select count(*) from only public.audit_log_default where action = 'partitions.probe'),
  (select count(*) from public.audit_log a
   where a.action = 'partitions.probe'
     and not exists (select 1 from partman.show_partitions('public.audit_log') s
                     where s.partition_tablename = 'audit_log_p' || to_char(a.at, 'YYYY_MM'))),
  'rows of months without a partition (two years ago''s at least) wait in the default partition');

select lives_ok($$select private.run_partition_maintenance()$$, 'maintenance runs again');
select is(
  (select array_agg(entity order by at desc) from public.audit_log where action = 'partitions.probe'),
  array['today', 'two months ago'],
  'maintenance kept today''s and the recent month''s rows and dropped the month past retention');
select is((select count(*) from only public.audit_log_default), 0::bigint, 'the default partition is empty again');
select is(
  (select count(*) from partman.show_partitions('public.audit_log') s
   where s.partition_tablename = 'audit_log_p' || to_char(now() - interval '2 years', 'YYYY_MM')), 0::bigint,
  'the partition of two years ago is gone');
select is(
  (select count(*) from partman.show_partitions('public.audit_log') s
   where s.partition_tablename = 'audit_log_p' || to_char(now() - interval '2 months', 'YYYY_MM')), 1::bigint,
  'the partition of two months ago was made for its rows');

-- an outbox event left undelivered past the outbox's retention goes with its month, and so does
-- its delivery row; a recent one stays, with its delivery
do $$
begin
  insert into ops.outbox_consumers (consumer, safe_xact_id, eager_xact_id) values ('partitions-probe', 0, 0);
  insert into public.outbox_events (organization_id, topic, created_at)
  values (tests.org_id('parts'), 'partitions.probe', now() - interval '8 months'),
         (tests.org_id('parts'), 'partitions.probe', now());
  insert into ops.outbox_deliveries (consumer, event_id, organization_id, topic, event_created_at)
  select 'partitions-probe', e.id, e.organization_id, e.topic, e.created_at
  from public.outbox_events e where e.topic = 'partitions.probe';
  perform private.run_partition_maintenance();
end
$$;
select is((select count(*) from public.outbox_events where topic = 'partitions.probe' and created_at > now() - interval '1 day'),
  1::bigint, 'the outbox keeps the recent event');
select is(
  (select array_agg(d.event_created_at > now() - interval '1 day') from ops.outbox_deliveries d where d.consumer = 'partitions-probe'),
  array[true], 'the delivery of the event dropped with its month is gone, the recent one''s stays');

-- partitions are reached through the parent only
select is(
  (select count(*) from pg_inherits i join pg_class c on c.oid = i.inhrelid
   where i.inhparent in ('public.audit_log'::regclass, 'public.booking_status_history'::regclass, 'public.outbox_events'::regclass)
     and (not c.relrowsecurity or has_table_privilege('authenticated', c.oid, 'select')
          or has_table_privilege('anon', c.oid, 'select') or obj_description(c.oid, 'pg_class') is null)),
  0::bigint,
  'every partition has row level security, no grant for anon/authenticated and a comment naming its parent');
select tests.act_as('parts_owner');
select is((select count(*) from public.audit_log where action = 'partitions.probe'), 2::bigint,
  'an owner reads the organization''s entries through the parent (its policy)');
select throws_ok($$select count(*) from public.audit_log_default$$, '42501', null,
  'a partition cannot be read directly');
select tests.clear_authentication();

select is(
  (select array_agg(t.tgname::text order by t.tgname) from pg_trigger t
   where t.tgrelid = 'public.booking_status_history'::regclass and not t.tgisinternal),
  array['protect_append_only'], 'the status history stays append-only');

select * from finish();
rollback;
