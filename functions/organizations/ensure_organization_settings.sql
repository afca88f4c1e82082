-- ensure_organization_settings: the settings row of an organization, created on first use.

create or replace function public.ensure_organization_settings(p_organization_id uuid)
returns public.organization_settings
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_settings public.organization_settings;
begin
  perform private.require_org_role(p_organization_id);

  -- creates the row when missing and applies the default session type rule
  perform private.sync_default_session_type(p_organization_id);

  select s.* into v_settings
  from public.organization_settings s
  where s.organization_id = p_organization_id;

  return v_settings;
end
$$;

comment on function public.ensure_organization_settings(uuid) is
  'Returns the organization''s settings, creating the row with defaults when missing (idempotent). Any member may call it. Errors: UNAUTHORIZED, INVALID_REQUEST, NOT_FOUND.';

revoke execute on function public.ensure_organization_settings(uuid) from public, anon;
grant execute on function public.ensure_organization_settings(uuid) to authenticated, service_role;
