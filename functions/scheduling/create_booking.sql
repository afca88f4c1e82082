-- The booking core, one row at a time, shared by the booking RPCs and the recurring-bookings
-- dispatcher: callers decide *who* may book for whom (private.resolve_booking_client); these
-- functions enforce everything about *what* is booked, whoever calls them.
--
--   private.create_individual_booking(...)  1-to-1: creates the private `individual` service
--     session and its booking in the caller's transaction (provider lock, availability, buffers,
--     booking window, daily limit; the exclusion constraint backs it up: SLOT_TAKEN).
--   private.open_individual_session(...)    the session half of it, shared with a legacy
--     frontend's direct insert into bookings (private.bookings_admit_user_write), which then
--     inserts its own row as the booking.
--   private.emit_booking_created(booking)   the booking.created outbox event of every path.
--   private.join_service_session(...)       a scheduled session (workshop, course, or an open
--     1-to-1 slot staff created): the session row is locked (select ... for update), so
--     capacity can never be oversubscribed (CAPACITY_REACHED; a booked 1-to-1 session is full).

create or replace function private.open_individual_session(
  p_service_id uuid,
  p_provider_id uuid,
  p_starts_at timestamptz,
  p_client_id uuid,
  p_session_type_id uuid default null,
  p_ends_at timestamptz default null
)
returns public.service_sessions
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_service public.services;
  v_type public.session_types;
  v_ends_at timestamptz;
  v_session public.service_sessions;
begin
  if p_starts_at is null then
    perform private.raise_error('INVALID_REQUEST', 'A start time is required.', 'p_starts_at');
  end if;
  perform private.require_sane_timestamp(p_starts_at, 'p_starts_at');

  select sv.* into v_service from public.services sv where sv.id = p_service_id;
  if v_service.id is null then
    perform private.raise_error('NOT_FOUND', 'Service not found.', 'p_service_id');
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
  if private.member_role(v_service.organization_id, p_client_id) is distinct from 'client' then
    perform private.raise_error('NOT_FOUND', 'Client not found in this organization.', 'p_client_id');
  end if;

  -- a legacy booking names its end: it needs no session type when none applies
  if p_ends_at is null
     or coalesce(p_session_type_id, v_service.session_type_id,
                 private.applicable_session_type(v_service.organization_id)) is not null then
    v_type := private.resolve_session_type(v_service.organization_id, p_session_type_id, v_service.session_type_id);
  end if;
  v_ends_at := coalesce(p_ends_at, p_starts_at + make_interval(mins => v_type.duration_minutes));
  if v_ends_at <= p_starts_at or v_ends_at > p_starts_at + interval '24 hours' then
    perform private.raise_error('INVALID_REQUEST', 'A session ends after it starts, within 24 hours.', 'p_ends_at');
  end if;

  perform private.lock_provider(p_provider_id);
  perform private.assert_slot_bookable(v_service, p_provider_id, p_starts_at, v_ends_at);
  perform private.assert_client_limit(v_service, p_client_id, p_starts_at);

  begin
    insert into public.service_sessions
      (organization_id, service_id, provider_id, session_type_id, kind, visibility,
       starts_at, ends_at, max_participants)
    values
      (v_service.organization_id, v_service.id, p_provider_id, v_type.id, 'individual', 'private',
       p_starts_at, v_ends_at, 1)
    returning * into v_session;
  exception when exclusion_violation then
    -- someone wrote the provider's schedule without the provider lock (direct table write)
    perform private.raise_error('SLOT_TAKEN', 'The provider already has a session at that time.', 'p_starts_at');
  end;
  return v_session;
end
$$;

comment on function private.open_individual_session(uuid, uuid, timestamptz, uuid, uuid, timestamptz) is
  'The session half of a 1-to-1 booking: validates service/provider/client/session type, takes the provider lock, checks every booking rule (private.assert_slot_bookable, then the client''s limit per period: CLIENT_LIMIT_REACHED) and creates the private individual service session (length: p_ends_at, else the session type). Used by create_individual_booking and by a legacy direct insert into bookings.';

revoke all on function private.open_individual_session(uuid, uuid, timestamptz, uuid, uuid, timestamptz) from public, anon;
grant execute on function private.open_individual_session(uuid, uuid, timestamptz, uuid, uuid, timestamptz) to service_role;

create or replace function private.emit_booking_created(p_booking public.bookings)
returns void
language sql
security definer
set search_path = ''
as $$
  -- booking.created for every booking; booking.pending too when it awaits approval (the
  -- provider or an owner/admin has until approval_expires_at to answer)
  select null::void
  from (
    select private.emit_event(p_booking.organization_id, t.topic, jsonb_build_object(
      'booking_id', p_booking.id,
      'service_session_id', p_booking.service_session_id,
      'client_id', p_booking.client_id,
      'provider_id', p_booking.provider_id,
      'service_id', p_booking.service_id,
      'starts_at', p_booking.start_time,
      'ends_at', p_booking.end_time,
      'booking_kind', p_booking.booking_kind
    ) || t.extra)
    from (
      select 1, 'booking.created', '{}'::jsonb
      union all
      select 2, 'booking.pending', jsonb_build_object('approval_expires_at', p_booking.approval_expires_at)
      where p_booking.status = 'pending' and p_booking.approval_expires_at is not null
    ) as t (n, topic, extra)
    order by t.n
  ) as emitted
$$;

comment on function private.emit_booking_created(public.bookings) is
  'Writes the booking.created outbox event of a new booking (every booking path), and booking.pending (the same payload + approval_expires_at) when it awaits approval.';

revoke all on function private.emit_booking_created(public.bookings) from public, anon;
grant execute on function private.emit_booking_created(public.bookings) to service_role;

create or replace function private.create_individual_booking(
  p_service_id uuid,
  p_provider_id uuid,
  p_starts_at timestamptz,
  p_client_id uuid,
  p_session_type_id uuid default null,
  p_booking_kind text default 'regular',
  p_notes text default null
)
returns public.bookings
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_session public.service_sessions;
  v_booking public.bookings;
  v_deadline timestamptz;
begin
  perform private.validate_booking_kind(p_booking_kind);
  perform private.assert_anonymous_booking(
    (select sv.organization_id from public.services sv where sv.id = p_service_id), p_client_id, p_booking_kind
  );
  v_session := private.open_individual_session(p_service_id, p_provider_id, p_starts_at, p_client_id, p_session_type_id);
  v_deadline := private.approval_deadline(v_session.service_id, v_session.starts_at);

  insert into public.bookings
    (organization_id, client_id, provider_id, service_id, service_session_id, session_type_id,
     start_time, end_time, status, approval_expires_at, booking_kind, price, notes)
  select
    v_session.organization_id, p_client_id, v_session.provider_id, v_session.service_id, v_session.id,
    v_session.session_type_id, v_session.starts_at, v_session.ends_at,
    case when v_deadline is null then 'confirmed' else 'pending' end, v_deadline, p_booking_kind, sv.price, p_notes
  from public.services sv
  where sv.id = v_session.service_id
  returning * into v_booking;

  perform private.emit_booking_created(v_booking);
  return v_booking;
end
$$;

comment on function private.create_individual_booking(uuid, uuid, timestamptz, uuid, uuid, text, text) is
  'Booking core for 1-to-1 sessions (RPCs, recurring dispatcher): validates service/provider/client/session type, takes the provider lock, checks every booking rule, creates the private individual service session (private.open_individual_session) and the booking (price snapshot; confirmed, or pending until approval when private.approval_deadline says so; anonymous sign-ins under private.assert_anonymous_booking) and a booking.created outbox event. Caller authorisation is the caller''s job.';

revoke all on function private.create_individual_booking(uuid, uuid, timestamptz, uuid, uuid, text, text) from public, anon;
grant execute on function private.create_individual_booking(uuid, uuid, timestamptz, uuid, uuid, text, text) to service_role;

create or replace function private.join_service_session(
  p_service_session_id uuid,
  p_client_id uuid,
  p_booking_kind text default 'regular',
  p_is_staff boolean default false
)
returns public.bookings
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_session public.service_sessions;
  v_service public.services;
  v_booking public.bookings;
  v_deadline timestamptz;
begin
  perform private.validate_booking_kind(p_booking_kind);

  -- the row lock serialises everyone joining this session: capacity is checked on fresh data
  select ss.* into v_session
  from public.service_sessions ss
  where ss.id = p_service_session_id
  for update;
  if v_session.id is null then
    perform private.raise_error('NOT_FOUND', 'Session not found.', 'p_service_session_id');
  end if;
  if v_session.visibility = 'private' and not p_is_staff then
    perform private.raise_error('FORBIDDEN', 'This session is private: only staff can book clients into it.', 'p_service_session_id');
  end if;
  if v_session.status = 'cancelled' then
    perform private.raise_error('ALREADY_CANCELLED', 'This session was cancelled.', 'p_service_session_id');
  end if;
  if v_session.status = 'completed' then
    perform private.raise_error('BOOKING_IN_PAST', 'This session has already taken place.', 'p_service_session_id');
  end if;

  select sv.* into v_service from public.services sv where sv.id = v_session.service_id;
  if not v_service.is_active then
    perform private.raise_error('SERVICE_INACTIVE', format('Service "%s" is no longer offered.', v_service.name), 'p_service_session_id');
  end if;
  perform private.assert_booking_window(v_service, v_session.starts_at);
  perform private.assert_organization_open(v_session.organization_id, v_session.starts_at, v_session.ends_at, 'p_service_session_id');

  if private.member_role(v_session.organization_id, p_client_id) is distinct from 'client' then
    perform private.raise_error('NOT_FOUND', 'Client not found in this organization.', 'p_client_id');
  end if;
  perform private.assert_anonymous_booking(v_session.organization_id, p_client_id, p_booking_kind);
  if exists (
    select 1 from public.bookings b
    where b.service_session_id = v_session.id
      and b.client_id = p_client_id
      and b.status in ('pending', 'confirmed')
  ) then
    perform private.raise_error('CONFLICT', 'The client already has a booking for this session.', 'p_client_id');
  end if;
  if v_session.current_participants >= v_session.max_participants then
    perform private.raise_error(
      'CAPACITY_REACHED',
      format('This session is full (%s of %s places taken).', v_session.current_participants, v_session.max_participants),
      'p_service_session_id'
    );
  end if;
  perform private.assert_client_limit(v_service, p_client_id, v_session.starts_at, null, 'p_service_session_id');

  v_deadline := private.approval_deadline(v_service.id, v_session.starts_at, p_is_staff);
  insert into public.bookings
    (organization_id, client_id, provider_id, service_id, service_session_id, session_type_id,
     start_time, end_time, status, approval_expires_at, booking_kind, price)
  values
    (v_session.organization_id, p_client_id, v_session.provider_id, v_session.service_id, v_session.id,
     v_session.session_type_id, v_session.starts_at, v_session.ends_at,
     case when v_deadline is null then 'confirmed' else 'pending' end, v_deadline, p_booking_kind, v_service.price)
  returning * into v_booking;

  perform private.emit_booking_created(v_booking);
  return v_booking;
end
$$;

comment on function private.join_service_session(uuid, uuid, text, boolean) is
  'Booking core for scheduled sessions (workshops, courses, open 1-to-1 slots): locks the session row, checks visibility (private: staff only), status, service, booking window, organization closures (ORGANIZATION_CLOSED), anonymous sign-ins (private.assert_anonymous_booking), duplicate booking, capacity and the client''s limit per period (CLIENT_LIMIT_REACHED), inserts the booking (confirmed, or pending until approval: private.approval_deadline; the trigger counts the participant either way) and a booking.created outbox event.';

revoke all on function private.join_service_session(uuid, uuid, text, boolean) from public, anon;
grant execute on function private.join_service_session(uuid, uuid, text, boolean) to service_role;
