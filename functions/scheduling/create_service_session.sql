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
  v_type public.session_types;
  v_max integer;
  v_ends_at timestamptz;
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
  if not v_service.is_active then
    perform private.raise_error('SERVICE_INACTIVE', format('Service "%s" is no longer offered.', v_service.name), 'p_service_id');
  end if;
  if coalesce(private.member_role(v_service.organization_id, p_provider_id), '') not in ('owner', 'admin', 'provider') then
    perform private.raise_error('NOT_FOUND', 'Provider not found in this organization.', 'p_provider_id');
  end if;
  if v_service.provider_id is not null and v_service.provider_id <> p_provider_id then
    perform private.raise_error('INVALID_REQUEST', 'This service is offered by another provider.', 'p_provider_id');
  end if;

  v_type := private.resolve_session_type(v_service.organization_id, p_session_type_id, v_service.session_type_id);
  v_ends_at := p_starts_at + make_interval(mins => v_type.duration_minutes);
  v_max := case when p_kind = 'individual' then 1 else coalesce(p_max_participants, v_service.capacity) end;

  -- the schedule rules shared with direct writes (private.service_sessions_admit_user_write)
  perform private.assert_session_schedulable(v_service, p_provider_id, p_starts_at, v_ends_at, null, 'p_starts_at');

  begin
    insert into public.service_sessions
      (organization_id, service_id, provider_id, session_type_id, kind, visibility,
       starts_at, ends_at, max_participants)
    values
      (v_service.organization_id, v_service.id, p_provider_id, v_type.id, p_kind, p_visibility,
       p_starts_at, v_ends_at, v_max)
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
