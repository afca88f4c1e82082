-- private.require_service_call: the access check of back-office RPCs (outbox consumers, webhook
-- delivery) that only service_role and direct database sessions may call. Their execute right
-- is revoked from users already; this keeps the contract's codes if a grant is ever widened.
-- Called from security definer RPCs only (not executable by users itself).

create or replace function private.require_service_call(p_detail text default 'Only service_role may call this.')
returns void
language plpgsql
stable
set search_path = ''
as $$
begin
  if private.is_service_call() then
    return;
  end if;
  perform private.require_caller();  -- signed out: UNAUTHORIZED
  perform private.raise_error('FORBIDDEN', p_detail);
end
$$;

comment on function private.require_service_call(text) is
  'Raises UNAUTHORIZED (signed out) or FORBIDDEN (detail p_detail, a signed-in user) unless the request is a service call (service_role, direct database session).';

revoke all on function private.require_service_call(text) from public, anon, authenticated;
grant execute on function private.require_service_call(text) to service_role;
