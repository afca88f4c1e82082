-- A recurring series holds its slots (issue 10): the occurrences of an active series that the
-- dispatcher has not handled yet, from now up to the service's booking window, occupy the
-- provider exactly like booked sessions (with the service's buffers). The booking rule free_time
-- (functions/rules/free_time.sql) counts them as busy, so slot search and every booking path
-- (1-to-1 bookings, staff-scheduled sessions, reschedules, treatments, the dispatcher) see them;
-- a new (or changed, or resumed) series must find all of its held occurrences free.
--
-- What an occurrence of series r on local date d holds (unless skipped; a moved occurrence holds
-- its new time instead, see recurring_booking_exceptions):
--   * r is active, its service is active and r's provider holds an accepted provider-capable
--     membership of r's organization;
--   * d >= next_booking_date (the dispatcher has not handled it: booked, skipped or failed
--     occurrences are behind next_booking_date, and a dispatch run advances the series before it
--     books, so the dispatcher is never blocked by the occurrence it is booking), and no booking
--     of (r, d) exists;
--   * it starts in the future and at most max_advance_days ahead (365 days when the service has
--     no booking window);
--   * it lasts the service's session type (else the organization's default), like the booking
--     the dispatcher would make, and takes a place in the service's max_bookings_per_day of its
--     local day.
-- Set-based: private.series_occurrences expands any set of series rows (joined once to services,
-- session types and memberships); private.series_holds finds a provider's active series through
-- recurring_bookings_specialist_id_idx, skips those whose next pending occurrence starts after the
-- window, and generates only the occurrences inside it.

-- (issue 10 first shipped a one-series signature, then one without service_id; this replaces them)
drop function if exists private.series_occurrences(public.recurring_bookings, tstzrange);
drop function if exists private.series_occurrences(public.recurring_bookings[], tstzrange);

create or replace function private.series_occurrences(p_series public.recurring_bookings[], p_window tstzrange)
returns table (
  recurring_booking_id uuid,
  provider_id uuid,
  service_id uuid,
  occurrence_date date,
  starts_at timestamptz,
  ends_at timestamptz,
  buffer_before_minutes integer,
  buffer_after_minutes integer
)
language plpgsql
stable
set search_path = ''
as $$
#variable_conflict use_column
begin
  -- set-based over the given series: services, session types and memberships are joined once,
  -- not looked up series by series. plpgsql so that the statement is planned once per session
  -- (a SQL function called with an array built by a sub-select is re-planned at every call).
  return query
  select
    r.id,
    r.specialist_id,
    r.service_id,
    o.occurrence_date,
    o.starts_at,
    o.starts_at + pg_catalog.make_interval(mins => st.duration_minutes),
    sv.buffer_before_minutes,
    sv.buffer_after_minutes
  from unnest(p_series) as r
  join public.services as sv
    on sv.id = r.service_id
   and sv.is_active
  join public.session_types as st
    on st.id = coalesce(sv.session_type_id, private.applicable_session_type(sv.organization_id))
   and st.organization_id = sv.organization_id
  -- only a provider who accepted their membership is occupied by it (as the booking rule free_time)
  join private.provider_memberships() as pm
    on pm.organization_id = r.organization_id
   and pm.user_id = r.specialist_id
  -- (offset 0: each value is computed once per series or occurrence and referenced by the rest,
  -- instead of its expression being copied into every use, which made planning slow)
  cross join lateral (
    select pg_catalog.now() + pg_catalog.make_interval(days => coalesce(sv.max_advance_days, 365)) as hold_until
    offset 0
  ) as h
  cross join lateral (
    select
      private.recurring_first_on_or_after(
        r.start_date, r.frequency,
        -- a session lasts at most a day: one local day before the window is enough
        greatest(r.next_booking_date, r.start_date, (pg_catalog.lower(p_window) at time zone r.timezone)::date - 1)
      ) as first_day,
      least(r.end_date,
            (pg_catalog.upper(p_window) at time zone r.timezone)::date,
            (h.hold_until at time zone r.timezone)::date) as to_day
    offset 0
  ) as d
  cross join lateral (
    select x.occurrence_date, (x.occurrence_date + r.local_time) at time zone r.timezone as starts_at
    from private.recurring_occurrences(r.start_date, r.frequency, d.first_day, d.to_day) as x (occurrence_date)
    offset 0
  ) as o
  where r.is_active
    and o.starts_at > pg_catalog.now()
    and o.starts_at <= h.hold_until
    and (p_window is null
         or tstzrange(o.starts_at, o.starts_at + pg_catalog.make_interval(mins => st.duration_minutes)) && p_window)
    and not exists (
      select 1
      from public.bookings as b
      where b.recurring_booking_id = r.id
        and b.recurring_occurrence_date = o.occurrence_date
    )
    -- a skipped occurrence holds nothing; a moved one holds its new time (below), not this one
    and not exists (
      select 1
      from public.recurring_booking_exceptions as x
      where x.organization_id = r.organization_id
        and x.recurring_booking_id = r.id
        and x.occurrence_date = o.occurrence_date
        and x.kind in ('skipped', 'moved')
    )
  union all
  -- moved occurrences the dispatcher has not handled yet hold their new time
  select
    r.id,
    r.specialist_id,
    r.service_id,
    x.occurrence_date,
    x.starts_at,
    x.starts_at + pg_catalog.make_interval(mins => st.duration_minutes),
    sv.buffer_before_minutes,
    sv.buffer_after_minutes
  from unnest(p_series) as r
  join public.recurring_booking_exceptions as x
    on x.organization_id = r.organization_id
   and x.recurring_booking_id = r.id
   and x.kind = 'moved'
   and x.dispatched_on is null
  join public.services as sv
    on sv.id = r.service_id
   and sv.is_active
  join public.session_types as st
    on st.id = coalesce(sv.session_type_id, private.applicable_session_type(sv.organization_id))
   and st.organization_id = sv.organization_id
  join private.provider_memberships() as pm
    on pm.organization_id = r.organization_id
   and pm.user_id = r.specialist_id
  where r.is_active
    and x.starts_at > pg_catalog.now()
    and x.starts_at <= pg_catalog.now() + pg_catalog.make_interval(days => coalesce(sv.max_advance_days, 365))
    and (p_window is null
         or tstzrange(x.starts_at, x.starts_at + pg_catalog.make_interval(mins => st.duration_minutes)) && p_window)
    -- still an occurrence of the series' rule (its frequency or end may have changed since)
    and private.recurring_is_occurrence(r.start_date, r.frequency, x.occurrence_date)
    and (r.end_date is null or x.occurrence_date <= r.end_date)
    and not exists (
      select 1
      from public.bookings as b
      where b.recurring_booking_id = r.id
        and b.recurring_occurrence_date = x.occurrence_date
    );
end
$$;

comment on function private.series_occurrences(public.recurring_bookings[], tstzrange) is
  'The occurrences the given recurring series hold that overlap p_window (null = all): not yet handled by the dispatcher (on or after next_booking_date, no booking of that date), in the future and within the service''s booking window (max_advance_days, else 365 days), while the series and its service are active and its provider''s membership accepted; with their session range and the service''s buffers. A skipped occurrence (recurring_booking_exceptions) holds nothing; a moved one holds its new time until the dispatcher handles it. Set-based; also takes a series not written yet (a new row in a trigger).';

revoke all on function private.series_occurrences(public.recurring_bookings[], tstzrange) from public, anon, authenticated;
grant execute on function private.series_occurrences(public.recurring_bookings[], tstzrange) to service_role;

-- (the result gained service_id: the daily limit counts held occurrences of the same service)
drop function if exists private.series_holds(uuid[], tstzrange, uuid);

create or replace function private.series_holds(
  p_provider_ids uuid[],
  p_window tstzrange,
  p_exclude_recurring_id uuid default null
)
returns table (
  recurring_booking_id uuid,
  provider_id uuid,
  service_id uuid,
  occurrence_date date,
  starts_at timestamptz,
  ends_at timestamptz,
  buffer_before_minutes integer,
  buffer_after_minutes integer
)
language plpgsql
stable
set search_path = ''
as $$
begin
  if p_window is null or isempty(p_window) then
    return;  -- nothing asked (e.g. a dispatch run without candidates)
  end if;
  -- plpgsql, not inlined: the statement is planned once per session and reused (the booking
  -- rule free_time runs on every booking)
  return query
  select o.*
  from private.series_occurrences(array(
    select r
    from public.recurring_bookings as r
    where r.specialist_id = any (p_provider_ids)
      and r.is_active
      and r.id is distinct from p_exclude_recurring_id
      -- cheap pre-filters: a series whose next pending occurrence starts after the window holds
      -- nothing in it (next_booking_date is that occurrence), nor one that ended before it -
      -- unless it has moved occurrences still to book (they may lie anywhere)
      and ((
            (pg_catalog.upper(p_window) is null
             or (r.next_booking_date + r.local_time) at time zone r.timezone < pg_catalog.upper(p_window))
            and (pg_catalog.lower(p_window) is null or r.end_date is null
                 or r.end_date >= (pg_catalog.lower(p_window) at time zone 'UTC')::date - 2)
          )
          or r.id in (
            select x.recurring_booking_id
            from public.recurring_booking_exceptions as x
            where x.kind = 'moved' and x.dispatched_on is null
          ))
  ), p_window) as o;
end
$$;

comment on function private.series_holds(uuid[], tstzrange, uuid) is
  'Occurrences held by the active recurring series of these providers that overlap p_window (see private.series_occurrences; none for a null or empty window), optionally ignoring one series: what the booking rules free_time (busy time) and daily_limit (places of the same service that day) count besides sessions.';

revoke all on function private.series_holds(uuid[], tstzrange, uuid) from public, anon, authenticated;
grant execute on function private.series_holds(uuid[], tstzrange, uuid) to service_role;

create or replace function private.assert_series_slots_free(p_series public.recurring_bookings)
returns void
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_candidates private.booking_candidate[];
  v_day date;
begin
  -- every occurrence the series would hold is a candidate (purpose hold): the booking rule
  -- free_time finds those that collide with the provider's sessions or other series' holds
  select coalesce(array_agg(private.new_candidate(
           purpose => 'hold',
           organization_id => p_series.organization_id,
           service_id => p_series.service_id,
           provider_id => o.provider_id,
           starts_at => o.starts_at,
           ends_at => o.ends_at,
           recurring_booking_id => p_series.id,
           occurrence_date => o.occurrence_date,
           n => (extract(epoch from o.occurrence_date::timestamp) / 86400)::integer
         )), '{}')
  into v_candidates
  from private.series_occurrences(array[p_series], null) as o;
  if cardinality(v_candidates) = 0 then
    return;  -- holds nothing (paused, ended, or nothing within the booking window yet)
  end if;

  select c.occurrence_date into v_day
  from unnest(v_candidates) as c
  where c.n in (select f.n from private.booking_rule_failures(v_candidates, false) as f)
  order by c.occurrence_date
  limit 1;
  if v_day is not null then
    perform private.raise_error(
      'SLOT_TAKEN',
      format('The provider is not free on %s at %s (%s): the series would collide with a booking or another series. Choose another time or start date.',
             v_day, to_char(p_series.local_time, 'HH24:MI'), p_series.timezone),
      'local_time'
    );
  end if;
end
$$;

comment on function private.assert_series_slots_free(public.recurring_bookings) is
  'SLOT_TAKEN (hint local_time; the detail names the first colliding date) unless every occurrence the series would hold passes the booking rules of purpose hold (free_time: the provider''s sessions and other series'' holds, buffers included). Nothing to check for a paused or ended series.';

revoke all on function private.assert_series_slots_free(public.recurring_bookings) from public, anon, authenticated;
grant execute on function private.assert_series_slots_free(public.recurring_bookings) to service_role;

create or replace function private.recurring_booking_slots_free()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  -- service calls (imports, backfills, fixtures) may write series as they are; the dispatcher
  -- reports their collisions. create_recurring_booking checks its service callers itself.
  if not private.is_service_call() then
    if tg_op = 'UPDATE' and not old.is_active then
      perform private.assert_series_members(new, 'user_id', 'specialist_id');  -- a resume
    end if;
    perform private.assert_series_slots_free(new);
  end if;
  return new;
end
$$;

comment on function private.recurring_booking_slots_free() is
  'BEFORE INSERT/UPDATE trigger on recurring_bookings (users): a new, moved or resumed series must find every occurrence it would hold free (private.assert_series_slots_free, SLOT_TAKEN); a resumed one also its client and provider still members (private.assert_series_members, NOT_FOUND hint user_id / specialist_id).';

revoke all on function private.recurring_booking_slots_free() from public, anon, authenticated;
