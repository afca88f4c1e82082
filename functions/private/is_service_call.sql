-- private.is_service_call: is the current request trusted back-office work rather than a user?

create or replace function private.is_service_call()
returns boolean
language sql
stable
set search_path = ''
as $$
  select coalesce(auth.role(), '') = 'service_role'
      or coalesce(nullif(current_setting('role', true), ''), 'none') not in ('anon', 'authenticated')
$$;

comment on function private.is_service_call() is
  'True for service_role requests and direct database sessions (postgres, backfills, pg_cron); false for PostgREST anon/authenticated callers. RPCs skip membership checks for service calls.';

revoke all on function private.is_service_call() from public, anon;
grant execute on function private.is_service_call() to authenticated, service_role;
