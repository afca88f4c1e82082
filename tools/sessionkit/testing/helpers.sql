-- pgTAP helpers: act as a user the way PostgREST does.
--
-- Installed by the test runner (never by migrations) into schema `tests`.
-- PostgREST runs every request in a transaction after
--   set local role <anon|authenticated|service_role>;
--   select set_config('request.jwt.claims', '<jwt payload>', true);
-- and these helpers do exactly that, so pgTAP files and the pytest fixture
-- exercise policies and RPCs as a frontend would.

create extension if not exists pgtap with schema extensions;

create schema if not exists tests;
comment on schema tests is 'sessionkit test helpers: installed by the test runner, never by migrations.';
grant usage on schema tests to anon, authenticated, service_role;

create or replace function tests.uid(p_name text)
returns uuid
language sql
immutable
as $$
  select md5('sessionkit-test-user:' || p_name)::uuid
$$;
comment on function tests.uid(text) is 'Deterministic auth.users id for a named test user.';

-- (p_is_anonymous was added for Supabase anonymous sign-ins: the one-argument versions go)
drop function if exists tests.create_user(text);
drop function if exists tests.authenticate_as(text);

create or replace function tests.create_user(p_name text, p_is_anonymous boolean default false)
returns uuid
language plpgsql
as $$
declare
  v_id uuid := tests.uid(p_name);
begin
  -- an anonymous sign-in (signInAnonymously()) has no email
  insert into auth.users (id, email, aud, role, raw_user_meta_data, is_anonymous)
  values (v_id, case when not p_is_anonymous then p_name || '@test.sessionkit.local' end,
          'authenticated', 'authenticated', jsonb_build_object('name', p_name), p_is_anonymous)
  on conflict (id) do nothing;
  return v_id;
end
$$;
comment on function tests.create_user(text, boolean) is 'Creates (idempotently) the auth.users row of a named test user (p_is_anonymous: a Supabase anonymous sign-in, no email) and returns its id.';

create or replace function tests.authenticate_as(p_name text, p_is_anonymous boolean default false)
returns uuid
language plpgsql
as $$
declare
  v_id uuid := tests.uid(p_name);
begin
  perform set_config('role', 'authenticated', true);
  -- the claims Supabase Auth issues: anonymous sign-ins carry is_anonymous = true and no email
  perform set_config(
    'request.jwt.claims',
    jsonb_strip_nulls(jsonb_build_object(
      'sub', v_id,
      'role', 'authenticated',
      'aud', 'authenticated',
      'email', case when not p_is_anonymous then p_name || '@test.sessionkit.local' end,
      'is_anonymous', p_is_anonymous
    ))::text,
    true
  );
  return v_id;
end
$$;
comment on function tests.authenticate_as(text, boolean) is 'Acts as the named user for the rest of the transaction (role authenticated + JWT claims; p_is_anonymous: a Supabase anonymous sign-in, claim is_anonymous = true).';

create or replace function tests.authenticate_as_anon()
returns void
language plpgsql
as $$
begin
  perform set_config('role', 'anon', true);
  perform set_config('request.jwt.claims', jsonb_build_object('role', 'anon')::text, true);
end
$$;

create or replace function tests.authenticate_as_service_role()
returns void
language plpgsql
as $$
begin
  perform set_config('role', 'service_role', true);
  perform set_config('request.jwt.claims', jsonb_build_object('role', 'service_role')::text, true);
end
$$;

create or replace function tests.clear_authentication()
returns void
language plpgsql
as $$
begin
  reset role;
  perform set_config('request.jwt.claims', '', true);
end
$$;
comment on function tests.clear_authentication() is 'Back to the session user (postgres), no JWT claims.';

grant execute on all functions in schema tests to anon, authenticated, service_role;
