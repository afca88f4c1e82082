-- Booking rule free_time (registry: functions/rules/registry.sql): a person's time is one
-- calendar across organizations, but only what they agreed to. A new (or moved) session [s, e)
-- with buffers (b, a) conflicts with a busy range [S, E) with buffers (B, A) iff [s, e) overlaps
-- [S - greatest(B, a), E + greatest(A, b)): buffers keep other sessions out but may overlap each
-- other. Busy are:
--   * the provider's non-cancelled sessions in every organization where they hold an accepted
--     provider-capable membership (a bounded range of the (provider, start) index: buffers and
--     sessions last at most a day), but not the session moved;
--   * legacy 1-to-1 bookings not yet linked to a service session;
--   * the occurrences the provider's recurring series hold (private.series_holds), but not those
--     of the candidate's own series (recurring_booking_id);
--   * together: the provider's candidates that start before it in the same call.

create or replace function private.rule_free_time(p_candidates private.booking_candidate[], p_together boolean)
returns table (n integer, code text, detail text, hint text)
language sql
stable
as $$
  with candidates as (
    select
      c.n,
      c.provider_id,
      c.starts_at,
      c.ends_at,
      c.exclude_session_id,
      c.recurring_booking_id,
      coalesce(sv.buffer_before_minutes, 0) as before_minutes,
      coalesce(sv.buffer_after_minutes, 0) as after_minutes
    from unnest(p_candidates) as c
    left join public.services as sv on sv.id = c.service_id
    where c.purpose = any (private.rule_purposes('free_time'))
      and c.starts_at is not null
      and c.ends_at is not null
  ),
  holds as materialized (
    select h.recurring_booking_id, h.provider_id, h.starts_at, h.ends_at, h.buffer_before_minutes, h.buffer_after_minutes
    from private.series_holds(
      (select array_agg(distinct x.provider_id) from candidates as x),
      (select tstzrange(min(x.starts_at) - interval '1 day', max(x.ends_at) + interval '1 day') from candidates as x)
    ) as h
  ),
  ordered as (
    select
      x.*,
      -- together: the latest end (plus its buffer) of the provider's candidates starting earlier
      max(x.ends_at + pg_catalog.make_interval(mins => x.after_minutes)) over earlier as earlier_padded_end,
      max(x.ends_at) over earlier as earlier_end
    from candidates as x
    window earlier as (partition by x.provider_id order by x.starts_at, x.n rows between unbounded preceding and 1 preceding)
  )
  -- (one branch per kind of busy time, each a join the planner can run set-based)
  select x.n, 'SLOT_TAKEN', 'The provider already has a session at that time.', 'starts_at'
  from (
    select o.n
    from ordered as o
    where p_together
      and (o.starts_at < o.earlier_padded_end
           or o.starts_at < o.earlier_end + pg_catalog.make_interval(mins => o.before_minutes))
    union
    select o.n
    from candidates as o
    where exists (
      select 1
      from public.service_sessions as ss
      left join public.services as ssv on ssv.id = ss.service_id
      where ss.provider_id = o.provider_id
        and ss.status <> 'cancelled'
        -- buffers are at most a day and sessions last at most a day (service_sessions_length_check):
        -- a bounded range of the (provider, start) index
        and ss.starts_at > o.starts_at - interval '2 days'
        and ss.starts_at < o.ends_at + interval '1 day'
        and ss.ends_at > o.starts_at - interval '1 day'
        and ss.id is distinct from o.exclude_session_id
        and tstzrange(o.starts_at, o.ends_at) && tstzrange(
              ss.starts_at - pg_catalog.make_interval(mins => greatest(coalesce(ssv.buffer_before_minutes, 0), o.after_minutes)),
              ss.ends_at + pg_catalog.make_interval(mins => greatest(coalesce(ssv.buffer_after_minutes, 0), o.before_minutes)))
        and exists (
          select 1
          from private.provider_memberships() as m
          where m.organization_id = ss.organization_id and m.user_id = o.provider_id
        )
    )
    union
    select o.n
    from candidates as o
    where exists (
      select 1
      from public.bookings as b
      left join public.services as bsv on bsv.id = b.service_id
      where b.provider_id = o.provider_id
        and b.service_session_id is null
        and b.status in ('pending', 'confirmed')
        and b.start_time < o.ends_at + interval '1 day'
        and b.end_time > o.starts_at - interval '1 day'
        and tstzrange(o.starts_at, o.ends_at) && tstzrange(
              b.start_time - pg_catalog.make_interval(mins => greatest(coalesce(bsv.buffer_before_minutes, 0), o.after_minutes)),
              b.end_time + pg_catalog.make_interval(mins => greatest(coalesce(bsv.buffer_after_minutes, 0), o.before_minutes)))
        and exists (
          select 1
          from private.provider_memberships() as m
          where m.organization_id = b.organization_id and m.user_id = o.provider_id
        )
    )
    union
    select o.n
    from candidates as o
    join holds as h
      on h.provider_id = o.provider_id
     and h.recurring_booking_id is distinct from o.recurring_booking_id
     and tstzrange(o.starts_at, o.ends_at) && tstzrange(
           h.starts_at - pg_catalog.make_interval(mins => greatest(h.buffer_before_minutes, o.after_minutes)),
           h.ends_at + pg_catalog.make_interval(mins => greatest(h.buffer_after_minutes, o.before_minutes)))
  ) as x
$$;

comment on function private.rule_free_time(private.booking_candidate[], boolean) is
  'Rule free_time: SLOT_TAKEN when [starts_at, ends_at) with the service''s buffers collides with the provider''s sessions (every organization where their provider membership is accepted; not exclude_session_id), legacy unlinked bookings, series holds (not the candidate''s own series, recurring_booking_id) or, together, the provider''s candidates starting earlier.';

revoke all on function private.rule_free_time(private.booking_candidate[], boolean) from public, anon, authenticated;
grant execute on function private.rule_free_time(private.booking_candidate[], boolean) to service_role;
