-- The booking core, shared by the booking RPCs, treatments, the recurring dispatcher and the
-- users' direct writes: callers decide *who* may book for whom (private.resolve_booking_client);
-- these functions describe *what* is booked as a booking candidate and leave every rule to the
-- rule home (functions/rules/: private.assert_bookable, private.booking_rule_failures).
--
--   private.individual_candidate(...)       a 1-to-1 booking as a candidate: the service, the
--     people, the start, and the length from the session type (named, the service's, the
--     organization's default) or the end a legacy booking names.
--   private.book_individual(candidate)      1-to-1: under the provider lock, every rule, then
--     private.book_individuals of that one candidate: the private `individual` service session,
--     created holding its booking, and the booking (price snapshot, the credit the credits rule
--     chose, series or treatment tags from the candidate) in one statement. The recurring
--     dispatcher asks the rules about all its candidates at once and writes the passing ones with
--     the same private.book_individuals; the overlap guarantee backs the rule up (SLOT_TAKEN).
--   private.open_individual_session_for(candidate)  the session half of it, shared with a legacy
--     frontend's direct insert into bookings (private.bookings_admit_user_write), which then
--     inserts its own row as the booking; private.open_individual_session(...) and
--     private.create_individual_booking(...) are the same by arguments.
--   private.booking_created_events(booking) the booking.created (booking.pending) outbox events
--     of every path, written by the bookings statement trigger.
--   private.join_service_session(...)       a scheduled session (workshop, course, or an open
--     1-to-1 slot staff created): the session row is locked (select ... for update), so
--     capacity can never be oversubscribed (CAPACITY_REACHED; a booked 1-to-1 session is full).

create or replace function private.individual_candidate(
  p_service_id uuid,
  p_provider_id uuid,
  p_starts_at timestamptz,
  p_client_id uuid,
  p_session_type_id uuid default null,
  p_ends_at timestamptz default null,
  p_booking_kind text default 'regular'
)
returns private.booking_candidate
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_service public.services;
  v_type_id uuid;
  v_minutes integer;
begin
  if p_starts_at is null then
    perform private.raise_error('INVALID_REQUEST', 'A start time is required.', 'p_starts_at');
  end if;
  perform private.require_sane_timestamp(p_starts_at, 'p_starts_at');

  select sv.* into v_service from public.services sv where sv.id = p_service_id;
  if v_service.id is null then
    perform private.raise_error('NOT_FOUND', 'Service not found.', 'p_service_id');
  end if;

  -- the length: the session type named, else the service's, else the organization's default (a
  -- legacy booking that names its end needs none when none applies: rule session_type)
  select t.session_type_id, t.duration_minutes into v_type_id, v_minutes
  from private.session_type_for(v_service.organization_id, p_session_type_id, v_service.session_type_id) as t;

  return private.new_candidate(
    purpose => 'book',
    organization_id => v_service.organization_id,
    service_id => v_service.id,
    provider_id => p_provider_id,
    client_id => p_client_id,
    starts_at => p_starts_at,
    ends_at => coalesce(p_ends_at, p_starts_at + make_interval(mins => v_minutes)),
    session_type_id => v_type_id,
    booking_kind => p_booking_kind
  );
end
$$;

comment on function private.individual_candidate(uuid, uuid, timestamptz, uuid, uuid, timestamptz, text) is
  'A 1-to-1 booking as a booking candidate (purpose book): organization from the service (NOT_FOUND p_service_id), session type named / the service''s / the organization default, end = p_ends_at or start + the type''s length. INVALID_REQUEST (hint p_starts_at) for a missing or absurd start.';

revoke all on function private.individual_candidate(uuid, uuid, timestamptz, uuid, uuid, timestamptz, text) from public, anon, authenticated;
grant execute on function private.individual_candidate(uuid, uuid, timestamptz, uuid, uuid, timestamptz, text) to service_role;

-- (it returned nothing until the rules handed the writers the credit they chose)
drop function if exists private.admit_candidate(private.booking_candidate);

create function private.admit_candidate(p_candidate private.booking_candidate)
returns uuid
language plpgsql
security definer
set search_path = ''
as $$
begin
  -- lock order: client membership -> provider -> client limit -> (the statement triggers)
  -- subscriptions; the rules are asked after the locks, so they see a concurrent leave
  perform private.lock_memberships(array[p_candidate.organization_id], array[p_candidate.client_id]);
  perform private.lock_provider(p_candidate.provider_id);
  perform private.lock_client_limit(p_candidate.service_id, p_candidate.client_id);
  return private.assert_bookable_credit(p_candidate);
end
$$;

comment on function private.admit_candidate(private.booking_candidate) is
  'Before a 1-to-1 booking (or its session) is written: the client''s membership (for share, private.lock_memberships), the provider lock, the client''s limit lock, then every booking rule for the candidate (private.assert_bookable_credit, hints p_<field>); returns the subscription whose credit the booking spends (null: none).';

revoke all on function private.admit_candidate(private.booking_candidate) from public, anon, authenticated;
grant execute on function private.admit_candidate(private.booking_candidate) to service_role;

create or replace function private.open_individual_session_for(p_candidate private.booking_candidate)
returns public.service_sessions
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_session public.service_sessions;
begin
  perform private.admit_candidate(p_candidate);
  begin
    insert into public.service_sessions
      (organization_id, service_id, provider_id, session_type_id, kind, visibility,
       starts_at, ends_at, max_participants)
    values
      (p_candidate.organization_id, p_candidate.service_id, p_candidate.provider_id, p_candidate.session_type_id,
       'individual', 'private', p_candidate.starts_at, p_candidate.ends_at, 1)
    returning * into v_session;
  exception when exclusion_violation then
    -- someone wrote the provider's schedule without the provider lock (direct table write)
    perform private.raise_error('SLOT_TAKEN', 'The provider already has a session at that time.', 'p_starts_at');
  end;
  return v_session;
end
$$;

comment on function private.open_individual_session_for(private.booking_candidate) is
  'The session half of a 1-to-1 booking: takes the provider lock, asks every booking rule about the candidate (private.assert_bookable, hints p_<field>) and creates its private individual service session.';

revoke all on function private.open_individual_session_for(private.booking_candidate) from public, anon, authenticated;
grant execute on function private.open_individual_session_for(private.booking_candidate) to service_role;

create or replace function private.open_individual_session(
  p_service_id uuid,
  p_provider_id uuid,
  p_starts_at timestamptz,
  p_client_id uuid,
  p_session_type_id uuid default null,
  p_ends_at timestamptz default null,
  p_booking_kind text default 'regular'
)
returns public.service_sessions
language sql
security definer
set search_path = ''
as $$
  select * from private.open_individual_session_for(
    private.individual_candidate(p_service_id, p_provider_id, p_starts_at, p_client_id, p_session_type_id, p_ends_at, p_booking_kind)
  )
$$;

comment on function private.open_individual_session(uuid, uuid, timestamptz, uuid, uuid, timestamptz, text) is
  'private.open_individual_session_for(private.individual_candidate(...)): the session half of a 1-to-1 booking by arguments (a legacy direct insert into bookings).';

revoke all on function private.open_individual_session(uuid, uuid, timestamptz, uuid, uuid, timestamptz, text) from public, anon, authenticated;
grant execute on function private.open_individual_session(uuid, uuid, timestamptz, uuid, uuid, timestamptz, text) to service_role;

create or replace function private.book_individuals(p_candidates private.booking_candidate[], p_notes text default null)
returns setof public.bookings
language plpgsql
security definer
set search_path = ''
as $$
begin
  -- one statement for any number of 1-to-1 bookings (a single booking, a dispatch run): each
  -- candidate's private individual session, created holding its booking (current_participants
  -- = 1: the bookings trigger does not count a founding booking again), and the booking itself
  -- (price snapshot; the credit the candidate names: the callers asked the rules, whose credits
  -- rule chose it for all candidates together - private.booking_rule_verdicts - and wrote it into
  -- the candidates; pending until approval where the service asks for it). The statement
  -- triggers of both tables do the rest (the bookings one settles the credits under the
  -- subscriptions' locks).
  return query
  with c as materialized (
    select x.*, sv.price, sv.requires_approval
    from unnest(p_candidates) as x
    join public.services as sv on sv.id = x.service_id
  ),
  sessions as (
    insert into public.service_sessions
      (organization_id, service_id, provider_id, session_type_id, kind, visibility,
       starts_at, ends_at, max_participants, current_participants)
    select c.organization_id, c.service_id, c.provider_id, c.session_type_id, 'individual', 'private',
           c.starts_at, c.ends_at, 1, 1
    from c
    order by c.n
    returning id, provider_id, starts_at, session_type_id
  )
  insert into public.bookings
    (organization_id, client_id, provider_id, service_id, service_session_id, session_type_id,
     start_time, end_time, status, approval_expires_at, booking_kind, price, notes, subscription_id,
     recurring_booking_id, recurring_occurrence_date, session_group_id, session_number, total_sessions)
  select
    c.organization_id, c.client_id, c.provider_id, c.service_id, s.id, s.session_type_id,
    c.starts_at, c.ends_at, case when a.deadline is null then 'confirmed' else 'pending' end, a.deadline,
    c.booking_kind, c.price, p_notes, c.subscription_id,
    c.recurring_booking_id, c.occurrence_date, c.session_group_id, c.session_number, c.total_sessions
  from c
  -- a provider's live sessions never overlap: (provider, start) names the new one
  join sessions as s on s.provider_id = c.provider_id and s.starts_at = c.starts_at
  cross join lateral (
    select case when c.requires_approval then private.approval_deadline(c.service_id, c.starts_at) end as deadline
  ) as a
  order by c.n
  returning *;
end
$$;

comment on function private.book_individuals(private.booking_candidate[], text) is
  'The write of the 1-to-1 booking core, for any number of candidates at once (callers hold the provider locks and asked the booking rules, together): one statement inserts each candidate''s private individual session, created holding its booking, and its booking (price snapshot, the credit each candidate names - the credits rule''s choice, private.booking_rule_verdicts -, series or treatment tags from the candidate, pending until approval where the service asks for it); the tables'' statement triggers settle credits, log history and emit booking.created. Returns the bookings in candidate order.';

revoke all on function private.book_individuals(private.booking_candidate[], text) from public, anon, authenticated;
grant execute on function private.book_individuals(private.booking_candidate[], text) to service_role;

create or replace function private.book_individual(p_candidate private.booking_candidate, p_notes text default null)
returns public.bookings
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_booking public.bookings;
begin
  perform private.validate_booking_kind(p_candidate.booking_kind);
  -- the rules' credit, written as the candidate's (the settle trigger checks it under its lock)
  p_candidate.subscription_id := private.admit_candidate(p_candidate);
  begin
    select b.* into v_booking from private.book_individuals(array[p_candidate], p_notes) as b;
  exception when exclusion_violation then
    -- someone wrote the provider's schedule without the provider lock (direct table write)
    perform private.raise_error('SLOT_TAKEN', 'The provider already has a session at that time.', 'p_starts_at');
  end;
  return v_booking;
end
$$;

comment on function private.book_individual(private.booking_candidate, text) is
  'Booking core for one 1-to-1 booking: the provider lock (and the client''s limit lock), every booking rule for the candidate (private.assert_bookable: the first failure raised with its code), then private.book_individuals of that one candidate - the same write a dispatch run makes for many. Caller authorisation is the caller''s job.';

revoke all on function private.book_individual(private.booking_candidate, text) from public, anon, authenticated;
grant execute on function private.book_individual(private.booking_candidate, text) to service_role;

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
language sql
security definer
set search_path = ''
as $$
  select * from private.book_individual(
    private.individual_candidate(p_service_id, p_provider_id, p_starts_at, p_client_id, p_session_type_id, null, p_booking_kind),
    p_notes
  )
$$;

comment on function private.create_individual_booking(uuid, uuid, timestamptz, uuid, uuid, text, text) is
  'private.book_individual(private.individual_candidate(...)): a 1-to-1 booking by arguments (book_individual_session).';

revoke all on function private.create_individual_booking(uuid, uuid, timestamptz, uuid, uuid, text, text) from public, anon, authenticated;
grant execute on function private.create_individual_booking(uuid, uuid, timestamptz, uuid, uuid, text, text) to service_role;

create or replace function private.booking_created_events(p_booking public.bookings)
returns table (topic text, payload jsonb)
language sql
stable
as $$
  -- booking.created for every booking; booking.pending too when it awaits approval (the
  -- provider or an owner/admin has until approval_expires_at to answer)
  select t.topic, jsonb_build_object(
    'booking_id', p_booking.id,
    'service_session_id', p_booking.service_session_id,
    'client_id', p_booking.client_id,
    'provider_id', p_booking.provider_id,
    'service_id', p_booking.service_id,
    'starts_at', p_booking.start_time,
    'ends_at', p_booking.end_time,
    'booking_kind', p_booking.booking_kind
  ) || t.extra
  from (
    select 1, 'booking.created', '{}'::jsonb
    union all
    select 2, 'booking.pending', jsonb_build_object('approval_expires_at', p_booking.approval_expires_at)
    where p_booking.status = 'pending' and p_booking.approval_expires_at is not null
  ) as t (n, topic, extra)
  order by t.n
$$;

comment on function private.booking_created_events(public.bookings) is
  'The outbox events of a new booking (every booking path; written by the bookings insert statement trigger): booking.created, and booking.pending (the same payload + approval_expires_at) when it awaits approval.';

revoke all on function private.booking_created_events(public.bookings) from public, anon, authenticated;
grant execute on function private.booking_created_events(public.bookings) to service_role;

create or replace function private.join_service_session(
  p_service_session_id uuid,
  p_client_id uuid,
  p_booking_kind text default 'regular',
  p_is_staff boolean default false,
  p_status_reason text default null
)
returns public.bookings
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_session public.service_sessions;
  v_candidate private.booking_candidate;
  v_booking public.bookings;
  v_deadline timestamptz;
  v_subscription uuid;
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
  -- a leave never locks sessions: taking the client's membership after the session row is safe
  perform private.lock_memberships(array[v_session.organization_id], array[p_client_id]);
  perform private.lock_client_limit(v_session.service_id, p_client_id);
  v_candidate := private.new_candidate(
    purpose => 'join',
    organization_id => v_session.organization_id,
    service_id => v_session.service_id,
    provider_id => v_session.provider_id,
    client_id => p_client_id,
    starts_at => v_session.starts_at,
    ends_at => v_session.ends_at,
    booking_kind => p_booking_kind,
    acting_as_staff => p_is_staff,
    service_session_id => v_session.id
  );
  -- every rule; the credit the credits rule chose is the one written
  v_subscription := private.assert_bookable_credit(v_candidate);

  v_deadline := private.approval_deadline(v_session.service_id, v_session.starts_at, p_is_staff);
  insert into public.bookings
    (organization_id, client_id, provider_id, service_id, service_session_id, session_type_id,
     start_time, end_time, status, status_reason, approval_expires_at, booking_kind, price, subscription_id)
  select
    v_session.organization_id, p_client_id, v_session.provider_id, v_session.service_id, v_session.id,
    v_session.session_type_id, v_session.starts_at, v_session.ends_at,
    case when v_deadline is null then 'confirmed' else 'pending' end, p_status_reason, v_deadline, p_booking_kind, sv.price,
    v_subscription
  from public.services sv
  where sv.id = v_session.service_id
  returning * into v_booking;
  return v_booking;
end
$$;

comment on function private.join_service_session(uuid, uuid, text, boolean, text) is
  'Booking core for scheduled sessions (workshops, courses, open 1-to-1 slots): locks the session row and the client''s membership (for share), asks the booking rules about a join candidate (session open and visible, service, client, anonymous sign-ins, booking window, duplicate booking, capacity, credits: private.assert_bookable), inserts the booking (confirmed, or pending until approval: private.approval_deadline; p_status_reason for its history); the statement triggers spend the credit, count the participant and emit booking.created.';

revoke all on function private.join_service_session(uuid, uuid, text, boolean, text) from public, anon;
grant execute on function private.join_service_session(uuid, uuid, text, boolean, text) to service_role;
