-- private.require_caller: the "someone must be calling" check at the top of RPCs that serve
-- both signed-in users and service calls. UNAUTHORIZED unless auth.uid() is set or the request
-- is a service call (service_role, direct database sessions). RPCs that refuse service calls,
-- or decide service calls first, keep their own check.

create or replace function private.require_caller(p_detail text default 'You must be signed in.')
returns void
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  if (select auth.uid()) is null and not private.is_service_call() then
    perform private.raise_error('UNAUTHORIZED', p_detail);
  end if;
end
$$;

comment on function private.require_caller(text) is
  'Raises UNAUTHORIZED (detail p_detail) unless the caller is signed in (auth.uid()) or the request is a service call (private.is_service_call()).';

revoke all on function private.require_caller(text) from public, anon, authenticated;
grant execute on function private.require_caller(text) to service_role;
