-- Membership predicates used by RLS policies and RPCs. security definer so that policies on
-- organization_members itself can call them without recursing into its own RLS.
-- Only accepted memberships count: an invitation (status 'invited') grants no role anywhere
-- until its user accepts it (accept_invitation).

create or replace function private.is_member(p_organization_id uuid)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select exists (
    select 1
    from public.organization_members m
    where m.organization_id = p_organization_id
      and m.user_id = (select auth.uid())
      and m.status = 'accepted'
  )
$$;

comment on function private.is_member(uuid) is
  'True when the caller (auth.uid()) belongs to the organization (accepted membership), whatever the role.';

revoke all on function private.is_member(uuid) from public, anon;
grant execute on function private.is_member(uuid) to authenticated, service_role;

create or replace function private.has_role(p_organization_id uuid, p_roles text[])
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select exists (
    select 1
    from public.organization_members m
    where m.organization_id = p_organization_id
      and m.user_id = (select auth.uid())
      and m.role = any (p_roles)
      and m.status = 'accepted'
  )
$$;

comment on function private.has_role(uuid, text[]) is
  'True when the caller (auth.uid()) belongs to the organization (accepted membership) with one of the given roles (owner, admin, provider, client).';

revoke all on function private.has_role(uuid, text[]) from public, anon;
grant execute on function private.has_role(uuid, text[]) to authenticated, service_role;

create or replace function private.member_role(p_organization_id uuid, p_user_id uuid)
returns text
language sql
stable
security definer
set search_path = ''
as $$
  select m.role
  from public.organization_members m
  where m.organization_id = p_organization_id
    and m.user_id = p_user_id
    and m.status = 'accepted'
$$;

comment on function private.member_role(uuid, uuid) is
  'Role of any user in an organization, null when not a member or only invited (e.g. to check that a booking''s client belongs to the org).';

revoke all on function private.member_role(uuid, uuid) from public, anon, authenticated;
grant execute on function private.member_role(uuid, uuid) to service_role;
