-- ensure_default_session_types_for_org: seeds 30/60/90-minute types for an organization that
-- has none (idempotent, never duplicates, safe under concurrency) and returns its types.

create or replace function public.ensure_default_session_types_for_org(p_user_id uuid, p_organization_id uuid)
returns setof public.session_types
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_uid uuid := (select auth.uid());
begin
  perform private.require_org_role(p_organization_id, array['owner', 'admin']);

  if private.is_service_call() then
    if p_user_id is not null and not exists (select 1 from auth.users u where u.id = p_user_id) then
      perform private.raise_error('NOT_FOUND', 'User not found.', 'p_user_id');
    end if;
  elsif p_user_id is not null and p_user_id <> v_uid then
    perform private.raise_error('INVALID_REQUEST', 'p_user_id must be the caller (or null).', 'p_user_id');
  end if;

  -- one seeding at a time per organization; the second caller then sees the types
  perform 1 from public.organizations o where o.id = p_organization_id for no key update;

  if not exists (select 1 from public.session_types st where st.organization_id = p_organization_id) then
    insert into public.session_types (organization_id, user_id, name, description, duration_minutes, sort_order)
    select p_organization_id,
           coalesce(p_user_id, v_uid),
           private.session_type_default_name(d.minutes),
           format('A %s-minute session.', d.minutes),
           d.minutes,
           d.sort_order
    from (values (30, 10), (60, 20), (90, 30)) as d (minutes, sort_order)
    on conflict (organization_id, lower(name)) do nothing;
  end if;

  return query
    select st.*
    from public.session_types st
    where st.organization_id = p_organization_id
    order by st.sort_order, st.name;
end
$$;

comment on function public.ensure_default_session_types_for_org(uuid, uuid) is
  'Seeds the 30/60/90-minute session types when the organization has none (idempotent) and returns all its session types by sort_order. Owner/admin (or service_role). Errors: UNAUTHORIZED, INVALID_REQUEST, NOT_FOUND, FORBIDDEN.';

revoke execute on function public.ensure_default_session_types_for_org(uuid, uuid) from public, anon;
grant execute on function public.ensure_default_session_types_for_org(uuid, uuid) to authenticated, service_role;
