-- add_organization_member: owners and admins invite users to their organization. The membership
-- starts as an invitation (status 'invited') that grants nothing until the invited user accepts
-- it (accept_invitation); a member.invited outbox event lets the product notify them.

create or replace function public.add_organization_member(
  p_organization_id uuid,
  p_user_id uuid,
  p_role text,
  p_display_name text default null
)
returns public.organization_members
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_caller_role text;
  v_member public.organization_members;
  v_existing text;
begin
  v_caller_role := private.require_org_role(p_organization_id, array['owner', 'admin']);

  if p_user_id is null then
    perform private.raise_error('INVALID_REQUEST', 'A user id is required.', 'p_user_id');
  end if;
  if p_role is null or p_role not in ('owner', 'admin', 'provider', 'client') then
    perform private.raise_error('INVALID_REQUEST', 'The role must be owner, admin, provider or client.', 'p_role');
  end if;
  if p_role = 'owner' and v_caller_role not in ('owner', 'service_role') then
    perform private.raise_error('FORBIDDEN', 'Only an owner can invite another owner.');
  end if;
  if not exists (select 1 from auth.users u where u.id = p_user_id) then
    perform private.raise_error('NOT_FOUND', 'User not found.', 'p_user_id');
  end if;

  insert into public.organization_members (organization_id, user_id, role, display_name, status, invited_by)
  values (p_organization_id, p_user_id, p_role, nullif(btrim(p_display_name), ''), 'invited', (select auth.uid()))
  on conflict (organization_id, user_id) do nothing
  returning * into v_member;

  if v_member is null then
    select m.status into v_existing
    from public.organization_members m
    where m.organization_id = p_organization_id and m.user_id = p_user_id;
    perform private.raise_error(
      'CONFLICT',
      case when v_existing = 'invited' then 'The user is already invited to this organization.'
           else 'The user is already a member of this organization.' end,
      'p_user_id'
    );
  end if;
  return v_member;
end
$$;

comment on function public.add_organization_member(uuid, uuid, text, text) is
  'Invites a user to the organization with a role (owner/admin only; only an owner may invite an owner) and returns the membership with status invited: it grants nothing until the user calls accept_invitation. Emits member.invited. Errors: UNAUTHORIZED, INVALID_REQUEST (hint p_user_id or p_role), NOT_FOUND, FORBIDDEN, CONFLICT (already invited or a member).';

revoke execute on function public.add_organization_member(uuid, uuid, text, text) from public, anon;
grant execute on function public.add_organization_member(uuid, uuid, text, text) to authenticated, service_role;
