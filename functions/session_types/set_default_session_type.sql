-- set_default_session_type: owners and admins choose the organization default (null clears it).

create or replace function public.set_default_session_type(p_organization_id uuid, p_session_type_id uuid)
returns public.organization_settings
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_type public.session_types;
  v_settings public.organization_settings;
begin
  perform private.require_org_role(p_organization_id, array['owner', 'admin']);

  if p_session_type_id is not null then
    select st.* into v_type
    from public.session_types st
    where st.id = p_session_type_id
      and st.organization_id = p_organization_id;

    if v_type.id is null then
      perform private.raise_error('NOT_FOUND', 'Session type not found in this organization.', 'p_session_type_id');
    end if;
    if not v_type.is_active then
      perform private.raise_error(
        'SESSION_TYPE_INACTIVE',
        format('Session type "%s" is inactive; reactivate it before making it the default.', v_type.name),
        'p_session_type_id'
      );
    end if;
  end if;

  insert into public.organization_settings (organization_id)
  values (p_organization_id)
  on conflict (organization_id) do nothing;

  update public.organization_settings s
  set default_session_type_id = p_session_type_id
  where s.organization_id = p_organization_id
  returning s.* into v_settings;

  return v_settings;
end
$$;

comment on function public.set_default_session_type(uuid, uuid) is
  'Sets (or, with null, clears) the organization default session type; the type must be active and belong to the organization. Owner/admin. Errors: UNAUTHORIZED, INVALID_REQUEST, NOT_FOUND (hint p_organization_id or p_session_type_id), FORBIDDEN, SESSION_TYPE_INACTIVE (PT422).';

revoke execute on function public.set_default_session_type(uuid, uuid) from public, anon;
grant execute on function public.set_default_session_type(uuid, uuid) to authenticated, service_role;
