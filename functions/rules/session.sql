-- Booking rules about the session itself: its type and length, and, for joins, the scheduled
-- session's state, the client's seat and the capacity (registry: functions/rules/registry.sql).

create or replace function private.rule_session_type(p_candidates private.booking_candidate[], p_together boolean)
returns table (n integer, code text, detail text, hint text)
language sql
stable
as $$
  -- a new session's length comes from its session type; a session that names its end (a legacy
  -- booking) needs none when none applies
  select
    c.n,
    case when c.session_type_id is null then 'INVALID_REQUEST'
         when st.id is null then 'NOT_FOUND'
         else 'SESSION_TYPE_INACTIVE' end,
    case when c.session_type_id is null
           then 'No session type applies: the service has none and the organization has no default; name one.'
         when st.id is null then 'Session type not found in this organization.'
         else format('Session type "%s" is inactive.', st.name) end,
    'session_type_id'
  from unnest(p_candidates) as c
  left join public.session_types as st
    on st.id = c.session_type_id
   and st.organization_id = c.organization_id
  where c.purpose = any (private.rule_purposes('session_type'))
    and c.exclude_session_id is null
    and c.exclude_booking_id is null
    and ((c.session_type_id is null and c.ends_at is null)
         or (c.session_type_id is not null and (st.id is null or not st.is_active)))
$$;

comment on function private.rule_session_type(private.booking_candidate[], boolean) is
  'Rule session_type: a new session has an active session type of the organization (INVALID_REQUEST when none applies and no end is named, NOT_FOUND, SESSION_TYPE_INACTIVE).';

create or replace function private.rule_session_span(p_candidates private.booking_candidate[], p_together boolean)
returns table (n integer, code text, detail text, hint text)
language sql
stable
as $$
  select c.n, 'INVALID_REQUEST', 'A session ends after it starts, within 24 hours.', 'ends_at'
  from unnest(p_candidates) as c
  where c.purpose = any (private.rule_purposes('session_span'))
    and c.starts_at is not null
    and c.ends_at is not null
    and (c.ends_at <= c.starts_at or c.ends_at > c.starts_at + interval '24 hours')
$$;

comment on function private.rule_session_span(private.booking_candidate[], boolean) is
  'Rule session_span: INVALID_REQUEST unless the session ends after it starts, within 24 hours.';

create or replace function private.rule_session_open(p_candidates private.booking_candidate[], p_together boolean)
returns table (n integer, code text, detail text, hint text)
language sql
stable
as $$
  select
    c.n,
    case when ss.id is null then 'NOT_FOUND'
         when ss.visibility = 'private' and not coalesce(c.acting_as_staff, false) then 'FORBIDDEN'
         when ss.status = 'cancelled' then 'ALREADY_CANCELLED'
         else 'BOOKING_IN_PAST' end,
    case when ss.id is null then 'Session not found.'
         when ss.visibility = 'private' and not coalesce(c.acting_as_staff, false)
           then 'This session is private: only staff can book clients into it.'
         when ss.status = 'cancelled' then 'This session was cancelled.'
         else 'This session has already taken place.' end,
    'service_session_id'
  from unnest(p_candidates) as c
  left join public.service_sessions as ss on ss.id = c.service_session_id
  where c.purpose = any (private.rule_purposes('session_open'))
    and (ss.id is null
         or (ss.visibility = 'private' and not coalesce(c.acting_as_staff, false))
         or ss.status in ('cancelled', 'completed'))
$$;

comment on function private.rule_session_open(private.booking_candidate[], boolean) is
  'Rule session_open (joins): the session exists (NOT_FOUND), a private one only for staff booking a client in (FORBIDDEN), not cancelled (ALREADY_CANCELLED), not completed (BOOKING_IN_PAST).';

create or replace function private.rule_already_joined(p_candidates private.booking_candidate[], p_together boolean)
returns table (n integer, code text, detail text, hint text)
language sql
stable
as $$
  select c.n, 'CONFLICT', 'The client already has a booking for this session.', 'client_id'
  from unnest(p_candidates) as c
  where c.purpose = any (private.rule_purposes('already_joined'))
    and (
      exists (
        select 1
        from public.bookings as b
        where b.service_session_id = c.service_session_id
          and b.client_id = c.client_id
          and b.status in ('pending', 'confirmed')
          and b.id is distinct from c.exclude_booking_id
      )
      or (p_together and exists (
        select 1
        from unnest(p_candidates) as e
        where e.n < c.n
          and e.service_session_id = c.service_session_id
          and e.client_id = c.client_id
          and e.purpose = c.purpose
      ))
    )
$$;

comment on function private.rule_already_joined(private.booking_candidate[], boolean) is
  'Rule already_joined: CONFLICT when the client already holds a live booking of the session (or, together, an earlier candidate does).';

create or replace function private.rule_capacity(p_candidates private.booking_candidate[], p_together boolean)
returns table (n integer, code text, detail text, hint text)
language sql
stable
as $$
  select
    x.n,
    'CAPACITY_REACHED',
    format('This session is full (%s of %s places taken).', x.current_participants, x.max_participants),
    'service_session_id'
  from (
    select
      c.n,
      ss.current_participants,
      ss.max_participants,
      -- together: the earlier candidates joining the same session take their seats first
      case when p_together
           then row_number() over (partition by c.service_session_id order by c.n) - 1
           else 0 end as taken_before
    from unnest(p_candidates) as c
    join public.service_sessions as ss on ss.id = c.service_session_id
    where c.purpose = any (private.rule_purposes('capacity'))
  ) as x
  where x.current_participants + x.taken_before >= x.max_participants
$$;

comment on function private.rule_capacity(private.booking_candidate[], boolean) is
  'Rule capacity: CAPACITY_REACHED when the session''s live bookings (and, together, the earlier candidates joining it) fill max_participants. Decided on the session row locked by the caller (select ... for update).';

revoke all on function private.rule_session_type(private.booking_candidate[], boolean) from public, anon, authenticated;
revoke all on function private.rule_session_span(private.booking_candidate[], boolean) from public, anon, authenticated;
revoke all on function private.rule_session_open(private.booking_candidate[], boolean) from public, anon, authenticated;
revoke all on function private.rule_already_joined(private.booking_candidate[], boolean) from public, anon, authenticated;
revoke all on function private.rule_capacity(private.booking_candidate[], boolean) from public, anon, authenticated;
grant execute on function private.rule_session_type(private.booking_candidate[], boolean) to service_role;
grant execute on function private.rule_session_span(private.booking_candidate[], boolean) to service_role;
grant execute on function private.rule_session_open(private.booking_candidate[], boolean) to service_role;
grant execute on function private.rule_already_joined(private.booking_candidate[], boolean) to service_role;
grant execute on function private.rule_capacity(private.booking_candidate[], boolean) to service_role;
