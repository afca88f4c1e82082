-- private.add_local_days: n calendar days later in a time zone, at the same wall-clock time.
-- `timestamptz + interval 'n days'` counts days in the session's TimeZone, so the result
-- depended on who called (an hour apart across a DST change between a UTC session and a
-- Berlin one); this counts them in the time zone given (an organization's), whoever calls.
-- Plain SQL, no SET clause: the planner inlines it.

create or replace function private.add_local_days(p_at timestamptz, p_days integer, p_timezone text)
returns timestamptz
language sql
immutable
parallel safe
as $$
  select ((p_at at time zone p_timezone) + pg_catalog.make_interval(days => p_days)) at time zone p_timezone
$$;

comment on function private.add_local_days(timestamptz, integer, text) is
  'p_at plus p_days calendar days in time zone p_timezone (same local wall-clock time across DST changes), independent of the session''s TimeZone.';

revoke all on function private.add_local_days(timestamptz, integer, text) from public, anon;
grant execute on function private.add_local_days(timestamptz, integer, text) to authenticated, service_role;
