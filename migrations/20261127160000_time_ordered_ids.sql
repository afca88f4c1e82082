-- Time-ordered keys for the rows written in bulk (issue 13).
-- Why: service sessions and bookings get random v4 uuids today, so every insert
-- lands on a random page of each index led by the id (the primary keys, bookings by service
-- session, history by booking): at 100,000 rows a night those pages no longer fit in memory.
-- A version 7 uuid starts with the millisecond it was made, so new keys append at the right edge
-- of those indexes, as an identity column would, while staying uuids (the API, the foreign keys
-- and the clients are unchanged; old v4 keys stay valid). Postgres 15 has no uuidv7(): this is
-- RFC 9562's layout built from gen_random_uuid() (48-bit Unix milliseconds, version 7, 74 random
-- bits). It is defined here, not in functions/, because the column defaults below need it now.

set local lock_timeout = '5s';

-- no `set search_path` (that would stop the planner from inlining it into the inserts); every
-- name is schema-qualified, and overlay/substring/extract are SQL syntax, not lookups
create or replace function private.uuid_generate_v7()
returns uuid
language sql
volatile
parallel safe
as $$
  select pg_catalog.encode(
    pg_catalog.set_bit(
      pg_catalog.set_bit(
        overlay(
          pg_catalog.uuid_send(pg_catalog.gen_random_uuid())
          placing substring(pg_catalog.int8send(pg_catalog.floor(extract(epoch from pg_catalog.clock_timestamp()) * 1000)::bigint) from 3)
          from 1 for 6
        ),
        52, 1
      ),
      53, 1
    ),
    'hex'
  )::uuid
$$;

comment on function private.uuid_generate_v7() is
  'A version 7 uuid (RFC 9562): 48-bit Unix time in milliseconds, then random bits. Keys made later sort later, so inserts append to the indexes they lead. Its body is the id default of service_sessions and bookings.';

revoke all on function private.uuid_generate_v7() from public, anon;
grant execute on function private.uuid_generate_v7() to authenticated, service_role;

-- The column defaults are the same expression inline: a default is evaluated with the inserting
-- role's rights before any trigger runs, and anon (whose direct writes the tables' triggers refuse
-- with UNAUTHORIZED) may not use schema private. Built from the function's own body, so there is
-- one definition.
do $$
declare
  v_expression text := (
    select regexp_replace(btrim(p.prosrc, E' \n'), '^select\s+', '')
    from pg_catalog.pg_proc as p
    where p.oid = 'private.uuid_generate_v7()'::regprocedure
  );
begin
  execute format('alter table public.service_sessions alter column id set default %s', v_expression);
  execute format('alter table public.bookings alter column id set default %s', v_expression);
end
$$;
