-- Shared pieces of every booking path: who the booking is for, the provider lock, the session
-- type (and so the length) that applies, and the booking rules.

create or replace function private.lock_provider(p_provider_id uuid)
returns void
language sql
set search_path = ''
as $$
  -- transaction-scoped: check-then-insert of a provider's sessions (buffers, daily limits)
  -- never interleaves; the exclusion constraint stays the last line of defence
  select pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtextextended('sessionkit.provider:' || p_provider_id::text, 0))
$$;

comment on function private.lock_provider(uuid) is
  'Serialises schedule changes of one provider until the end of the transaction (advisory lock).';

revoke all on function private.lock_provider(uuid) from public, anon, authenticated;
grant execute on function private.lock_provider(uuid) to service_role;

create or replace function private.resolve_booking_client(
  p_organization_id uuid,
  p_client_id uuid,
  p_not_found_hint text,
  out client_id uuid,
  out is_staff boolean
)
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_uid uuid := (select auth.uid());
  v_role text;
begin
  if private.is_service_call() then
    if p_client_id is null then
      perform private.raise_error('INVALID_REQUEST', 'Name the client (p_client_id).', 'p_client_id');
    end if;
    if private.member_role(p_organization_id, p_client_id) is distinct from 'client' then
      perform private.raise_error('NOT_FOUND', 'Client not found in this organization.', 'p_client_id');
    end if;
    client_id := p_client_id;
    is_staff := true;
    return;
  end if;

  perform private.require_caller();  -- not a service call here: UNAUTHORIZED when v_uid is null
  v_role := private.member_role(p_organization_id, v_uid);
  if v_role is null then
    perform private.raise_error('NOT_FOUND', 'Not found.', p_not_found_hint);
  end if;

  if p_client_id is null or p_client_id = v_uid then
    if v_role <> 'client' then
      perform private.raise_error(
        'FORBIDDEN',
        'Only clients book for themselves; owners, admins and providers name the client with p_client_id.',
        'p_client_id'
      );
    end if;
    client_id := v_uid;
    is_staff := false;
    return;
  end if;

  if v_role not in ('owner', 'admin', 'provider') then
    perform private.raise_error('FORBIDDEN', 'Only owners, admins and providers book for another client.', 'p_client_id');
  end if;
  if private.member_role(p_organization_id, p_client_id) is distinct from 'client' then
    perform private.raise_error('NOT_FOUND', 'Client not found in this organization.', 'p_client_id');
  end if;
  client_id := p_client_id;
  is_staff := true;
end
$$;

comment on function private.resolve_booking_client(uuid, uuid, text) is
  'Who a booking is for: the calling client (p_client_id null or self), or a client of the organization named by an owner/admin/provider (or service_role). Raises UNAUTHORIZED, NOT_FOUND (caller not a member: hint p_not_found_hint; client not a client of the org: hint p_client_id), FORBIDDEN, INVALID_REQUEST.';

revoke all on function private.resolve_booking_client(uuid, uuid, text) from public, anon, authenticated;
grant execute on function private.resolve_booking_client(uuid, uuid, text) to service_role;

create or replace function private.resolve_session_type(
  p_organization_id uuid,
  p_session_type_id uuid,
  p_service_session_type_id uuid
)
returns public.session_types
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_id uuid := coalesce(p_session_type_id, p_service_session_type_id, private.applicable_session_type(p_organization_id));
  v_type public.session_types;
begin
  if v_id is null then
    perform private.raise_error(
      'INVALID_REQUEST',
      'No session type applies: the service has none and the organization has no default; name one.',
      'p_session_type_id'
    );
  end if;
  select st.* into v_type
  from public.session_types st
  where st.id = v_id
    and st.organization_id = p_organization_id;
  if v_type.id is null then
    perform private.raise_error('NOT_FOUND', 'Session type not found in this organization.', 'p_session_type_id');
  end if;
  if not v_type.is_active then
    perform private.raise_error(
      'SESSION_TYPE_INACTIVE',
      format('Session type "%s" is inactive.', v_type.name),
      'p_session_type_id'
    );
  end if;
  return v_type;
end
$$;

comment on function private.resolve_session_type(uuid, uuid, uuid) is
  'The session type of a new session: the one named, else the service''s, else the organization default (or its only active type). Raises INVALID_REQUEST (none applies), NOT_FOUND, SESSION_TYPE_INACTIVE.';

revoke all on function private.resolve_session_type(uuid, uuid, uuid) from public, anon, authenticated;
grant execute on function private.resolve_session_type(uuid, uuid, uuid) to service_role;

create or replace function private.assert_booking_window(p_service public.services, p_starts_at timestamptz)
returns void
language plpgsql
set search_path = ''
as $$
begin
  if p_starts_at <= now() then
    perform private.raise_error('BOOKING_IN_PAST', 'The session starts in the past.', 'p_starts_at');
  end if;
  if p_starts_at < now() + make_interval(mins => p_service.min_notice_minutes) then
    perform private.raise_error(
      'TOO_LATE_TO_BOOK',
      format('This service must be booked at least %s minutes before it starts.', p_service.min_notice_minutes),
      'p_starts_at'
    );
  end if;
  if p_service.max_advance_days is not null
     and p_starts_at > now() + make_interval(days => p_service.max_advance_days) then
    perform private.raise_error(
      'OUTSIDE_BOOKING_WINDOW',
      format('This service can be booked at most %s days ahead.', p_service.max_advance_days),
      'p_starts_at'
    );
  end if;
end
$$;

comment on function private.assert_booking_window(public.services, timestamptz) is
  'Booking rules on the start time: BOOKING_IN_PAST, TOO_LATE_TO_BOOK (min_notice_minutes), OUTSIDE_BOOKING_WINDOW (max_advance_days); all PT422 except as listed in docs/scheduling.md.';

revoke all on function private.assert_booking_window(public.services, timestamptz) from public, anon, authenticated;
grant execute on function private.assert_booking_window(public.services, timestamptz) to service_role;

create or replace function private.assert_slot_bookable(
  p_service public.services,
  p_provider_id uuid,
  p_starts_at timestamptz,
  p_ends_at timestamptz,
  p_exclude_session_id uuid default null,
  p_check_availability boolean default true
)
returns void
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_tz text;
  v_day date;
  v_count bigint;
begin
  perform private.assert_booking_window(p_service, p_starts_at);
  perform private.assert_organization_open(p_service.organization_id, p_starts_at, p_ends_at);

  select o.timezone into v_tz from public.organizations o where o.id = p_service.organization_id;

  if p_check_availability and not (
    private.provider_availability(
      p_service.organization_id, p_provider_id,
      (p_starts_at at time zone v_tz)::date, (p_ends_at at time zone v_tz)::date
    ) @> tstzrange(p_starts_at, p_ends_at)
  ) then
    perform private.raise_error(
      'OUTSIDE_AVAILABILITY',
      'The provider is not available at that time (working hours, time off or exceptions).',
      'p_starts_at'
    );
  end if;

  if private.provider_busy(
       p_provider_id, tstzrange(p_starts_at, p_ends_at),
       p_service.buffer_before_minutes, p_service.buffer_after_minutes, p_exclude_session_id
     ) && tstzrange(p_starts_at, p_ends_at) then
    perform private.raise_error('SLOT_TAKEN', 'The provider already has a session at that time.', 'p_starts_at');
  end if;

  if p_service.max_bookings_per_day is not null then
    v_day := (p_starts_at at time zone v_tz)::date;
    select count(*) into v_count
    from public.service_sessions ss
    where ss.provider_id = p_provider_id
      and ss.service_id = p_service.id
      and ss.kind = 'individual'
      and ss.status <> 'cancelled'
      and ss.current_participants > 0
      and ss.starts_at >= v_day::timestamp at time zone v_tz
      and ss.starts_at < (v_day + 1)::timestamp at time zone v_tz
      and ss.id is distinct from p_exclude_session_id;
    -- occurrences that recurring series of this service hold that day have their place too
    v_count := v_count + (
      select count(*)
      from private.series_holds(
        array[p_provider_id],
        tstzrange(v_day::timestamp at time zone v_tz, (v_day + 1)::timestamp at time zone v_tz)
      ) as h
      where h.service_id = p_service.id
        and h.starts_at >= v_day::timestamp at time zone v_tz
        and h.starts_at < (v_day + 1)::timestamp at time zone v_tz
    );
    if v_count >= p_service.max_bookings_per_day then
      perform private.raise_error(
        'DAILY_LIMIT_REACHED',
        format('The provider takes at most %s bookings of this service per day.', p_service.max_bookings_per_day),
        'p_starts_at'
      );
    end if;
  end if;
end
$$;

comment on function private.assert_slot_bookable(public.services, uuid, timestamptz, timestamptz, uuid, boolean) is
  'Every booking rule for a provider''s new (or moved) session [p_starts_at, p_ends_at): booking window, organization closures, availability (rules + exceptions, org time zone), overlap with buffers (sessions and recurring series holds), daily limit (booked sessions and held occurrences of the service). Call under private.lock_provider(). Raises BOOKING_IN_PAST, TOO_LATE_TO_BOOK, OUTSIDE_BOOKING_WINDOW, ORGANIZATION_CLOSED, OUTSIDE_AVAILABILITY, SLOT_TAKEN, DAILY_LIMIT_REACHED.';

revoke all on function private.assert_slot_bookable(public.services, uuid, timestamptz, timestamptz, uuid, boolean) from public, anon, authenticated;
grant execute on function private.assert_slot_bookable(public.services, uuid, timestamptz, timestamptz, uuid, boolean) to service_role;

create or replace function private.validate_booking_kind(p_booking_kind text)
returns void
language plpgsql
set search_path = ''
as $$
begin
  if p_booking_kind is null or p_booking_kind not in ('regular', 'trial', 'guest') then
    perform private.raise_error('INVALID_REQUEST', 'The booking kind must be regular, trial or guest.', 'p_booking_kind');
  end if;
end
$$;

comment on function private.validate_booking_kind(text) is
  'INVALID_REQUEST (hint p_booking_kind) unless regular, trial or guest.';

revoke all on function private.validate_booking_kind(text) from public, anon, authenticated;
grant execute on function private.validate_booking_kind(text) to service_role;
