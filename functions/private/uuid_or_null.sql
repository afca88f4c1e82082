-- private.uuid_or_null: a text that may or may not be a uuid (a Storage path's first folder),
-- as uuid or null, never an error: policies compare it with organization ids.

create or replace function private.uuid_or_null(p_text text)
returns uuid
language sql
immutable
parallel safe
set search_path = ''
as $$
  select case
    when p_text ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' then p_text::uuid
  end
$$;

comment on function private.uuid_or_null(text) is 'p_text as a uuid when it is one (canonical form), else null.';

revoke all on function private.uuid_or_null(text) from public, anon;
grant execute on function private.uuid_or_null(text) to authenticated, service_role;
