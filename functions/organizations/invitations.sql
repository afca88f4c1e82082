-- Invitations: the invited user answers them. accept_invitation turns the membership into an
-- accepted one (from then on it has its role: reads, slots, bookings); decline_invitation
-- deletes it. Only the invited user may do either; nobody can accept on someone's behalf.

create or replace function private.require_signed_in_user(p_detail text)
returns uuid
language plpgsql
stable
set search_path = ''
as $$
declare
  v_uid uuid := (select auth.uid());
begin
  if v_uid is null then
    perform private.raise_error('UNAUTHORIZED', p_detail);
  end if;
  return v_uid;
end
$$;

comment on function private.require_signed_in_user(text) is
  'The caller''s auth.uid(); UNAUTHORIZED (detail p_detail) when there is none, service calls included: for RPCs that act on the caller''s own membership.';

revoke all on function private.require_signed_in_user(text) from public, anon;
grant execute on function private.require_signed_in_user(text) to authenticated, service_role;

create or replace function public.accept_invitation(p_organization_id uuid)
returns public.organization_members
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_uid uuid := private.require_signed_in_user('Sign in to accept an invitation.');
  v_member public.organization_members;
begin
  if p_organization_id is null then
    perform private.raise_error('INVALID_REQUEST', 'An organization id is required.', 'p_organization_id');
  end if;

  select m.* into v_member
  from public.organization_members m
  where m.organization_id = p_organization_id
    and m.user_id = v_uid
  for update;
  if v_member.user_id is null then
    perform private.raise_error('NOT_FOUND', 'No invitation to this organization.', 'p_organization_id');
  end if;
  if v_member.status = 'accepted' then
    return v_member;  -- idempotent: accepting twice changes nothing
  end if;

  update public.organization_members m
  set status = 'accepted'
  where m.organization_id = p_organization_id
    and m.user_id = v_uid
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
  v_uid uuid := private.require_signed_in_user('Sign in to decline an invitation.');
  v_member public.organization_members;
begin
  if p_organization_id is null then
    perform private.raise_error('INVALID_REQUEST', 'An organization id is required.', 'p_organization_id');
  end if;

  select m.* into v_member
  from public.organization_members m
  where m.organization_id = p_organization_id
    and m.user_id = v_uid
  for update;
  if v_member.user_id is null then
    perform private.raise_error('NOT_FOUND', 'No invitation to this organization.', 'p_organization_id');
  end if;
  if v_member.status = 'accepted' then
    perform private.raise_error(
      'CONFLICT',
      'You are a member of this organization, not invited: leave it with leave_organization().',
      'p_organization_id'
    );
  end if;

  delete from public.organization_members m
  where m.organization_id = p_organization_id
    and m.user_id = v_uid;

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
