-- A database shaped like a Supabase project, minimally, for tests/test_supabase_shaped.py.
--
-- Run by the bootstrap superuser supabase_admin, as Supabase's image does, after the facts of
-- supabase/postgres migrations/db: init-scripts/00000000000000-initial-schema.sql (API roles,
-- authenticator, extensions schema, default privileges in public), 00000000000001-auth-schema.sql
-- (schema auth owned by supabase_admin, auth.users owned by supabase_auth_admin, auth.uid/role/
-- email), 00000000000003-post-setup.sql (postgres' search_path), migrations/
-- 10000000000000_demote-postgres.sql (postgres is NOT a superuser; it gets ALL on auth,
-- extensions and the database), 20230529180330_alter_api_roles_for_inherit.sql and
-- 20250421084701_revoke_admin_roles_from_postgres.sql (no CREATE on schema auth).
-- pg_cron is preloaded (available) but not enabled: the project never chose it.
-- Roles are cluster-wide (created once); the rest is per database.

do $$
begin
  if not exists (select 1 from pg_roles where rolname = 'postgres') then
    create role postgres login createrole createdb replication bypassrls;
    create role anon nologin inherit;
    create role authenticated nologin inherit;
    create role service_role nologin inherit bypassrls;
    create role authenticator login noinherit;
    create role supabase_auth_admin login noinherit createrole;
    create role supabase_storage_admin login noinherit createrole;
    create role dashboard_user nologin createrole createdb replication;
  end if;
end
$$;

grant anon, authenticated, service_role to authenticator;
grant anon, authenticated, service_role to postgres;
grant pg_monitor, pg_read_all_data, pg_signal_backend to postgres;

alter role anon set statement_timeout = '3s';
alter role authenticated set statement_timeout = '8s';
alter role authenticator set statement_timeout = '8s';
alter role authenticator set lock_timeout = '8s';
alter role postgres set search_path = "$user", public, extensions;
alter role supabase_admin set search_path = "$user", public, auth, extensions;

-- the database and public: RLS, not grants, protects public
do $$
begin
  execute format('grant all on database %I to postgres, dashboard_user', current_database());
end
$$;
grant all on schema public to postgres;
grant usage on schema public to anon, authenticated, service_role;
alter default privileges in schema public grant all on tables to postgres, anon, authenticated, service_role;
alter default privileges in schema public grant all on functions to postgres, anon, authenticated, service_role;
alter default privileges in schema public grant all on sequences to postgres, anon, authenticated, service_role;
alter default privileges for role postgres in schema public grant all on tables to anon, authenticated, service_role;
alter default privileges for role postgres in schema public grant all on functions to anon, authenticated, service_role;
alter default privileges for role postgres in schema public grant all on sequences to anon, authenticated, service_role;

-- extensions
create schema extensions;
create extension "uuid-ossp" with schema extensions;
create extension pgcrypto with schema extensions;
grant usage on schema extensions to postgres, anon, authenticated, service_role;
grant all on schema extensions to postgres, dashboard_user;
grant all on all routines in schema extensions to postgres, dashboard_user;
-- pg_partman: on Supabase `postgres` creates it itself (supautils' privileged extensions run the
-- create as a superuser and hand the schema over), which this server cannot do; so it is here
-- already, as a project that enabled it has it: the schema partman and its objects usable by postgres
create schema partman;
create extension pg_partman with schema partman;
grant all on schema partman to postgres;
grant all on all tables in schema partman to postgres;
grant all on all sequences in schema partman to postgres;
grant all on all routines in schema partman to postgres;

-- auth
create schema auth authorization supabase_admin;
create table auth.users (
  instance_id uuid,
  id uuid primary key,
  aud varchar(255),
  role varchar(255),
  email varchar(255) unique,
  encrypted_password varchar(255),
  email_confirmed_at timestamptz,
  raw_app_meta_data jsonb,
  raw_user_meta_data jsonb,
  is_super_admin boolean,
  is_anonymous boolean not null default false,
  created_at timestamptz,
  updated_at timestamptz
);
create function auth.uid() returns uuid language sql stable as $$
  select coalesce(
    nullif(current_setting('request.jwt.claim.sub', true), ''),
    (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub')
  )::uuid
$$;
create function auth.role() returns text language sql stable as $$
  select coalesce(
    nullif(current_setting('request.jwt.claim.role', true), ''),
    (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'role')
  )::text
$$;
create function auth.email() returns text language sql stable as $$
  select coalesce(
    nullif(current_setting('request.jwt.claim.email', true), ''),
    (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'email')
  )::text
$$;
create function auth.jwt() returns jsonb language sql stable as $$
  select coalesce(
    nullif(current_setting('request.jwt.claim', true), ''),
    nullif(current_setting('request.jwt.claims', true), '')
  )::jsonb
$$;
alter table auth.users owner to supabase_auth_admin;
alter function auth.uid() owner to supabase_auth_admin;
alter function auth.role() owner to supabase_auth_admin;
alter function auth.email() owner to supabase_auth_admin;
alter function auth.jwt() owner to supabase_auth_admin;
grant usage on schema auth to anon, authenticated, service_role, postgres, dashboard_user;
grant all on schema auth to supabase_auth_admin;
grant all on all tables in schema auth to postgres, dashboard_user;
grant all on all routines in schema auth to postgres, dashboard_user;
grant execute on all functions in schema auth to anon, authenticated, service_role;
