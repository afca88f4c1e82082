-- Supabase compatibility layer for plain Postgres (the local stack).
--
-- Installs what a Supabase project already has, and only what is absent, so the
-- migrations in migrations/ run unchanged here and on a real project:
-- roles anon/authenticated/service_role/authenticator, schema auth with auth.users,
-- auth.uid()/auth.role()/auth.jwt()/auth.email() reading request.jwt.claims exactly
-- as Supabase does, schema extensions, Supabase's default grants on public.
-- Never part of migrations/: a Supabase project has all of this already.

do $$
begin
  if not exists (select 1 from pg_roles where rolname = 'anon') then
    create role anon nologin noinherit;
  end if;
  if not exists (select 1 from pg_roles where rolname = 'authenticated') then
    create role authenticated nologin noinherit;
  end if;
  if not exists (select 1 from pg_roles where rolname = 'service_role') then
    create role service_role nologin noinherit bypassrls;
  end if;
  if not exists (select 1 from pg_roles where rolname = 'authenticator') then
    create role authenticator login noinherit;
  end if;
end
$$;

grant anon, authenticated, service_role to authenticator;
grant anon, authenticated, service_role to postgres;

create schema if not exists extensions;
grant usage on schema extensions to public;
create extension if not exists pgcrypto with schema extensions;
create extension if not exists "uuid-ossp" with schema extensions;

create schema if not exists auth;
grant usage on schema auth to anon, authenticated, service_role;

do $$
begin
  if to_regclass('auth.users') is null then
    create table auth.users (
      instance_id uuid,
      id uuid primary key,
      aud varchar(255),
      role varchar(255),
      email varchar(255) unique,
      encrypted_password varchar(255),
      email_confirmed_at timestamptz,
      raw_app_meta_data jsonb default '{}'::jsonb,
      raw_user_meta_data jsonb default '{}'::jsonb,
      is_anonymous boolean not null default false,
      created_at timestamptz default now(),
      updated_at timestamptz default now()
    );
    comment on table auth.users is 'Local stand-in for Supabase Auth users (sessionkit compatibility layer).';
  end if;

  if to_regprocedure('auth.uid()') is null then
    create function auth.uid() returns uuid
    language sql stable
    as $fn$
      select coalesce(
        nullif(current_setting('request.jwt.claim.sub', true), ''),
        (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub')
      )::uuid
    $fn$;
  end if;

  if to_regprocedure('auth.role()') is null then
    create function auth.role() returns text
    language sql stable
    as $fn$
      select coalesce(
        nullif(current_setting('request.jwt.claim.role', true), ''),
        (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'role')
      )::text
    $fn$;
  end if;

  if to_regprocedure('auth.email()') is null then
    create function auth.email() returns text
    language sql stable
    as $fn$
      select coalesce(
        nullif(current_setting('request.jwt.claim.email', true), ''),
        (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'email')
      )::text
    $fn$;
  end if;

  if to_regprocedure('auth.jwt()') is null then
    create function auth.jwt() returns jsonb
    language sql stable
    as $fn$
      select coalesce(
        nullif(current_setting('request.jwt.claim', true), ''),
        nullif(current_setting('request.jwt.claims', true), '')
      )::jsonb
    $fn$;
  end if;
end
$$;

grant select on auth.users to service_role;
grant execute on all functions in schema auth to anon, authenticated, service_role;

-- Supabase's default privileges: RLS, not grants, protects public.
grant usage on schema public to anon, authenticated, service_role;
alter default privileges for role postgres in schema public
  grant all on tables to anon, authenticated, service_role;
alter default privileges for role postgres in schema public
  grant all on sequences to anon, authenticated, service_role;
alter default privileges for role postgres in schema public
  grant all on functions to anon, authenticated, service_role;

-- Supabase resolves extension objects through the extensions schema.
do $$
begin
  if not exists (
    select 1 from pg_db_role_setting s join pg_database d on d.oid = s.setdatabase
    where d.datname = current_database() and s.setrole = 0
      and exists (select 1 from unnest(s.setconfig) c where c like 'search_path=%')
  ) then
    execute format('alter database %I set search_path = "$user", public, extensions', current_database());
  end if;
end
$$;

-- pg_cron lives in the one database named by cron.database_name.
do $$
begin
  if current_setting('cron.database_name', true) = current_database()
     and exists (select 1 from pg_available_extensions where name = 'pg_cron') then
    create extension if not exists pg_cron;
    grant usage on schema cron to postgres;
  end if;
end
$$;

-- Supabase Storage's schema (supabase/storage, migrations/tenant), as far as a database sees it:
-- storage.buckets and storage.objects with their real columns, indexes and RLS, the path
-- helpers foldername/filename/extension, the updated_at trigger and the guard that refuses
-- direct deletes unless storage.allow_delete_query is set (0055-prevent-direct-deletes). The
-- Storage API's own tables (migrations, multipart uploads, analytics/vector buckets) and its
-- search functions are left out: nothing here uses them. Migrations only insert buckets and
-- create policies, as they may on Supabase; only this layer creates the schema.
do $$
begin
  if to_regnamespace('storage') is null then
    create schema storage;
  end if;

  if to_regtype('storage.buckettype') is null then
    create type storage.buckettype as enum ('STANDARD', 'ANALYTICS', 'VECTOR');
  end if;

  if to_regclass('storage.buckets') is null then
    create table storage.buckets (
      id text not null primary key,
      name text not null,
      owner uuid,
      created_at timestamptz default now(),
      updated_at timestamptz default now(),
      public boolean default false,
      avif_autodetection boolean default false,
      file_size_limit bigint,
      allowed_mime_types text[],
      owner_id text,
      type storage.buckettype not null default 'STANDARD'
    );
    create unique index bname on storage.buckets using btree (name);
    alter table storage.buckets enable row level security;
    comment on column storage.buckets.owner is 'Field is deprecated, use owner_id instead';
    comment on table storage.buckets is 'Local stand-in for Supabase Storage buckets (sessionkit compatibility layer).';
  end if;

  if to_regclass('storage.objects') is null then
    create table storage.objects (
      id uuid not null default gen_random_uuid() primary key,
      bucket_id text constraint "objects_bucketId_fkey" references storage.buckets (id),
      name text,
      owner uuid,
      created_at timestamptz default now(),
      updated_at timestamptz default now(),
      last_accessed_at timestamptz default now(),
      metadata jsonb,
      path_tokens text[] generated always as (string_to_array(name, '/')) stored,
      version text,
      owner_id text,
      user_metadata jsonb
    );
    create unique index bucketid_objname on storage.objects using btree (bucket_id, name);
    create index name_prefix_search on storage.objects (name text_pattern_ops);
    alter table storage.objects enable row level security;
    comment on column storage.objects.owner is 'Field is deprecated, use owner_id instead';
    comment on table storage.objects is 'Local stand-in for Supabase Storage objects (sessionkit compatibility layer): file metadata; the bytes live in the Storage backend.';
  end if;

  if to_regprocedure('storage.foldername(text)') is null then
    create function storage.foldername(name text) returns text[]
    language plpgsql immutable
    as $fn$
    declare
      _parts text[];
    begin
      select string_to_array(name, '/') into _parts;
      return _parts[1 : array_length(_parts, 1) - 1];
    end
    $fn$;
  end if;

  if to_regprocedure('storage.filename(text)') is null then
    create function storage.filename(name text) returns text
    language plpgsql immutable
    as $fn$
    declare
      _parts text[];
    begin
      select string_to_array(name, '/') into _parts;
      return _parts[array_length(_parts, 1)];
    end
    $fn$;
  end if;

  if to_regprocedure('storage.extension(text)') is null then
    create function storage.extension(name text) returns text
    language plpgsql immutable
    as $fn$
    declare
      _parts text[];
      _filename text;
    begin
      select string_to_array(name, '/') into _parts;
      select _parts[array_length(_parts, 1)] into _filename;
      return reverse(split_part(reverse(_filename), '.', 1));
    end
    $fn$;
  end if;

  if to_regprocedure('storage.update_updated_at_column()') is null then
    create function storage.update_updated_at_column() returns trigger
    language plpgsql
    as $fn$
    begin
      new.updated_at = now();
      return new;
    end
    $fn$;
    create trigger update_objects_updated_at before update on storage.objects
      for each row execute function storage.update_updated_at_column();
  end if;

  if to_regprocedure('storage.protect_delete()') is null then
    create function storage.protect_delete() returns trigger
    language plpgsql
    as $fn$
    begin
      if coalesce(current_setting('storage.allow_delete_query', true), 'false') != 'true' then
        raise exception 'Direct deletion from storage tables is not allowed. Use the Storage API instead.'
          using hint = 'This prevents accidental data loss from orphaned objects.', errcode = '42501';
      end if;
      return null;
    end
    $fn$;
    create trigger protect_buckets_delete before delete on storage.buckets
      for each statement execute function storage.protect_delete();
    create trigger protect_objects_delete before delete on storage.objects
      for each statement execute function storage.protect_delete();
  end if;
end
$$;

grant usage on schema storage to anon, authenticated, service_role;
grant all on storage.buckets, storage.objects to anon, authenticated, service_role;
grant execute on all functions in schema storage to anon, authenticated, service_role;
