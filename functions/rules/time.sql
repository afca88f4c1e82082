-- Booking rules about when: not in the past, the service's notice and booking window, and the
-- late-cancellation window that stops a client moving a booking (registry: functions/rules/registry.sql).
-- A candidate without a start (a probe) is not asked about time.

create or replace function private.rule_not_in_past(p_candidates private.booking_candidate[], p_together boolean)
returns table (n integer, code text, detail text, hint text)
language sql
stable
as $$
  select
    c.n,
    'BOOKING_IN_PAST',
    case when c.purpose = 'schedule' then 'A session cannot be scheduled in the past.'
         else 'The session starts in the past.' end,
    'starts_at'
  from unnest(p_candidates) as c
  where c.purpose = any (private.rule_purposes('not_in_past'))
    and c.starts_at <= pg_catalog.now()
$$;

comment on function private.rule_not_in_past(private.booking_candidate[], boolean) is
  'Rule not_in_past: BOOKING_IN_PAST when the session starts now or earlier.';

create or replace function private.rule_min_notice(p_candidates private.booking_candidate[], p_together boolean)
returns table (n integer, code text, detail text, hint text)
language sql
stable
as $$
  select
    c.n,
    'TOO_LATE_TO_BOOK',
    format('This service must be booked at least %s minutes before it starts.', sv.min_notice_minutes),
    'starts_at'
  from unnest(p_candidates) as c
  join public.services as sv on sv.id = c.service_id
  where c.purpose = any (private.rule_purposes('min_notice'))
    and c.starts_at < pg_catalog.now() + pg_catalog.make_interval(mins => sv.min_notice_minutes)
$$;

comment on function private.rule_min_notice(private.booking_candidate[], boolean) is
  'Rule min_notice: TOO_LATE_TO_BOOK when the start is closer than the service''s min_notice_minutes.';

create or replace function private.rule_booking_window(p_candidates private.booking_candidate[], p_together boolean)
returns table (n integer, code text, detail text, hint text)
language sql
stable
as $$
  select
    c.n,
    'OUTSIDE_BOOKING_WINDOW',
    format('This service can be booked at most %s days ahead.', sv.max_advance_days),
    'starts_at'
  from unnest(p_candidates) as c
  join public.services as sv on sv.id = c.service_id
  where c.purpose = any (private.rule_purposes('booking_window'))
    and sv.max_advance_days is not null
    and c.starts_at > pg_catalog.now() + pg_catalog.make_interval(days => sv.max_advance_days)
$$;

comment on function private.rule_booking_window(private.booking_candidate[], boolean) is
  'Rule booking_window: OUTSIDE_BOOKING_WINDOW when the start is further ahead than the service''s max_advance_days.';

create or replace function private.rule_reschedule_window(p_candidates private.booking_candidate[], p_together boolean)
returns table (n integer, code text, detail text, hint text)
language sql
stable
as $$
  -- moving must not turn a late cancellation into an early one: a client (not staff) cannot move
  -- a booking whose current start is inside the late-cancellation window
  select
    c.n,
    'TOO_LATE_TO_RESCHEDULE',
    format('This booking starts at %s: a client can move it only until %s hours before (the late-cancellation window). Ask the provider, or cancel it.',
           x.current_starts_at, coalesce(os.cancellation_notice_hours, 24)),
    'booking_id'
  from unnest(p_candidates) as c
  join public.bookings as b on b.id = c.exclude_booking_id
  left join public.service_sessions as ss on ss.id = b.service_session_id
  left join public.organization_settings as os on os.organization_id = b.organization_id
  cross join lateral (select coalesce(ss.starts_at, b.start_time) as current_starts_at) as x
  where c.purpose = any (private.rule_purposes('reschedule_window'))
    and not coalesce(c.acting_as_staff, false)
    and private.in_late_cancellation_window(b.organization_id, x.current_starts_at)
$$;

comment on function private.rule_reschedule_window(private.booking_candidate[], boolean) is
  'Rule reschedule_window: TOO_LATE_TO_RESCHEDULE (hint booking_id) when a client (not staff) moves a booking whose current start is inside the late-cancellation window (private.in_late_cancellation_window).';

revoke all on function private.rule_not_in_past(private.booking_candidate[], boolean) from public, anon, authenticated;
revoke all on function private.rule_min_notice(private.booking_candidate[], boolean) from public, anon, authenticated;
revoke all on function private.rule_booking_window(private.booking_candidate[], boolean) from public, anon, authenticated;
revoke all on function private.rule_reschedule_window(private.booking_candidate[], boolean) from public, anon, authenticated;
grant execute on function private.rule_not_in_past(private.booking_candidate[], boolean) to service_role;
grant execute on function private.rule_min_notice(private.booking_candidate[], boolean) to service_role;
grant execute on function private.rule_booking_window(private.booking_candidate[], boolean) to service_role;
grant execute on function private.rule_reschedule_window(private.booking_candidate[], boolean) to service_role;
