-- Legacy baseline 1/5: schemas and extensions the booking app uses in production today.
-- Why: internals (RLS helpers, backfill bookkeeping) must live outside the exposed `public`
-- schema, and extensions live in `extensions` exactly as on every Supabase project.

create extension if not exists btree_gist with schema extensions;

create extension if not exists pgcrypto with schema extensions;

create schema if not exists private;

comment on schema private is 'Internal helpers (RLS predicates, triggers, error raising). Not exposed through PostgREST.';

revoke all on schema private from public, anon, authenticated;

-- Policies evaluated for authenticated callers call private.is_member()/private.has_role().
grant usage on schema private to authenticated, service_role;

create schema if not exists ops;

comment on schema ops is 'Operations bookkeeping (backfill ledger, checkpoints, conflict logs, integrity snapshots). Not exposed.';

revoke all on schema ops from public, anon, authenticated;
