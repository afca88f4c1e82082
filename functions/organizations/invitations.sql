-- Invitations: the invited user answers them. accept_invitation turns the membership into an
-- accepted one (from then on it has its role: reads, slots, bookings); decline_invitation
-- deletes it. Only the invited user may do either; nobody can accept on someone's behalf.

create or replace function private.lock_own_membership(p_organization_id uuid, p_action text, p_missing text)
returns public.organization_members
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_uid uuid := (select auth.uid());
  v_member public.organization_members;
begin
  if v_uid is null then
    -- service calls included: there is no one whose membership this would be
    perform private.raise_error('UNAUTHORIZED', format('Sign in to %s.', p_action));
  end if;
  if p_organization_id is null then
    perform private.raise_error('INVALID_REQUEST', 'An organization id is required.', 'p_organization_id');
  end if;
  select m.* into v_member
  from public.organization_members m
  where m.organization_id = p_organization_id
    and m.user_id = v_uid
  for update;
  if v_member.user_id is null then
    perform private.raise_error('NOT_FOUND', p_missing, 'p_organization_id');
  end if;
  return v_member;
end
$$;

comment on function private.lock_own_membership(uuid, text, text) is
  'The caller''s own membership (invited or accepted) of the organization, locked for update: the shared start of accept_invitation, decline_invitation and leave_organization. UNAUTHORIZED without a signed-in user (detail "Sign in to <p_action>."), INVALID_REQUEST without an organization id, NOT_FOUND (detail p_missing) without a membership.';

revoke all on function private.lock_own_membership(uuid, text, text) from public, anon, authenticated;
grant execute on function private.lock_own_membership(uuid, text, text) to service_role;

create or replace function public.accept_invitation(p_organization_id uuid)
returns public.organization_members
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_member public.organization_members :=
    private.lock_own_membership(p_organization_id, 'accept an invitation', 'No invitation to this organization.');
begin
  if v_member.status = 'accepted' then
    return v_member;  -- idempotent: accepting twice changes nothing
  end if;

  update public.organization_members m
  set status = 'accepted'
  where m.organization_id = v_member.organization_id
    and m.user_id = v_member.user_id
  returning m.* into v_member;
  return v_member;
end
$$;

comment on function public.accept_invitation(uuid) is
  'The invited caller accepts their invitation to the organization and returns the membership (status accepted; idempotent). From then on the membership has its role: the organization may schedule a provider''s time. Emits member.accepted. Errors: UNAUTHORIZED, INVALID_REQUEST, NOT_FOUND (no invitation).';

revoke execute on function public.accept_invitation(uuid) from public, anon;
grant execute on function public.accept_invitation(uuid) to authenticated, service_role;

create or replace function public.decline_invitation(p_organization_id uuid)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_member public.organization_members :=
    private.lock_own_membership(p_organization_id, 'decline an invitation', 'No invitation to this organization.');
begin
  if v_member.status = 'accepted' then
    perform private.raise_error(
      'CONFLICT',
      'You are a member of this organization, not invited: leave it with leave_organization().',
      'p_organization_id'
    );
  end if;

  delete from public.organization_members m
  where m.organization_id = v_member.organization_id
    and m.user_id = v_member.user_id;

  return jsonb_build_object(
    'success', true,
    'message', 'Invitation declined.',
    'organization_id', p_organization_id,
    'role', v_member.role
  );
end
$$;

comment on function public.decline_invitation(uuid) is
  'The invited caller declines their invitation to the organization: the invitation is deleted (the organization may invite again). Returns {success, message, organization_id, role}. Emits member.invitation_declined. Errors: UNAUTHORIZED, INVALID_REQUEST, NOT_FOUND (no invitation), CONFLICT (already a member: use leave_organization).
@returns {success: boolean, message: text, organization_id: uuid, role: ''owner'' | ''admin'' | ''provider'' | ''client''}';

revoke execute on function public.decline_invitation(uuid) from public, anon;
grant execute on function public.decline_invitation(uuid) to authenticated, service_role;
