-- leave_organization: a member (a provider who works elsewhere now, a client who moved away)
-- removes their own membership. The rules are the ones every removal of a membership follows
-- (organization_members triggers, functions/organizations/membership_rules.sql): the last owner
-- cannot leave, nor can anyone with upcoming commitments in the organization (scheduled
-- sessions they run, live bookings they attend) - those are cancelled or handed over first, so
-- nothing stays on anyone's calendar that nobody is responsible for. Leaving ends the member's
-- recurring series there and deletes their working hours and time off in that organization.

create or replace function public.leave_organization(p_organization_id uuid)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_member public.organization_members :=
    private.lock_own_membership(p_organization_id, 'leave an organization', 'You are not a member of this organization.');
begin
  if v_member.status <> 'accepted' then
    perform private.raise_error('NOT_FOUND', 'You are not a member of this organization (decline the invitation instead).', 'p_organization_id');
  end if;

  -- the rules (last owner, upcoming commitments) are the delete triggers'
  delete from public.organization_members m
  where m.organization_id = v_member.organization_id
    and m.user_id = v_member.user_id;

  return jsonb_build_object(
    'success', true,
    'message', 'You left the organization.',
    'organization_id', p_organization_id,
    'role', v_member.role
  );
end
$$;

comment on function public.leave_organization(uuid) is
  'The caller leaves the organization (an accepted membership; to decline an invitation use decline_invitation). Refused while they are its last owner or have upcoming sessions (as provider) or live bookings (as client) there; ends their recurring series and deletes their availability rules and exceptions in it. Returns {success, message, organization_id, role}; emits member.left. Errors: UNAUTHORIZED, INVALID_REQUEST, NOT_FOUND (not a member), CONFLICT (last owner; upcoming commitments).
@returns {success: boolean, message: text, organization_id: uuid, role: ''owner'' | ''admin'' | ''provider'' | ''client''}';

revoke execute on function public.leave_organization(uuid) from public, anon;
grant execute on function public.leave_organization(uuid) to authenticated, service_role;
