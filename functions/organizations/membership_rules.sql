-- The rules of a membership, whoever writes organization_members (the RPCs, an owner/admin's or a
-- member's direct write through PostgREST):
--
--  * admit_user_write (private.organization_members_admit_user_write) - BEFORE INSERT/UPDATE,
--    direct writes by signed-in users only (the trigger's WHEN clause: current_user is
--    anon/authenticated, i.e. the statement came from PostgREST, not from one of our security
--    definer functions):
--      insert = an invitation (status 'invited', invited_by = the caller), exactly like
--      add_organization_member; update may change role and display_name only - never who,
--      where or whether it is accepted (only the invited user accepts, with accept_invitation),
--      an invitation's role stays what was offered, and a client is never turned into someone
--      whose time the organization may schedule (provider, admin, owner) without their consent:
--      remove the membership and invite them with the new role.
--  * organization_members_guard_departure - BEFORE UPDATE OF role / DELETE, every user request
--    (direct or through leave_organization; service calls, and rows going away with their
--    organization or user, are exempt): an accepted member with upcoming commitments in the
--    organization cannot leave or be removed (scheduled sessions they run, live bookings they
--    attend, legacy unlinked bookings) nor stop being provider-capable while they run upcoming
--    sessions (CONFLICT): cancel or hand them over first. A departing member's active recurring
--    series in the organization end, and their working hours and time off there are deleted.
--  * organization_members_announce - AFTER INSERT/UPDATE OF status/DELETE, every writer:
--    member.invited, member.accepted, member.joined (a visitor booked on the public page),
--    member.invitation_declined, member.invitation_withdrawn, member.left, member.removed
--    outbox events and audit_log entries.

create or replace function private.organization_members_admit_user_write()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_column text;
begin
  if tg_op = 'INSERT' then
    new.status := 'invited';
    new.invited_by := (select auth.uid());
    new.created_at := now();
    return new;
  end if;

  v_column := case
    when new.organization_id is distinct from old.organization_id then 'organization_id'
    when new.user_id is distinct from old.user_id then 'user_id'
    when new.status is distinct from old.status then 'status'
    when new.invited_by is distinct from old.invited_by then 'invited_by'
    when new.created_at is distinct from old.created_at then 'created_at'
  end;
  if v_column = 'status' then
    perform private.raise_error(
      'INVALID_REQUEST',
      'Only the invited user accepts an invitation (accept_invitation) or declines it (decline_invitation).',
      'status'
    );
  elsif v_column is not null then
    perform private.raise_error(
      'INVALID_REQUEST',
      format('%s of a membership cannot be changed: remove it and invite again.', v_column),
      v_column
    );
  end if;

  if new.role is distinct from old.role then
    if old.status = 'invited' then
      perform private.raise_error(
        'INVALID_REQUEST',
        'An invitation keeps the role it offered: withdraw it (delete) and invite again with the new role.',
        'role'
      );
    end if;
    if old.role = 'client' then
      perform private.raise_error(
        'FORBIDDEN',
        format('Making a client %s lets the organization schedule their time, which needs their consent: remove the membership and invite them with the new role.', new.role),
        'role'
      );
    end if;
  end if;
  return new;
end
$$;

comment on function private.organization_members_admit_user_write() is
  'BEFORE INSERT/UPDATE trigger on organization_members for direct writes by signed-in users: an insert is an invitation (status invited, invited_by = caller); an update changes role/display_name only (INVALID_REQUEST for organization_id, user_id, status, invited_by, created_at and an invitation''s role; FORBIDDEN for turning a client into a provider, admin or owner).';

revoke all on function private.organization_members_admit_user_write() from public, anon;

-- named to fire first (triggers fire in name order)
drop trigger if exists organization_members_admit_user_write on public.organization_members;

create or replace function private.assert_no_upcoming_commitments(
  p_organization_id uuid,
  p_user_id uuid,
  p_as_client boolean
)
returns void
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_sessions bigint;
  v_bookings bigint;
begin
  select count(*) into v_sessions
  from public.service_sessions ss
  where ss.provider_id = p_user_id
    and ss.organization_id = p_organization_id
    and ss.status = 'scheduled'
    and ss.ends_at > now();
  -- legacy 1-to-1 bookings without a service session occupy their provider too
  select v_sessions + count(*) into v_sessions
  from public.bookings b
  where b.provider_id = p_user_id
    and b.organization_id = p_organization_id
    and b.service_session_id is null
    and b.status in ('pending', 'confirmed')
    and b.end_time > now();
  if v_sessions > 0 then
    perform private.raise_error(
      'CONFLICT',
      format('%s upcoming session(s) in this organization are run by this member: cancel them or hand them over to another provider first.', v_sessions),
      'user_id'
    );
  end if;

  if p_as_client then
    select count(*) into v_bookings
    from public.bookings b
    left join public.service_sessions ss on ss.id = b.service_session_id
    where b.client_id = p_user_id
      and b.organization_id = p_organization_id
      and b.status in ('pending', 'confirmed')
      and coalesce(ss.ends_at, b.end_time) > now();
    if v_bookings > 0 then
      perform private.raise_error(
        'CONFLICT',
        format('This member has %s upcoming booking(s) in this organization: cancel them first.', v_bookings),
        'user_id'
      );
    end if;
  end if;
end
$$;

comment on function private.assert_no_upcoming_commitments(uuid, uuid, boolean) is
  'CONFLICT (PT409) while the user runs upcoming (not yet ended) scheduled sessions or legacy unlinked bookings in the organization, or - with p_as_client - attends upcoming live bookings there. A membership cannot end (or stop being provider-capable) before those are cancelled or handed over.';

revoke all on function private.assert_no_upcoming_commitments(uuid, uuid, boolean) from public, anon, authenticated;
grant execute on function private.assert_no_upcoming_commitments(uuid, uuid, boolean) to service_role;

create or replace function private.organization_members_guard_departure()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if old.status <> 'accepted' or private.is_service_call() then
    return case when tg_op = 'DELETE' then old else new end;
  end if;
  -- going away with the organization or the user (cascading deletes)
  if not exists (select 1 from public.organizations o where o.id = old.organization_id)
     or not exists (select 1 from auth.users u where u.id = old.user_id) then
    return case when tg_op = 'DELETE' then old else new end;
  end if;

  if tg_op = 'UPDATE' then
    if old.role in ('owner', 'admin', 'provider') and new.role = 'client' then
      perform private.assert_no_upcoming_commitments(old.organization_id, old.user_id, false);
    end if;
    return new;
  end if;

  perform private.assert_no_upcoming_commitments(old.organization_id, old.user_id, true);
  update public.recurring_bookings r
  set is_active = false
  where r.organization_id = old.organization_id
    and (r.user_id = old.user_id or r.specialist_id = old.user_id)
    and r.is_active;
  delete from public.availability_rules ar
  where ar.organization_id = old.organization_id
    and ar.provider_id = old.user_id;
  delete from public.specialist_availability_exceptions e
  where e.organization_id = old.organization_id
    and e.specialist_id = old.user_id;
  return old;
end
$$;

comment on function private.organization_members_guard_departure() is
  'BEFORE UPDATE OF role / DELETE trigger on organization_members (user requests; not service calls or cascades): an accepted member with upcoming commitments cannot leave, be removed, or stop being provider-capable while running upcoming sessions (CONFLICT). A departing member''s recurring series in the organization end; their availability rules and exceptions there are deleted.';

revoke all on function private.organization_members_guard_departure() from public, anon;

create or replace function private.organization_members_announce()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_row public.organization_members := case when tg_op = 'DELETE' then old else new end;
  v_topic text;
begin
  v_topic := case
    when tg_op = 'INSERT' and new.status = 'invited' then 'member.invited'
    -- a visitor of a public booking page who became a client by booking (private.join_as_public_client)
    when tg_op = 'INSERT' and new.role = 'client' and new.user_id = (select auth.uid()) then 'member.joined'
    when tg_op = 'UPDATE' and old.status = 'invited' and new.status = 'accepted' then 'member.accepted'
    when tg_op = 'DELETE' and old.status = 'invited' and old.user_id = (select auth.uid()) then 'member.invitation_declined'
    when tg_op = 'DELETE' and old.status = 'invited' then 'member.invitation_withdrawn'
    when tg_op = 'DELETE' and old.user_id = (select auth.uid()) then 'member.left'
    when tg_op = 'DELETE' then 'member.removed'
  end;
  if v_topic is null
     or not exists (select 1 from public.organizations o where o.id = v_row.organization_id) then
    return null;  -- nothing to announce, or the organization itself is going away
  end if;

  perform private.write_audit(
    v_row.organization_id, v_topic, 'organization_members', v_row.user_id,
    case when tg_op <> 'INSERT' then jsonb_build_object('role', old.role, 'status', old.status) end,
    case when tg_op <> 'DELETE' then jsonb_build_object('role', new.role, 'status', new.status) end
  );
  perform private.emit_event(v_row.organization_id, v_topic, jsonb_build_object(
    'organization_id', v_row.organization_id,
    'user_id', v_row.user_id,
    'role', v_row.role,
    'invited_by', v_row.invited_by,
    'actor_id', (select auth.uid())
  ));
  return null;
end
$$;

comment on function private.organization_members_announce() is
  'AFTER INSERT/UPDATE OF status/DELETE trigger on organization_members: audit_log entry and outbox event member.invited | member.accepted | member.joined | member.invitation_declined | member.invitation_withdrawn | member.left | member.removed (payload organization_id, user_id, role, invited_by, actor_id).';

revoke all on function private.organization_members_announce() from public, anon;
