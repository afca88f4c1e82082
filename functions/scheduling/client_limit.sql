-- The per-client booking limit (issue 14): services.max_bookings_per_client live bookings of the
-- service per client and local day | week (Monday to Sunday) | month of the organization.
--   private.client_limit_period(period, tz, at)        the local period containing a moment;
--   private.client_full_periods(service, client, window, exclude)  set-based: the periods
--     overlapping a window in which the client already holds the limit (slot search drops
--     them for a client; the assert below is its one-row form);
--   private.assert_client_limit(service, client, starts_at, exclude, hint)  every booking path:
--     takes the (client, service) lock, then CLIENT_LIMIT_REACHED (PT422) when the period of
--     starts_at is full.
-- Live = pending, confirmed, completed, no_show (a no-show used its place; cancelled ones do
-- not count). Callers: private.open_individual_session (1-to-1 bookings, legacy inserts,
-- treatments, the dispatcher's exact path), private.join_service_session (book_session, waitlist
-- promotions) and reschedule_booking (the moved booking itself excluded). The recurring
-- dispatcher's set-based step sends every occurrence of a limited service to the exact path.
-- Lock order: booking rows -> provider lock -> session row -> client limit lock -> subscription.

create or replace function private.client_limit_period(p_period text, p_timezone text, p_at timestamptz)
returns tstzrange
language sql
stable
parallel safe
set search_path = ''
as $$
  select tstzrange(l.start_local at time zone p_timezone,
                   (l.start_local + case p_period when 'day' then interval '1 day'
                                                  when 'week' then interval '7 days'
                                                  else interval '1 month' end) at time zone p_timezone)
  from (select date_trunc(p_period, p_at at time zone p_timezone) as start_local) as l
$$;

comment on function private.client_limit_period(text, text, timestamptz) is
  'The local day | week (Monday to Sunday, ISO) | month of time zone p_timezone containing p_at, as a range of instants.';

revoke all on function private.client_limit_period(text, text, timestamptz) from public, anon, authenticated;
grant execute on function private.client_limit_period(text, text, timestamptz) to service_role;

create or replace function private.client_full_periods(
  p_service public.services,
  p_client_id uuid,
  p_window tstzrange,
  p_exclude_booking_id uuid default null
)
returns table (period tstzrange, booked integer)
language sql
stable
security definer
set search_path = ''
as $$
  select f.period, f.booked
  from (
    select private.client_limit_period(p_service.max_bookings_per_client_period, o.timezone, b.start_time) as period,
           count(*)::integer as booked
    from public.organizations as o
    join public.bookings as b
      on b.client_id = p_client_id
     and b.service_id = p_service.id
     and b.status in ('pending', 'confirmed', 'completed', 'no_show')
     and b.id is distinct from p_exclude_booking_id
     -- a month reaches at most 31 days around the window (bookings_client_id_start_time_idx)
     and b.start_time >= lower(p_window) - interval '32 days'
     and b.start_time < upper(p_window) + interval '32 days'
    where o.id = p_service.organization_id
      and p_service.max_bookings_per_client is not null
    group by 1
    having count(*) >= p_service.max_bookings_per_client
  ) as f
  where f.period && p_window
$$;

comment on function private.client_full_periods(public.services, uuid, tstzrange, uuid) is
  'Periods (services.max_bookings_per_client_period, organization time zone) overlapping p_window in which the client already holds max_bookings_per_client live bookings of the service (optionally ignoring one booking); none when the service has no limit. The client limit rule, set-based.';

revoke all on function private.client_full_periods(public.services, uuid, tstzrange, uuid) from public, anon, authenticated;
grant execute on function private.client_full_periods(public.services, uuid, tstzrange, uuid) to service_role;

create or replace function private.assert_client_limit(
  p_service public.services,
  p_client_id uuid,
  p_starts_at timestamptz,
  p_exclude_booking_id uuid default null,
  p_hint text default 'p_starts_at'
)
returns void
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_full record;
  v_tz text;
begin
  if p_service.max_bookings_per_client is null then
    return;
  end if;
  -- concurrent bookings of one client for one service count one after the other
  perform pg_catalog.pg_advisory_xact_lock(
    pg_catalog.hashtextextended('sessionkit.client_limit:' || p_client_id::text || ':' || p_service.id::text, 0)
  );
  select f.* into v_full
  from private.client_full_periods(p_service, p_client_id, tstzrange(p_starts_at, p_starts_at, '[]'), p_exclude_booking_id) as f;
  if v_full.period is not null then
    select o.timezone into v_tz from public.organizations as o where o.id = p_service.organization_id;
    perform private.raise_error(
      'CLIENT_LIMIT_REACHED',
      format('"%s" can be booked at most %s times per %s by each client; the client already has %s in the %s from %s.',
             p_service.name, p_service.max_bookings_per_client, p_service.max_bookings_per_client_period,
             v_full.booked, p_service.max_bookings_per_client_period,
             to_char(lower(v_full.period) at time zone v_tz, 'YYYY-MM-DD')),
      p_hint
    );
  end if;
end
$$;

comment on function private.assert_client_limit(public.services, uuid, timestamptz, uuid, text) is
  'CLIENT_LIMIT_REACHED (PT422, hint p_hint) when the client already holds services.max_bookings_per_client live bookings of the service in the local period containing p_starts_at (ignoring p_exclude_booking_id, a booking being moved). Takes a transaction lock per (client, service) first, so concurrent bookings count one after the other. No-op without a limit.';

revoke all on function private.assert_client_limit(public.services, uuid, timestamptz, uuid, text) from public, anon, authenticated;
grant execute on function private.assert_client_limit(public.services, uuid, timestamptz, uuid, text) to service_role;
