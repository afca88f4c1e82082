-- Schema shape and security posture of the foundation (contract sections 3 and 5).
begin;
select plan(45);

-- schemas and extensions
select has_schema('private', 'internal helpers live in schema private');
select has_schema('ops', 'operations bookkeeping lives in schema ops');
select ok(not has_schema_privilege('anon', 'private', 'usage'), 'anon cannot use schema private');
select ok(has_schema_privilege('authenticated', 'private', 'usage'), 'authenticated can use schema private (policies call its helpers)');
select ok(not has_schema_privilege('authenticated', 'ops', 'usage') and not has_schema_privilege('anon', 'ops', 'usage'),
  'neither anon nor authenticated can use schema ops');
select is((select n.nspname::text from pg_extension e join pg_namespace n on n.oid = e.extnamespace where e.extname = 'btree_gist'),
  'extensions', 'btree_gist is installed in schema extensions');
select is((select n.nspname::text from pg_extension e join pg_namespace n on n.oid = e.extnamespace where e.extname = 'pgcrypto'),
  'extensions', 'pgcrypto is installed in schema extensions');

-- tables
select tables_are('public', array[
  'organizations', 'organization_members', 'organization_settings', 'services', 'packages',
  'service_sessions', 'bookings', 'subscriptions', 'session_types'
]::name[] || array(
  -- tables added by later features are checked by their own suites
  select c.relname from pg_class c
  where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'p')
    and c.relname not in ('organizations', 'organization_members', 'organization_settings', 'services', 'packages',
                          'service_sessions', 'bookings', 'subscriptions', 'session_types')
), 'public has the foundation tables');

select is(
  array(select c.relname::text from pg_class c
        where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'p') and not c.relrowsecurity
        order by 1),
  '{}'::text[],
  'every table in public has row level security enabled');

select is(
  array(select c.relname::text from pg_class c
        where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'p')
          and obj_description(c.oid, 'pg_class') is null
        order by 1),
  '{}'::text[],
  'every table in public is commented');

select is(
  array(select c.relname::text from pg_attribute a join pg_class c on c.oid = a.attrelid
        where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'p')
          and a.attname = 'organization_id' and not a.attnotnull
          -- audit_log also records system-wide job runs (recording purge, recurring dispatcher),
          -- and its monthly partitions have its columns
          and c.relname <> 'audit_log' and not c.relispartition
        order by 1),
  '{}'::text[],
  'every tenant table has organization_id not null (audit_log: null only for system-wide entries)');

select is(
  array(select c.relname::text from pg_class c
        where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'p')
          and c.relname <> 'organizations'
          and not exists (select 1 from pg_attribute a where a.attrelid = c.oid and a.attname = 'organization_id' and not a.attisdropped)
        order by 1),
  '{}'::text[],
  'every public table except organizations is a tenant table (has organization_id)');

select is(
  array(
    select format('%s(%s)', con.conrelid::regclass, con.conname)
    from pg_constraint con
    where con.contype = 'f'
      and con.connamespace = 'public'::regnamespace
      and not exists (
        select 1 from pg_index i
        where i.indrelid = con.conrelid
          and (string_to_array(i.indkey::text, ' ')::int2[])[1:cardinality(con.conkey)] @> con.conkey
          and (string_to_array(i.indkey::text, ' ')::int2[])[1:cardinality(con.conkey)] <@ con.conkey
      )
    order by 1),
  '{}'::text[],
  'every foreign key in public is backed by an index on its columns');

-- session_types (contract section 5, seed 000)
select columns_are('public', 'session_types', array[
  'id', 'organization_id', 'user_id', 'name', 'description', 'category', 'duration_minutes',
  'is_active', 'sort_order', 'created_at', 'updated_at'
], 'session_types has exactly the contract columns');
select col_is_pk('public', 'session_types', 'id', 'session_types.id is the primary key');
select col_type_is('public', 'session_types', 'id', 'uuid', 'session_types.id is a uuid');
select col_not_null('public', 'session_types', 'organization_id', 'session_types.organization_id is required');
select col_not_null('public', 'session_types', 'name', 'session_types.name is required');
select col_not_null('public', 'session_types', 'duration_minutes', 'session_types.duration_minutes is required');
select col_default_is('public', 'session_types', 'is_active', 'true', 'session types are active by default');
select col_type_is('public', 'session_types', 'created_at', 'timestamp with time zone', 'session_types timestamps are timestamptz');
select fk_ok('public', 'session_types', 'organization_id', 'public', 'organizations', 'id',
  'session_types belong to an organization');
select has_index('public', 'session_types', 'session_types_organization_id_sort_order_idx',
  array['organization_id', 'sort_order'], 'session_types are indexed by (organization_id, sort_order)');
select is(pg_get_indexdef('public.session_types_organization_id_lower_name_key'::regclass),
  'CREATE UNIQUE INDEX session_types_organization_id_lower_name_key ON public.session_types USING btree (organization_id, lower(name))',
  'session type names are unique per organization regardless of case');
select col_has_check('public', 'session_types', 'duration_minutes', 'duration_minutes is range-checked');

-- links to session types (expand step)
select col_is_null('public', 'organization_settings', 'default_session_type_id', 'the organization default session type is optional');
select fk_ok('public', 'organization_settings', array['organization_id', 'default_session_type_id'],
  'public', 'session_types', array['organization_id', 'id'],
  'the default session type must belong to the same organization');
select col_is_null('public', 'service_sessions', 'session_type_id', 'service_sessions.session_type_id is nullable (legacy rows)');
select fk_ok('public', 'service_sessions', array['organization_id', 'session_type_id'],
  'public', 'session_types', array['organization_id', 'id'],
  'a service session references a session type of its own organization');
select col_is_null('public', 'bookings', 'session_type_id', 'bookings.session_type_id is nullable (legacy rows)');
select fk_ok('public', 'bookings', array['organization_id', 'session_type_id'],
  'public', 'session_types', array['organization_id', 'id'],
  'a booking references a session type of its own organization');
select hasnt_column('public', 'packages', 'duration', 'packages.duration is dropped by the guarded contract migration (its readings stay in ops.legacy_package_durations)');

-- legacy baseline shape (contract section 6)
select has_column('public', 'bookings', 'start_time', 'legacy bookings still carry start_time');
select has_column('public', 'bookings', 'end_time', 'legacy bookings still carry end_time');
select col_is_pk('public', 'organization_members', array['organization_id', 'user_id'], 'a user is a member of an organization at most once');
select col_default_is('public', 'organization_settings', 'note_lock_hours', '24', 'notes lock after 24 hours by default');
select col_default_is('public', 'organization_settings', 'requires_subscription', 'false', 'pay-per-session is allowed by default');
select is(
  array(select pg_get_indexdef(i.indexrelid) from pg_index i
        where i.indrelid = 'public.subscriptions'::regclass and i.indisunique and i.indpred is not null),
  array['CREATE UNIQUE INDEX subscriptions_one_active_per_client ON public.subscriptions USING btree (organization_id, client_id) WHERE (status = ''active''::text)'],
  'subscriptions: at most one active subscription per client and organization (guarded contract migration, issue 5)');
select col_is_unique('public', 'organizations', 'slug', 'organization slugs are unique');

-- function security
select has_function('private', 'is_member', array['uuid'], 'private.is_member(organization_id) exists');
select has_function('private', 'has_role', array['uuid', 'text[]'], 'private.has_role(organization_id, roles) exists');
select has_function('private', 'raise_error', array['text', 'text', 'text'], 'private.raise_error(code, detail, hint) exists');

select is(
  array(select p.oid::regprocedure::text from pg_proc p
        where p.pronamespace in ('public'::regnamespace, 'private'::regnamespace)
          and p.prosecdef
          and not exists (select 1 from unnest(coalesce(p.proconfig, '{}')) c where c = 'search_path=""')
        order by 1),
  '{}'::text[],
  'every security definer function sets search_path to empty');

select is(
  array(select p.oid::regprocedure::text from pg_proc p
        where p.pronamespace in ('public'::regnamespace, 'private'::regnamespace)
          and has_function_privilege('anon', p.oid, 'execute')
          and not exists (select 1 from pg_depend d where d.objid = p.oid and d.deptype = 'e')
        order by 1),
  array['book_public_slot(uuid,uuid,timestamp with time zone)',
        'get_public_available_slots(uuid,uuid,date,date)',
        'get_public_booking_page(text)',
        'list_public_services(text)'],
  'anon executes no function in public or private but the public booking page''s RPCs');

select ok(has_function_privilege('authenticated', 'public.create_organization(text, text, text)', 'execute')
      and has_function_privilege('authenticated', 'public.ensure_default_session_types_for_org(uuid, uuid)', 'execute'),
  'authenticated users can call the organization RPCs');

select * from finish();
rollback;
