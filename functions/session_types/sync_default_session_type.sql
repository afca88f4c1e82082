-- Organization default session type maintenance.
-- Rule: while an organization has exactly one active session type it is the default; when the
-- default is deactivated or deleted it is reassigned to the only remaining active type, or
-- cleared when several (or none) remain. An explicit, still active default is never changed.

create or replace function private.sync_default_session_type(p_organization_id uuid)
returns uuid
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_current uuid;
  v_active uuid[];
  v_new uuid;
begin
  -- nothing to maintain while the organization itself is being deleted (cascade)
  if not exists (select 1 from public.organizations o where o.id = p_organization_id) then
    return null;
  end if;

  insert into public.organization_settings (organization_id)
  values (p_organization_id)
  on conflict (organization_id) do nothing;

  -- serialises concurrent type changes of the same organization
  select s.default_session_type_id into v_current
  from public.organization_settings s
  where s.organization_id = p_organization_id
  for update;

  select array_agg(st.id order by st.sort_order, st.created_at) into v_active
  from public.session_types st
  where st.organization_id = p_organization_id
    and st.is_active;

  if v_current is not null and v_current = any (coalesce(v_active, '{}'::uuid[])) then
    return v_current;
  end if;

  v_new := case when coalesce(cardinality(v_active), 0) = 1 then v_active[1] end;

  if v_new is distinct from v_current then
    update public.organization_settings s
    set default_session_type_id = v_new
    where s.organization_id = p_organization_id;
  end if;

  return v_new;
end
$$;

comment on function private.sync_default_session_type(uuid) is
  'Ensures the settings row and applies the default rule: keep an active default; otherwise the only active type, or null. Returns the default.';

revoke all on function private.sync_default_session_type(uuid) from public, anon, authenticated;
grant execute on function private.sync_default_session_type(uuid) to service_role;

create or replace function private.session_types_sync_default()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if tg_op in ('UPDATE', 'DELETE') then
    perform private.sync_default_session_type(old.organization_id);
  end if;
  if tg_op in ('INSERT', 'UPDATE') and (tg_op = 'INSERT' or new.organization_id <> old.organization_id) then
    perform private.sync_default_session_type(new.organization_id);
  end if;
  return null;
end
$$;

comment on function private.session_types_sync_default() is
  'AFTER INSERT/UPDATE/DELETE trigger on session_types: re-applies the organization default rule.';

revoke all on function private.session_types_sync_default() from public, anon;
