-- Booking rule organization_open (registry: functions/rules/registry.sql; issue 14): nothing of
-- an organization takes place while it is closed (organization_closures: holidays, a studio
-- closed for a day or part of one). Every provider of the organization is blocked in slot search
-- and every booking path; the detail names the closure in the organization's local time.

create or replace function private.rule_organization_open(p_candidates private.booking_candidate[], p_together boolean)
returns table (n integer, code text, detail text, hint text)
language sql
stable
as $$
  select
    c.n,
    'ORGANIZATION_CLOSED',
    format('The organization is closed from %s to %s (%s): %s.',
           to_char(cl.starts_at at time zone o.timezone, 'YYYY-MM-DD HH24:MI'),
           to_char(cl.ends_at at time zone o.timezone, 'YYYY-MM-DD HH24:MI'),
           o.timezone, cl.reason),
    case when c.purpose in ('join', 'wait') then 'service_session_id' else 'starts_at' end
  from unnest(p_candidates) as c
  join public.organizations as o on o.id = c.organization_id
  cross join lateral (
    select x.starts_at, x.ends_at, x.reason
    from public.organization_closures as x
    where x.organization_id = c.organization_id
      and tstzrange(x.starts_at, x.ends_at) && tstzrange(c.starts_at, c.ends_at)
    order by x.starts_at
    limit 1
  ) as cl
  where c.purpose = any (private.rule_purposes('organization_open'))
    and c.starts_at is not null
    and c.ends_at is not null
$$;

comment on function private.rule_organization_open(private.booking_candidate[], boolean) is
  'Rule organization_open: ORGANIZATION_CLOSED when [starts_at, ends_at) overlaps a closure of the organization (the first one, named in the organization''s local time with its reason).';

revoke all on function private.rule_organization_open(private.booking_candidate[], boolean) from public, anon, authenticated;
grant execute on function private.rule_organization_open(private.booking_candidate[], boolean) to service_role;
