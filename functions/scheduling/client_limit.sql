-- The per-client booking limit (issue 14): services.max_bookings_per_client live bookings of the
-- service per client and local day | week (Monday to Sunday) | month of the organization. The
-- rule is the booking rule client_limit (functions/rules/client_limit.sql); here:
--   private.client_limit_period(period, tz, at)   the local period containing a moment;
--   private.lock_client_limit(service, client)    the lock writers take before asking the rule.
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

create or replace function private.lock_client_limit(p_service_id uuid, p_client_id uuid)
returns void
language sql
security definer
set search_path = ''
as $$
  -- concurrent bookings of one client for one limited service count one after the other
  select pg_catalog.pg_advisory_xact_lock(
    pg_catalog.hashtextextended('sessionkit.client_limit:' || p_client_id::text || ':' || p_service_id::text, 0)
  )
  from public.services as sv
  where sv.id = p_service_id
    and sv.max_bookings_per_client is not null
    and p_client_id is not null
$$;

comment on function private.lock_client_limit(uuid, uuid) is
  'Serialises the bookings of one client for one service with a per-client limit until the end of the transaction (advisory lock; nothing for a service without a limit): writers take it before asking the booking rule client_limit.';

revoke all on function private.lock_client_limit(uuid, uuid) from public, anon, authenticated;
grant execute on function private.lock_client_limit(uuid, uuid) to service_role;
