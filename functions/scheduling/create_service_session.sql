-- create_service_session: staff schedule a session (a workshop, a course meeting, or an open
-- 1-to-1 slot) for a service. Owners/admins for any provider, a provider for themself. A direct
-- insert into service_sessions follows the same rules (functions/scheduling/service_session_user_writes.sql).

create or replace function public.create_service_session(
  p_service_id uuid,
  p_provider_id uuid,
  p_starts_at timestamptz,
  p_session_type_id uuid default null,
  p_kind text default 'workshop',
  p_visibility text default 'public',
  p_max_participants integer default null
)
returns public.service_sessions
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_service public.services;
  v_role text;
  v_type_id uuid;
  v_minutes integer;
  v_candidate private.booking_candidate;
  v_max integer;
  v_session public.service_sessions;
begin
  perform private.require_caller();
  if p_service_id is null then
    perform private.raise_error('INVALID_REQUEST', 'A service id is required.', 'p_service_id');
  end if;
  if p_provider_id is null then
    perform private.raise_error('INVALID_REQUEST', 'A provider id is required.', 'p_provider_id');
  end if;
  if p_starts_at is null then
    perform private.raise_error('INVALID_REQUEST', 'A start time is required.', 'p_starts_at');
  end if;
  perform private.require_sane_timestamp(p_starts_at, 'p_starts_at');
  if p_kind is null or p_kind not in ('individual', 'workshop', 'course_session') then
    perform private.raise_error('INVALID_REQUEST', 'The kind must be individual, workshop or course_session.', 'p_kind');
  end if;
  if p_visibility is null or p_visibility not in ('public', 'private', 'unlisted') then
    perform private.raise_error('INVALID_REQUEST', 'The visibility must be public, private or unlisted.', 'p_visibility');
  end if;
  if p_max_participants is not null and (p_max_participants < 1 or p_max_participants > 10000) then
    perform private.raise_error('INVALID_REQUEST', 'max_participants must be between 1 and 10000.', 'p_max_participants');
  end if;
  if p_kind = 'individual' and coalesce(p_max_participants, 1) <> 1 then
    perform private.raise_error('INVALID_REQUEST', 'An individual session has exactly one participant.', 'p_max_participants');
  end if;

  select sv.* into v_service from public.services sv where sv.id = p_service_id;
  if v_service.id is null then
    perform private.raise_error('NOT_FOUND', 'Service not found.', 'p_service_id');
  end if;
  v_role := private.require_org_role(v_service.organization_id, array['owner', 'admin', 'provider'], 'p_service_id');
  if v_role = 'provider' and p_provider_id <> (select auth.uid()) then
    perform private.raise_error('FORBIDDEN', 'A provider schedules only their own sessions.', 'p_provider_id');
  end if;

  -- everything about the session itself is the booking rules' (purpose schedule, shared with
  -- direct writes: private.service_sessions_admit_user_write)
  select t.session_type_id, t.duration_minutes into v_type_id, v_minutes
  from private.session_type_for(v_service.organization_id, p_session_type_id, v_service.session_type_id) as t;
  v_candidate := private.new_candidate(
    purpose => 'schedule',
    organization_id => v_service.organization_id,
    service_id => v_service.id,
    provider_id => p_provider_id,
    starts_at => p_starts_at,
    ends_at => p_starts_at + make_interval(mins => v_minutes),
    session_type_id => v_type_id
  );
  perform private.lock_provider(p_provider_id);
  perform private.assert_bookable(v_candidate);
  v_max := case when p_kind = 'individual' then 1 else coalesce(p_max_participants, v_service.capacity) end;

  begin
    insert into public.service_sessions
      (organization_id, service_id, provider_id, session_type_id, kind, visibility,
       starts_at, ends_at, max_participants)
    values
      (v_service.organization_id, v_service.id, p_provider_id, v_type_id, p_kind, p_visibility,
       p_starts_at, v_candidate.ends_at, v_max)
    returning * into v_session;
  exception when exclusion_violation then
    perform private.raise_error('SLOT_TAKEN', 'The provider already has a session at that time.', 'p_starts_at');
  end;
  return v_session;
end
$$;

comment on function public.create_service_session(uuid, uuid, timestamptz, uuid, text, text, integer) is
  'Schedules a session of a service (owner/admin for any provider of the org, a provider for themself): length from the session type (named, the service''s, or the org default), capacity p_max_participants (default the service capacity; individual = 1). The provider''s weekly hours are not required (classes often run outside 1-to-1 hours), but overlaps with buffers are refused. Errors: UNAUTHORIZED, INVALID_REQUEST (hint = field), NOT_FOUND, FORBIDDEN, SERVICE_INACTIVE, SESSION_TYPE_INACTIVE, BOOKING_IN_PAST, ORGANIZATION_CLOSED (PT422), SLOT_TAKEN (PT409).';

revoke execute on function public.create_service_session(uuid, uuid, timestamptz, uuid, text, text, integer) from public, anon;
grant execute on function public.create_service_session(uuid, uuid, timestamptz, uuid, text, text, integer) to authenticated, service_role;
