-- Booking rule daily_limit (registry: functions/rules/registry.sql): a provider takes at most
-- max_bookings_per_day booked 1-to-1 sessions of a service per local day of the organization.
-- Booked = an individual session that is not cancelled and holds its participant (an open 1-to-1
-- slot staff published and nobody booked does not count), and every occurrence that a recurring
-- series of the service holds that day (private.series_holds; not the candidate's own series);
-- the session moved is not counted; together, the candidates of the same provider, service and
-- day before it count too.

create or replace function private.rule_daily_limit(p_candidates private.booking_candidate[], p_together boolean)
returns table (n integer, code text, detail text, hint text)
language sql
stable
as $$
  with limited as (
    select
      c.n,
      c.provider_id,
      c.service_id,
      c.starts_at,
      c.exclude_session_id,
      c.recurring_booking_id,
      sv.max_bookings_per_day,
      o.timezone,
      (c.starts_at at time zone o.timezone)::date as day
    from unnest(p_candidates) as c
    join public.services as sv on sv.id = c.service_id
    join public.organizations as o on o.id = sv.organization_id
    where c.purpose = any (private.rule_purposes('daily_limit'))
      and c.starts_at is not null
      and sv.max_bookings_per_day is not null
  ),
  holds as materialized (
    select h.recurring_booking_id, h.provider_id, h.service_id, h.starts_at
    from private.series_holds(
      (select array_agg(distinct x.provider_id) from limited as x),
      (select tstzrange(min(x.starts_at) - interval '2 days', max(x.starts_at) + interval '2 days') from limited as x)
    ) as h
  )
  select
    r.n,
    'DAILY_LIMIT_REACHED',
    format('The provider takes at most %s bookings of this service per day.', r.max_bookings_per_day),
    'starts_at'
  from (
    select
      x.*,
      case when p_together
           then row_number() over (partition by x.provider_id, x.service_id, x.day order by x.starts_at, x.n)
           else 1 end as rank_in_call
    from limited as x
  ) as r
  where r.rank_in_call + (
      select count(*)
      from public.service_sessions as ss
      where ss.provider_id = r.provider_id
        and ss.service_id = r.service_id
        and ss.kind = 'individual'
        and ss.status <> 'cancelled'
        and ss.current_participants > 0
        and ss.starts_at >= r.day::timestamp at time zone r.timezone
        and ss.starts_at < (r.day + 1)::timestamp at time zone r.timezone
        and ss.id is distinct from r.exclude_session_id
    ) + (
      -- occurrences that recurring series of the service hold that day have their place too
      select count(*)
      from holds as h
      where h.provider_id = r.provider_id
        and h.service_id = r.service_id
        and h.recurring_booking_id is distinct from r.recurring_booking_id
        and h.starts_at >= r.day::timestamp at time zone r.timezone
        and h.starts_at < (r.day + 1)::timestamp at time zone r.timezone
    ) > r.max_bookings_per_day
$$;

comment on function private.rule_daily_limit(private.booking_candidate[], boolean) is
  'Rule daily_limit: DAILY_LIMIT_REACHED when the provider already holds max_bookings_per_day booked individual sessions of the service on that local day (not counting the session moved; together, counting the earlier candidates).';

revoke all on function private.rule_daily_limit(private.booking_candidate[], boolean) from public, anon, authenticated;
grant execute on function private.rule_daily_limit(private.booking_candidate[], boolean) to service_role;
