-- Scheduling a session has one set of rules, whoever writes it: create_service_session, or staff
-- writing service_sessions directly through PostgREST (the legacy admin app creates workshops
-- and courses that way). private.assert_session_schedulable is the shared part; the trigger
-- below (direct writes by signed-in users only: current_user anon/authenticated, never our
-- security definer functions) applies it and everything else create_service_session checks.
--
-- INSERT: status scheduled, the service of the organization and active (SERVICE_INACTIVE), the
--   provider an accepted provider-capable member (NOT_FOUND) and the service's provider if it
--   names one, the session type resolved like the RPC (named, the service's, the organization
--   default), at most 24 hours long, not in the past (BOOKING_IN_PAST) and free of the provider's
--   other sessions with buffers, under the provider lock (SLOT_TAKEN). The participant count
--   starts at 0 (service_sessions_before_write).
-- UPDATE: location, visibility, capacity (never below the participants) and status; a move
--   (starts_at/ends_at/provider_id) or a revival (cancelled -> scheduled) passes the same
--   schedule rules; a 1-to-1 session with a live booking moves only with reschedule_booking;
--   scheduled -> cancelled needs no live bookings (service_sessions_before_write), -> completed
--   only once started; completed and cancelled are final otherwise. organization, service, kind,
--   session type and creation time are fixed.

create or replace function private.assert_session_schedulable(
  p_service public.services,
  p_provider_id uuid,
  p_starts_at timestamptz,
  p_ends_at timestamptz,
  p_exclude_session_id uuid,
  p_hint text
)
returns void
language plpgsql
security definer
set search_path = ''
as $$
begin
  if p_starts_at <= now() then
    perform private.raise_error('BOOKING_IN_PAST', 'A session cannot be scheduled in the past.', p_hint);
  end if;
  perform private.assert_organization_open(p_service.organization_id, p_starts_at, p_ends_at, p_hint);
  perform private.lock_provider(p_provider_id);
  if private.provider_busy(
       p_provider_id, tstzrange(p_starts_at, p_ends_at),
       p_service.buffer_before_minutes, p_service.buffer_after_minutes, p_exclude_session_id
     ) && tstzrange(p_starts_at, p_ends_at) then
    perform private.raise_error('SLOT_TAKEN', 'The provider already has a session at that time.', p_hint);
  end if;
end
$$;

comment on function private.assert_session_schedulable(public.services, uuid, timestamptz, timestamptz, uuid, text) is
  'Schedule rules of a staff-created session [p_starts_at, p_ends_at) of a service (create_service_session, direct writes): BOOKING_IN_PAST, ORGANIZATION_CLOSED (a closure of the organization), then under the provider lock no overlap with the provider''s other sessions, buffers included (SLOT_TAKEN); hint p_hint. Weekly hours are not required (classes run outside 1-to-1 hours).';

revoke all on function private.assert_session_schedulable(public.services, uuid, timestamptz, timestamptz, uuid, text) from public, anon;
grant execute on function private.assert_session_schedulable(public.services, uuid, timestamptz, timestamptz, uuid, text) to service_role;

create or replace function private.service_sessions_admit_user_write()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_service public.services;
  v_type public.session_types;
  v_column text;
  v_code text;
  v_detail text;
  v_hint text;
begin
  if tg_op = 'UPDATE' then
    v_column := case
      when new.id is distinct from old.id then 'id'
      when new.organization_id is distinct from old.organization_id then 'organization_id'
      when new.service_id is distinct from old.service_id then 'service_id'
      when new.kind is distinct from old.kind then 'kind'
      when new.session_type_id is distinct from old.session_type_id then 'session_type_id'
      when new.created_at is distinct from old.created_at then 'created_at'
    end;
    if v_column is not null then
      perform private.raise_error('INVALID_REQUEST', format('%s of a session is fixed when it is scheduled.', v_column), v_column);
    end if;
    if new.status is distinct from old.status and not (
         (old.status = 'scheduled' and new.status in ('cancelled', 'completed'))
         or (old.status = 'cancelled' and new.status = 'scheduled')) then
      perform private.raise_error(
        'INVALID_REQUEST',
        format('A session does not go from %s to %s.', old.status, new.status),
        'status'
      );
    end if;
    if new.status = 'completed' and old.status <> 'completed' and new.starts_at > now() then
      perform private.raise_error('BOOKING_NOT_STARTED', 'The session has not started yet.', 'status');
    end if;
    if new.starts_at is not distinct from old.starts_at
       and new.ends_at is not distinct from old.ends_at
       and new.provider_id is not distinct from old.provider_id
       and not (old.status = 'cancelled' and new.status = 'scheduled') then
      return new;  -- nothing moves on anyone's calendar
    end if;
    if new.kind = 'individual' and exists (
      select 1 from public.bookings b
      where b.service_session_id = new.id
        and b.status in ('pending', 'confirmed')
    ) then
      perform private.raise_error('INVALID_REQUEST', 'Move a 1-to-1 booking with reschedule_booking().', 'starts_at');
    end if;
  elsif not (private.has_role(new.organization_id, array['owner', 'admin'])
              or (new.provider_id = (select auth.uid()) and private.has_role(new.organization_id, array['provider']))) then
    return new;  -- not theirs to schedule (the insert policy's test): row level security refuses it
  elsif new.status is distinct from 'scheduled' then
    perform private.raise_error('INVALID_REQUEST', 'A new session is scheduled.', 'status');
  end if;

  select sv.* into v_service from public.services sv where sv.id = new.service_id;
  if v_service.id is null or v_service.organization_id is distinct from new.organization_id then
    perform private.raise_error('NOT_FOUND', 'Service not found in this organization.', 'service_id');
  end if;
  if tg_op = 'INSERT' and not v_service.is_active then
    perform private.raise_error('SERVICE_INACTIVE', format('Service "%s" is no longer offered.', v_service.name), 'service_id');
  end if;
  if coalesce(private.member_role(new.organization_id, new.provider_id), '') not in ('owner', 'admin', 'provider') then
    perform private.raise_error('NOT_FOUND', 'Provider not found in this organization.', 'provider_id');
  end if;
  if v_service.provider_id is not null and v_service.provider_id <> new.provider_id then
    perform private.raise_error('INVALID_REQUEST', 'This service is offered by another provider.', 'provider_id');
  end if;
  -- the session type as create_service_session resolves it (a session that names its end needs
  -- none when none applies)
  if tg_op = 'INSERT'
     and (new.ends_at is null
          or coalesce(new.session_type_id, v_service.session_type_id,
                      private.applicable_session_type(new.organization_id)) is not null) then
    begin
      v_type := private.resolve_session_type(new.organization_id, new.session_type_id, v_service.session_type_id);
    exception when sqlstate 'PT400' or sqlstate 'PT404' or sqlstate 'PT422' then
      get stacked diagnostics v_code = message_text, v_detail = pg_exception_detail, v_hint = pg_exception_hint;
      perform private.raise_error(v_code, v_detail, 'session_type_id');
    end;
    new.session_type_id := v_type.id;
    new.ends_at := coalesce(new.ends_at, new.starts_at + make_interval(mins => v_type.duration_minutes));
  end if;
  perform private.require_sane_timestamp(new.starts_at, 'starts_at');
  if new.ends_at <= new.starts_at or new.ends_at > new.starts_at + interval '24 hours' then
    perform private.raise_error('INVALID_REQUEST', 'A session ends after it starts, within 24 hours.', 'ends_at');
  end if;

  perform private.assert_session_schedulable(
    v_service, new.provider_id, new.starts_at, new.ends_at,
    case when tg_op = 'UPDATE' then new.id end, 'starts_at'
  );
  return new;
end
$$;

comment on function private.service_sessions_admit_user_write() is
  'BEFORE INSERT/UPDATE trigger on service_sessions for direct writes by signed-in users (PostgREST): the rules of create_service_session (service of the organization and active, accepted provider, session type, at most 24 hours, not in the past, no overlap with buffers under the provider lock) for a new, moved or revived session; status transitions scheduled -> cancelled | completed (once started), cancelled -> scheduled; organization, service, kind and session type fixed; a booked 1-to-1 session moves only with reschedule_booking. INVALID_REQUEST, NOT_FOUND, SERVICE_INACTIVE, BOOKING_IN_PAST, BOOKING_NOT_STARTED, SLOT_TAKEN; hints name columns.';

revoke all on function private.service_sessions_admit_user_write() from public, anon;

-- named to fire first (triggers fire in name order): before apply_default_session_type & co.
drop trigger if exists admit_user_write on public.service_sessions;
create trigger admit_user_write
  before insert or update on public.service_sessions
  for each row
  when (current_user in ('anon', 'authenticated'))
  execute function private.service_sessions_admit_user_write();
