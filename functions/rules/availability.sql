-- Booking rule availability (registry: functions/rules/registry.sql): a 1-to-1 session lies
-- inside the provider's availability - weekly rules, date overrides, minus time off - as
-- private.provider_availability defines it (organization time zone, DST-correct).
--
-- Set-based and cheap for many candidates: a candidate with no exception on or next to its days
-- that one weekly rule covers is available (that is what private.provider_availability answers
-- for it, without building the multirange); the others are decided by
-- private.provider_availability, computed once per provider over all of its candidates' days.

create or replace function private.rule_availability(p_candidates private.booking_candidate[], p_together boolean)
returns table (n integer, code text, detail text, hint text)
language sql
stable
as $$
  with candidates as (
    select
      c.n,
      c.organization_id,
      c.provider_id,
      c.starts_at,
      c.ends_at,
      d.first_day,
      d.last_day,
      (
        not exists (
          select 1
          from public.specialist_availability_exceptions as e
          where e.organization_id = c.organization_id
            and e.specialist_id = c.provider_id
            and e.exception_date between d.first_day - 1 and d.last_day + 1
        )
        and exists (
          select 1
          from public.availability_rules as ar
          where ar.organization_id = c.organization_id
            and ar.provider_id = c.provider_id
            and ar.weekday = extract(dow from d.first_day)::integer
            and (ar.valid_from is null or d.first_day >= ar.valid_from)
            and (ar.valid_until is null or d.first_day <= ar.valid_until)
            and (d.first_day + ar.start_time) at time zone coalesce(ar.timezone, o.timezone) <= c.starts_at
            and (d.first_day + ar.end_time) at time zone coalesce(ar.timezone, o.timezone) >= c.ends_at
        )
      ) as one_rule_covers
    from unnest(p_candidates) as c
    join public.organizations as o on o.id = c.organization_id
    cross join lateral (
      select (c.starts_at at time zone o.timezone)::date as first_day,
             (c.ends_at at time zone o.timezone)::date as last_day
      offset 0
    ) as d
    where c.purpose = any (private.rule_purposes('availability'))
      and c.starts_at is not null
      and c.ends_at is not null
  ),
  -- the rest: the provider's availability over all of their undecided candidates' days, once
  availability as materialized (
    select
      g.organization_id,
      g.provider_id,
      private.provider_availability(g.organization_id, g.provider_id, g.first_day, g.last_day) as free
    from (
      select x.organization_id, x.provider_id, min(x.first_day) as first_day, max(x.last_day) as last_day
      from candidates as x
      where not x.one_rule_covers
      group by x.organization_id, x.provider_id
    ) as g
  )
  select
    x.n,
    'OUTSIDE_AVAILABILITY',
    'The provider is not available at that time (working hours, time off or exceptions).',
    'starts_at'
  from candidates as x
  join availability as a
    on a.organization_id = x.organization_id
   and a.provider_id = x.provider_id
  where not x.one_rule_covers
    and not (a.free @> tstzrange(x.starts_at, x.ends_at))
$$;

comment on function private.rule_availability(private.booking_candidate[], boolean) is
  'Rule availability: OUTSIDE_AVAILABILITY unless [starts_at, ends_at) lies inside private.provider_availability of the provider in the organization (one covering weekly rule without nearby exceptions decides it directly).';

revoke all on function private.rule_availability(private.booking_candidate[], boolean) from public, anon, authenticated;
grant execute on function private.rule_availability(private.booking_candidate[], boolean) to service_role;
