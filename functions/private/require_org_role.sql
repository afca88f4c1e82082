-- private.require_org_role: the standard access check at the top of every organization RPC.
-- UNAUTHORIZED (no caller) -> INVALID_REQUEST (no organization id) -> NOT_FOUND (absent, or
-- the caller is not a member: existence is not revealed) -> FORBIDDEN (member, wrong role).
-- Service calls (service_role, direct database sessions) only need the organization to exist.

create or replace function private.require_org_role(
  p_organization_id uuid,
  p_roles text[] default null,
  p_hint text default 'p_organization_id'
)
returns text
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_uid uuid := (select auth.uid());
  v_role text;
begin
  if private.is_service_call() then
    if p_organization_id is null then
      perform private.raise_error('INVALID_REQUEST', 'An organization id is required.', p_hint);
    end if;
    if not exists (select 1 from public.organizations o where o.id = p_organization_id) then
      perform private.raise_error('NOT_FOUND', 'Organization not found.', p_hint);
    end if;
    return 'service_role';
  end if;

  perform private.require_caller();  -- not a service call here: UNAUTHORIZED when v_uid is null
  if p_organization_id is null then
    perform private.raise_error('INVALID_REQUEST', 'An organization id is required.', p_hint);
  end if;

  select m.role into v_role
  from public.organization_members m
  where m.organization_id = p_organization_id
    and m.user_id = v_uid
    and m.status = 'accepted';  -- an invitation grants nothing until accepted

  if v_role is null then
    perform private.raise_error('NOT_FOUND', 'Organization not found.', p_hint);
  end if;
  if p_roles is not null and not (v_role = any (p_roles)) then
    perform private.raise_error(
      'FORBIDDEN',
      format('This requires the role %s in the organization; you are %s.', array_to_string(p_roles, ' or '), v_role)
    );
  end if;
  return v_role;
end
$$;

comment on function private.require_org_role(uuid, text[], text) is
  'Access check for organization RPCs: raises UNAUTHORIZED, INVALID_REQUEST, NOT_FOUND or FORBIDDEN; returns the caller''s role (service_role for service calls).';

revoke all on function private.require_org_role(uuid, text[], text) from public, anon, authenticated;
grant execute on function private.require_org_role(uuid, text[], text) to service_role;
