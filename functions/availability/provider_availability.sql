-- Availability as time ranges, computed set-based with multiranges (one query per call):
--   working time = weekly availability_rules on the dates without an is_available override,
--                  plus the override windows (is_available = true) of the dates that have one;
--   availability = working time - blocking exceptions (is_available = false: all day or a window).
-- Dates are local dates of the organization's time zone; a rule's times are wall-clock times in
-- the rule's time zone (default: the organization's), so DST changes need no special case.

create or replace function private.provider_availability(
  p_organization_id uuid,
  p_provider_id uuid,
  p_from date,
  p_to date
)
returns tstzmultirange
language sql
stable
security definer
set search_path = ''
as $$
  with org as (
    select o.timezone as tz
    from public.organizations o
    where o.id = p_organization_id
  ),
  exceptions as (
    select
      e.exception_date as day,
      e.is_available,
      case
        when e.all_day then tstzrange(e.exception_date::timestamp at time zone org.tz,
                                      (e.exception_date + 1)::timestamp at time zone org.tz)
        else tstzrange((e.exception_date + e.start_time) at time zone org.tz,
                       (e.exception_date + e.end_time) at time zone org.tz)
      end as window_range
    from public.specialist_availability_exceptions e
    cross join org
    where e.organization_id = p_organization_id
      and e.specialist_id = p_provider_id
      and e.exception_date between p_from - 1 and p_to + 1
  ),
  working as (
    select tstzrange((g.day + r.start_time) at time zone coalesce(r.timezone, org.tz),
                     (g.day + r.end_time) at time zone coalesce(r.timezone, org.tz)) as window_range
    from generate_series(p_from - 1, p_to + 1, interval '1 day') as d (ts)
    cross join lateral (select d.ts::date as day) as g
    cross join org
    join public.availability_rules r
      on r.organization_id = p_organization_id
     and r.provider_id = p_provider_id
     and r.weekday = extract(dow from g.day)::integer
     and (r.valid_from is null or g.day >= r.valid_from)
     and (r.valid_until is null or g.day <= r.valid_until)
    where not exists (select 1 from exceptions x where x.day = g.day and x.is_available)
    union all
    select x.window_range from exceptions x where x.is_available
  )
  select (
      coalesce((select range_agg(w.window_range) from working w), '{}'::tstzmultirange)
      - coalesce((select range_agg(x.window_range) from exceptions x where not x.is_available), '{}'::tstzmultirange)
    ) * tstzmultirange(tstzrange(p_from::timestamp at time zone org.tz, (p_to + 1)::timestamp at time zone org.tz))
  from org
$$;

comment on function private.provider_availability(uuid, uuid, date, date) is
  'When the provider is available in the organization between local dates p_from and p_to (inclusive): weekly rules, date overrides (is_available = true) and blocking exceptions (all-day and partial), as a tstzmultirange. Existing sessions are not subtracted (see private.provider_busy).';

revoke all on function private.provider_availability(uuid, uuid, date, date) from public, anon, authenticated;
grant execute on function private.provider_availability(uuid, uuid, date, date) to service_role;

-- (p_exclude_recurring_id was added by issue 10: the old five-argument signature goes)
drop function if exists private.provider_busy(uuid, tstzrange, integer, integer, uuid);

create or replace function private.provider_busy(
  p_provider_id uuid,
  p_window tstzrange,
  p_buffer_before_minutes integer default 0,
  p_buffer_after_minutes integer default 0,
  p_exclude_session_id uuid default null,
  p_exclude_recurring_id uuid default null
)
returns tstzmultirange
language sql
stable
security definer
set search_path = ''
as $$
  -- A new session [s, e) with buffers (b, a) conflicts with an existing one [S, E) with buffers
  -- (B, A) iff [s, e) overlaps [S - greatest(B, a), E + greatest(A, b)): buffers keep other
  -- sessions out but may overlap each other. Buffers are at most a day, so the window is widened
  -- by a day; sessions last at most a day (service_sessions_length_check), so the ones that reach
  -- into it start at most two days before it: a bounded range of the (provider, start) index.
  -- One calendar across organizations, but only what the person agreed to: a session (or a
  -- legacy unlinked booking) counts only when the provider has an accepted provider-capable
  -- membership in its organization, so no organization they never joined can fill their time.
  select coalesce(range_agg(tstzrange(
           x.starts_at - make_interval(mins => greatest(x.before_minutes, p_buffer_after_minutes)),
           x.ends_at + make_interval(mins => greatest(x.after_minutes, p_buffer_before_minutes)))),
         '{}'::tstzmultirange)
  from (
    select ss.starts_at, ss.ends_at,
           coalesce(sv.buffer_before_minutes, 0) as before_minutes,
           coalesce(sv.buffer_after_minutes, 0) as after_minutes
    from public.service_sessions ss
    left join public.services sv on sv.id = ss.service_id
    where ss.provider_id = p_provider_id
      and ss.status <> 'cancelled'
      and ss.starts_at > lower(p_window) - interval '2 days'
      and ss.starts_at < upper(p_window) + interval '1 day'
      and ss.ends_at > lower(p_window) - interval '1 day'
      and ss.id is distinct from p_exclude_session_id
      and exists (
        select 1 from public.organization_members m
        where m.organization_id = ss.organization_id
          and m.user_id = p_provider_id
          and m.status = 'accepted'
          and m.role in ('owner', 'admin', 'provider')
      )
    union all
    -- legacy 1-to-1 bookings not yet linked to a service session still occupy the provider
    select b.start_time, b.end_time,
           coalesce(sv.buffer_before_minutes, 0),
           coalesce(sv.buffer_after_minutes, 0)
    from public.bookings b
    left join public.services sv on sv.id = b.service_id
    where b.provider_id = p_provider_id
      and b.service_session_id is null
      and b.status in ('pending', 'confirmed')
      and b.start_time < upper(p_window) + interval '1 day'
      and b.end_time > lower(p_window) - interval '1 day'
      and exists (
        select 1 from public.organization_members m
        where m.organization_id = b.organization_id
          and m.user_id = p_provider_id
          and m.status = 'accepted'
          and m.role in ('owner', 'admin', 'provider')
      )
    union all
    -- occurrences the provider's recurring series hold (not dispatched yet; only series of
    -- organizations where the provider's membership is accepted, see private.series_occurrences)
    select h.starts_at, h.ends_at, h.buffer_before_minutes, h.buffer_after_minutes
    from private.series_holds(
      array[p_provider_id],
      tstzrange(lower(p_window) - interval '1 day', upper(p_window) + interval '1 day'),
      p_exclude_recurring_id
    ) as h
  ) as x
$$;

comment on function private.provider_busy(uuid, tstzrange, integer, integer, uuid, uuid) is
  'Time the provider is busy around p_window for a new session with the given buffers: non-cancelled sessions (and legacy unlinked bookings) of every organization where the provider holds an accepted provider-capable membership, and the occurrences their recurring series hold (private.series_holds; p_exclude_recurring_id ignores one series), each widened by the larger of its own and the new session''s buffer. Overlap with it = SLOT_TAKEN.';

revoke all on function private.provider_busy(uuid, tstzrange, integer, integer, uuid, uuid) from public, anon, authenticated;
grant execute on function private.provider_busy(uuid, tstzrange, integer, integer, uuid, uuid) to service_role;
