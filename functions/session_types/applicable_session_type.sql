-- private.applicable_session_type: which session type applies when none is given.

create or replace function private.applicable_session_type(p_organization_id uuid)
returns uuid
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_default uuid;
  v_active uuid[];
begin
  select st.id into v_default
  from public.organization_settings s
  join public.session_types st
    on st.id = s.default_session_type_id and st.organization_id = s.organization_id
  where s.organization_id = p_organization_id
    and st.is_active;

  if v_default is not null then
    return v_default;
  end if;

  select array_agg(st.id) into v_active
  from public.session_types st
  where st.organization_id = p_organization_id
    and st.is_active;

  if coalesce(cardinality(v_active), 0) = 1 then
    return v_active[1];
  end if;

  return null;
end
$$;

comment on function private.applicable_session_type(uuid) is
  'The session type applied when a session is created without one: the organization default if active, else the only active type, else null (ambiguous).';

revoke all on function private.applicable_session_type(uuid) from public, anon, authenticated;
grant execute on function private.applicable_session_type(uuid) to service_role;
