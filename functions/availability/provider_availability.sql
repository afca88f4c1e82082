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
  'When the provider is available in the organization between local dates p_from and p_to (inclusive): weekly rules, date overrides (is_available = true) and blocking exceptions (all-day and partial), as a tstzmultirange. Sessions are not subtracted (the booking rule free_time looks at them).';

revoke all on function private.provider_availability(uuid, uuid, date, date) from public, anon, authenticated;
grant execute on function private.provider_availability(uuid, uuid, date, date) to service_role;
