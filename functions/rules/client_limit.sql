-- Booking rule client_limit (registry: functions/rules/registry.sql; issue 14): a client holds
-- at most services.max_bookings_per_client live bookings of a service per local day | week
-- (Monday to Sunday) | month of the organization (private.client_limit_period). Live = pending,
-- confirmed, completed, no_show (a no-show used its place; cancelled ones do not count); the
-- booking being moved does not count; together, the client's earlier candidates for the service
-- in that period count too. Slot search asks it for a client of the organization asking.
-- Writers hold private.lock_client_limit(service, client) while they ask and write.

create or replace function private.rule_client_limit(p_candidates private.booking_candidate[], p_together boolean)
returns table (n integer, code text, detail text, hint text)
language sql
stable
as $$
  with limited as (
    select
      c.n,
      c.purpose,
      c.client_id,
      c.service_id,
      c.starts_at,
      c.exclude_booking_id,
      sv.name,
      sv.max_bookings_per_client,
      sv.max_bookings_per_client_period,
      o.timezone,
      private.client_limit_period(sv.max_bookings_per_client_period, o.timezone, c.starts_at) as period
    from unnest(p_candidates) as c
    join public.services as sv on sv.id = c.service_id
    join public.organizations as o on o.id = sv.organization_id
    where c.purpose = any (private.rule_purposes('client_limit'))
      and c.client_id is not null
      and c.starts_at is not null
      and sv.max_bookings_per_client is not null
  )
  select
    l.n,
    'CLIENT_LIMIT_REACHED',
    format('"%s" can be booked at most %s times per %s by each client; the client already has %s in the %s from %s.',
           l.name, l.max_bookings_per_client, l.max_bookings_per_client_period,
           x.booked + l.rank_in_call - 1, l.max_bookings_per_client_period,
           to_char(lower(l.period) at time zone l.timezone, 'YYYY-MM-DD')),
    case when l.purpose = 'join' then 'service_session_id' else 'starts_at' end
  from (
    select
      y.*,
      case when p_together
           then row_number() over (partition by y.client_id, y.service_id, y.period order by y.starts_at, y.n)
           else 1 end as rank_in_call
    from limited as y
  ) as l
  cross join lateral (
    select count(*) as booked
    from public.bookings as b
    where b.client_id = l.client_id
      and b.service_id = l.service_id
      and b.status in ('pending', 'confirmed', 'completed', 'no_show')
      and b.id is distinct from l.exclude_booking_id
      and b.start_time >= lower(l.period)
      and b.start_time < upper(l.period)
  ) as x
  where x.booked + l.rank_in_call > l.max_bookings_per_client
$$;

comment on function private.rule_client_limit(private.booking_candidate[], boolean) is
  'Rule client_limit: CLIENT_LIMIT_REACHED when the client already holds max_bookings_per_client live bookings of the service in the local period (day, week, month) containing starts_at (not counting the booking moved; together, counting their earlier candidates).';

revoke all on function private.rule_client_limit(private.booking_candidate[], boolean) from public, anon, authenticated;
grant execute on function private.rule_client_limit(private.booking_candidate[], boolean) to service_role;
