-- Booking rule treatment_order (registry: functions/rules/registry.sql; seed 004): a session of a
-- treatment keeps its place - never before the end of the previous live session, at least the
-- service's gap (session_buffer_config, private.treatment_gap_days) after it in local days, and
-- the same before the next live session. Live = pending, confirmed or completed; the booking being
-- moved (exclude_booking_id) does not count. Callers hold the treatment's booking rows (select
-- ... for update, in id order).

create or replace function private.rule_treatment_order(p_candidates private.booking_candidate[], p_together boolean)
returns table (n integer, code text, detail text, hint text)
language sql
stable
as $$
  select
    c.n,
    'TREATMENT_BUFFER_NOT_MET',
    case when bounds.before_previous
         then format('Session %s must be at least %s days after session %s: on %s or later.',
                     c.session_number, bounds.gap_after_previous, prev.session_number, bounds.earliest_day)
         else format('Session %s must be at least %s days before session %s: on %s or earlier.',
                     c.session_number, bounds.gap_before_next, nxt.session_number, bounds.latest_day) end,
    'starts_at'
  from unnest(p_candidates) as c
  cross join lateral (
    select sv.session_buffer_config as config, o.timezone as tz
    from public.bookings as b
    join public.services as sv on sv.id = b.service_id
    join public.organizations as o on o.id = b.organization_id
    where b.session_group_id = c.session_group_id
    order by b.session_number, b.created_at
    limit 1
  ) as g
  left join lateral (
    select b.session_number, b.start_time, b.end_time
    from public.bookings as b
    where b.session_group_id = c.session_group_id
      and b.session_number < c.session_number
      and b.status in ('pending', 'confirmed', 'completed')
      and b.id is distinct from c.exclude_booking_id
    order by b.session_number desc
    limit 1
  ) as prev on true
  left join lateral (
    select b.session_number, b.start_time
    from public.bookings as b
    where b.session_group_id = c.session_group_id
      and b.session_number > c.session_number
      and b.status in ('pending', 'confirmed', 'completed')
      and b.id is distinct from c.exclude_booking_id
    order by b.session_number
    limit 1
  ) as nxt on true
  cross join lateral (
    select
      private.treatment_gap_days(g.config, c.session_number - 1) as gap_after_previous,
      (prev.start_time at time zone g.tz)::date + private.treatment_gap_days(g.config, c.session_number - 1) as earliest_day,
      private.treatment_gap_days(g.config, c.session_number) as gap_before_next,
      (nxt.start_time at time zone g.tz)::date - private.treatment_gap_days(g.config, c.session_number) as latest_day,
      prev.session_number is not null
        and (c.starts_at < prev.end_time
             or (c.starts_at at time zone g.tz)::date
                < (prev.start_time at time zone g.tz)::date + private.treatment_gap_days(g.config, c.session_number - 1))
        as before_previous,
      nxt.session_number is not null
        and (c.starts_at >= nxt.start_time
             or (c.starts_at at time zone g.tz)::date
                > (nxt.start_time at time zone g.tz)::date - private.treatment_gap_days(g.config, c.session_number))
        as after_next
  ) as bounds
  where c.purpose = any (private.rule_purposes('treatment_order'))
    and c.session_group_id is not null
    and c.starts_at is not null
    and (bounds.before_previous or bounds.after_next)
$$;

comment on function private.rule_treatment_order(private.booking_candidate[], boolean) is
  'Rule treatment_order: TREATMENT_BUFFER_NOT_MET unless session session_number of the treatment session_group_id, starting at starts_at, stays after the previous live session and before the next one with the service''s gaps (organization-local days); exclude_booking_id = the booking being moved.';

revoke all on function private.rule_treatment_order(private.booking_candidate[], boolean) from public, anon, authenticated;
grant execute on function private.rule_treatment_order(private.booking_candidate[], boolean) to service_role;
