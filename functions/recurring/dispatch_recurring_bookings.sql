-- dispatch_recurring_bookings: the daily job (pg_cron, see 20261124030500) that turns recurring
-- series into bookings. service_role only.
--
-- For every active series with next_booking_date <= p_run_date, every occurrence from
-- next_booking_date up to p_run_date (and end_date) is handled once:
--   * starts in the past (local_time in the series' time zone on that date)  -> skipped, counted;
--   * already has its booking (unique (recurring_booking_id, recurring_occurrence_date))
--                                                                             -> counted, left alone;
--   * otherwise booked under the booking core's rules (booking window, closures, availability,
--     exceptions, buffers, daily limit, the client's limit per period, credits); a failure is reported in errors[] with its
--     contract code and an outbox event recurring_booking.occurrence_failed, and never stops
--     the other series.
-- Occurrences the parties skipped (recurring_booking_exceptions) are not booked; moved ones are
-- booked at their new time, claimed from that table when the earlier of their regular and their
-- new local date comes due; a failure is recorded there too (the series' schedule shows it).
-- Every claimed series then advances past p_run_date (+7, +14 days, +1 month on the anchor
-- day), records last_generated_date, and is deactivated once the next occurrence is past end_date.
-- Catch-up: after missed runs one call handles every occurrence due since next_booking_date
-- (past ones skipped); a run date ahead of today books ahead (at most two years).
--
-- How it stays fast (100,000 due series in one run) and exactly as strict as the booking core
-- (private.create_individual_booking):
--   1. one statement claims the due series (for update skip locked: concurrent dispatchers
--      split the work, never share it) and advances them; p_shard of p_shards takes only the
--      series of the providers hashed to it, so shards running at once (the pg_cron jobs) never
--      contend for a provider;
--   2. one statement computes the occurrences and decides, set-based, which of them certainly
--      pass every rule of the booking core ('fast'); the locks the booking core would take are
--      taken first: the providers' (private.lock_provider, when there are at most 1,000 of
--      them; beyond, the exclusion constraint still refuses overlaps) and the clients' active
--      subscriptions (as the credit trigger does);
--   3. the 'fast' ones are written with four set-based statements (service sessions, bookings,
--      status history, outbox). When the insert triggers of those tables are exactly the ones
--      this function was written against (private.recurring_fast_path_verified()), they are
--      bypassed for these statements (session_replication_role = replica) and their effects
--      written set-based here: participant count, session type, start/end copy, credit
--      (subscription_id of the subscription the credit trigger would pick, balance checked in
--      step 2), status history, booking.created event; foreign keys hold by construction (every
--      referenced row was joined, and the claimed series' row locks hold off the cascades).
--      Otherwise (a trigger changed or was added, or the role may not bypass triggers) the
--      same statements run with every trigger: slower, equally correct;
--   4. everything else (possible conflicts, exceptions on that day, credits running short, an
--      inactive service…) goes one by one through private.create_individual_booking in its own
--      subtransaction, which decides and names the error. If step 3 fails as a whole (a
--      concurrent booking won a race), it is rolled back and its rows take this path too.
-- The set-based test is deliberately conservative: anything it is unsure about takes the exact
-- path. `set sessionkit.recurring_fast_path = off` sends every occurrence through the exact
-- path (the tests compare both).

create or replace function public.dispatch_recurring_bookings(
  p_run_date date default current_date,
  p_shard integer default 0,
  p_shards integer default 1
)
returns jsonb
language plpgsql
security definer
set search_path = ''
set jit = off
-- the decision sorts and hashes ~100,000 wide rows: in memory instead of spilling to disk
set work_mem = '64MB'
as $$
declare
  c_max_provider_locks constant integer := 1000;
  v_fast_enabled boolean := coalesce(nullif(current_setting('sessionkit.recurring_fast_path', true), ''), 'on') <> 'off';
  v_bypass boolean := false;
  v_replication_role text := current_setting('session_replication_role');
  v_uid uuid := (select auth.uid());
  -- claimed series
  v_ids uuid[];
  v_from date[];
  v_to date[];
  v_providers uuid[];
  v_orgs uuid[];
  v_first_at timestamptz;
  v_last_at timestamptz;
  v_series integer := 0;
  v_deactivated integer := 0;
  -- moved occurrences that came due (recurring_booking_exceptions)
  v_moved_ids uuid[];
  v_moved_dates date[];
  v_moved_providers uuid[];
  v_moved_orgs uuid[];
  v_moved_first timestamptz;
  v_moved_last timestamptz;
  v_skipped_on_request integer := 0;
  -- occurrences, as parallel arrays
  w_rid uuid[];
  w_day date[];
  w_org uuid[];
  w_client uuid[];
  w_provider uuid[];
  w_service uuid[];
  w_type uuid[];
  w_starts timestamptz[];
  w_ends timestamptz[];
  w_price numeric[];
  w_sub uuid[];
  w_state text[];
  w_session uuid[];
  w_booking uuid[];
  v_already integer := 0;
  v_skipped integer := 0;
  v_fast_count integer := 0;
  v_set_based integer := 0;
  v_booked uuid[] := '{}'::uuid[];
  v_errors jsonb := '[]'::jsonb;
  v_error_count integer := 0;
  v_booking public.bookings;
  v_candidate private.booking_candidate;
  v_code text;
  v_detail text;
  v_sqlstate text;
  v_fast_failure text;
  v_status text;
  v_message text;
begin
  if not private.is_service_call() then
    perform private.raise_error('FORBIDDEN', 'Only the scheduler (service_role) dispatches recurring bookings.');
  end if;
  if p_run_date is null then
    perform private.raise_error('INVALID_REQUEST', 'A run date is required.', 'p_run_date');
  end if;
  perform private.require_sane_timestamp(p_run_date::timestamptz, 'p_run_date');
  if p_shards is null or p_shards < 1 or p_shards > 64 then
    perform private.raise_error('INVALID_REQUEST', 'p_shards must be between 1 and 64.', 'p_shards');
  end if;
  if p_shard is null or p_shard < 0 or p_shard >= p_shards then
    perform private.raise_error('INVALID_REQUEST', 'p_shard must be between 0 and p_shards - 1.', 'p_shard');
  end if;
  if p_run_date > current_date + 731 then
    perform private.raise_error('INVALID_REQUEST', 'The run date may be at most two years ahead.', 'p_run_date');
  end if;

  -- 1. claim and advance ------------------------------------------------------------------
  -- moved occurrences (recurring_booking_exceptions) come due on the earlier of their regular
  -- and their new local date: claimed like the series (skip locked, the series row too, so an
  -- edit of the series in progress keeps them for the next run) and marked handled before they
  -- are booked, so their own hold never blocks them. Claimed first: a series the claim below
  -- ends (past end_date) still books a last occurrence moved beyond its end.
  with due_moves as (
    select x.ctid as row_id, r.specialist_id, r.organization_id
    from public.recurring_booking_exceptions as x
    join public.recurring_bookings as r
      on r.organization_id = x.organization_id
     and r.id = x.recurring_booking_id
    where x.kind = 'moved'
      and x.dispatched_on is null
      and r.is_active
      and least(x.occurrence_date, (x.starts_at at time zone r.timezone)::date) <= p_run_date
      and private.recurring_is_occurrence(r.start_date, r.frequency, x.occurrence_date)
      and (r.end_date is null or x.occurrence_date <= r.end_date)
      and (p_shards = 1 or abs(hashtextextended(r.specialist_id::text, 0)) % p_shards = p_shard)
    for no key update of x, r skip locked
  ),
  marked as (
    update public.recurring_booking_exceptions as x
    set dispatched_on = p_run_date
    from due_moves as d
    where x.ctid = d.row_id
    returning x.recurring_booking_id, x.occurrence_date, x.starts_at, d.specialist_id, d.organization_id
  )
  select
    coalesce(array_agg(m.recurring_booking_id), '{}'),
    coalesce(array_agg(m.occurrence_date), '{}'),
    coalesce(array_agg(distinct m.specialist_id), '{}'),
    coalesce(array_agg(distinct m.organization_id), '{}'),
    min(m.starts_at) - interval '2 days',
    max(m.starts_at) + interval '3 days'
  into v_moved_ids, v_moved_dates, v_moved_providers, v_moved_orgs, v_moved_first, v_moved_last
  from marked as m;

  with due as (
    select
      r.ctid as row_id,
      r.id,
      r.specialist_id,
      r.next_booking_date as from_date,
      least(p_run_date, coalesce(r.end_date, p_run_date)) as to_date,
      private.recurring_last_occurrence(
        r.start_date, r.frequency, r.next_booking_date, least(p_run_date, coalesce(r.end_date, p_run_date))
      ) as last_date
    from public.recurring_bookings as r
    where r.is_active
      and r.next_booking_date <= p_run_date
      -- shards by provider: every provider (its locks, its sessions, its calendar row) belongs
      -- to exactly one shard, so concurrent shards never wait for each other's provider locks
      and (p_shards = 1 or abs(hashtextextended(r.specialist_id::text, 0)) % p_shards = p_shard)
    for no key update skip locked
  ),
  advanced as (
    update public.recurring_bookings as r
    set next_booking_date = coalesce(private.recurring_next_date(r.start_date, r.frequency, d.last_date), r.next_booking_date),
        last_generated_date = coalesce(d.last_date, r.last_generated_date),
        -- nothing left before end_date, or the next occurrence is past it: the series is over
        is_active = d.last_date is not null
          and (r.end_date is null or private.recurring_next_date(r.start_date, r.frequency, d.last_date) <= r.end_date)
    from due as d
    where r.ctid = d.row_id
    returning r.id, r.organization_id, d.specialist_id, d.from_date, d.to_date, d.last_date, r.is_active
  )
  select
    coalesce(array_agg(a.id) filter (where a.last_date is not null), '{}'),
    coalesce(array_agg(a.from_date) filter (where a.last_date is not null), '{}'),
    coalesce(array_agg(a.to_date) filter (where a.last_date is not null), '{}'),
    coalesce(array_agg(distinct a.specialist_id) filter (where a.last_date is not null), '{}'),
    coalesce(array_agg(distinct a.organization_id) filter (where a.last_date is not null), '{}'),
    -- generous bounds around every session the overlap probe below may look at (local dates
    -- are within 14 hours of UTC, sessions and buffers last at most a day each, the probe
    -- widens by a day)
    (min(a.from_date) - 3)::timestamp at time zone 'UTC',
    (max(a.to_date) + 5)::timestamp at time zone 'UTC',
    count(*)::integer,
    (count(*) filter (where not a.is_active))::integer
  into v_ids, v_from, v_to, v_providers, v_orgs, v_first_at, v_last_at, v_series, v_deactivated
  from advanced as a;

  if cardinality(v_moved_ids) > 0 then
    v_providers := array(select distinct p.id from unnest(v_providers || v_moved_providers) as p (id));
    v_orgs := array(select distinct o.id from unnest(v_orgs || v_moved_orgs) as o (id));
    v_first_at := least(v_first_at, v_moved_first);
    v_last_at := greatest(v_last_at, v_moved_last);
  end if;

  -- occurrences the parties skipped: not booked, counted
  select count(*)::integer into v_skipped_on_request
  from unnest(v_ids, v_from, v_to) as c (id, from_date, to_date)
  join public.recurring_bookings as r on r.id = c.id
  join public.recurring_booking_exceptions as x
    on x.organization_id = r.organization_id
   and x.recurring_booking_id = r.id
   and x.kind = 'skipped'
   and x.occurrence_date between c.from_date and c.to_date
  where private.recurring_is_occurrence(r.start_date, r.frequency, x.occurrence_date);

  -- 2. occurrences and the set-based test ----------------------------------------------------
  -- the booking core's provider locks, in a fixed order (no deadlock between dispatchers);
  -- beyond c_max_provider_locks they would crowd the lock table: the exclusion constraint
  -- (overlaps) and the exact path's own locks remain
  if v_fast_enabled and cardinality(v_providers) <= c_max_provider_locks then
    perform private.lock_provider(p.provider_id)
    from unnest(v_providers) as p (provider_id)
    order by p.provider_id;
  end if;

  -- the credit trigger's lock on each client's active subscription (its balance is read below
  -- and spent in step 3 without the trigger); same order as a booking: provider, then credits
  if v_fast_enabled then
    perform 1
    from public.subscriptions as s
    where s.status = 'active'
      and (s.organization_id, s.client_id) in (
        select r.organization_id, r.user_id from public.recurring_bookings as r where r.id = any (v_ids)
      )
    order by s.id
    for update of s;
  end if;

  with claimed as (
    select c.id, c.from_date, c.to_date
    from unnest(v_ids, v_from, v_to) as c (id, from_date, to_date)
  ),
  orgs as materialized (
    select
      o.id as organization_id,
      o.timezone as org_tz,
      private.applicable_session_type(o.id) as default_type_id,
      coalesce(s.requires_subscription, false) as requires_subscription
    from public.organizations as o
    left join public.organization_settings as s on s.organization_id = o.id
    where o.id = any (v_orgs)
  ),
  -- the organizations' closures around the run (private.organization_closures_within, the
  -- closure rule's source): an occurrence inside one takes the exact path (ORGANIZATION_CLOSED)
  closed as materialized (
    select c.organization_id, range_agg(tstzrange(c.starts_at, c.ends_at)) as periods
    from private.organization_closures_within(v_orgs, tstzrange(v_first_at, v_last_at)) as c
    group by c.organization_id
  ),
  -- providers with any session (or legacy unlinked booking) around the run's occurrences:
  -- only their candidates need the overlap probe below
  busy_providers as materialized (
    select ss.provider_id
    from public.service_sessions as ss
    where ss.provider_id = any (v_providers)
      and ss.status <> 'cancelled'
      and ss.starts_at < v_last_at
      and ss.starts_at > v_first_at - interval '1 day'  -- sessions last at most a day
      and ss.ends_at > v_first_at
    union
    select lb.provider_id
    from public.bookings as lb
    where lb.provider_id = any (v_providers)
      and lb.service_session_id is null
      and lb.status in ('pending', 'confirmed')
      and lb.start_time < v_last_at
      and lb.end_time > v_first_at
  ),
  -- every occurrence with what the rules need, and the rules that need no other new occurrence:
  -- service, people, session type, window, working hours, exceptions, the provider's sessions
  simple as materialized (
    select
      r.id as recurring_id,
      r.occurrence_date,
      r.organization_id,
      r.user_id,
      r.specialist_id,
      r.service_id,
      t.starts_at,
      t.ends_at,
      t.local_day,
      orgs.org_tz,
      orgs.requires_subscription,
      sv.price,
      sv.max_bookings_per_day,
      sv.buffer_before_minutes,
      sv.buffer_after_minutes,
      st.id as type_id,
      t.starts_at <= now() as in_past,
      exists (
        select 1 from public.bookings as b
        where b.recurring_booking_id = r.id
          and b.recurring_occurrence_date = r.occurrence_date
      ) as already_booked,
      (
        v_fast_enabled
        and sv.is_active
        and (sv.provider_id is null or sv.provider_id = r.specialist_id)
        and pm.role in ('owner', 'admin', 'provider')
        and pm.status = 'accepted'
        and cm.role = 'client'
        and cm.status = 'accepted'
        and st.id is not null
        and st.is_active
        and t.starts_at >= now() + make_interval(mins => sv.min_notice_minutes)
        and (sv.max_advance_days is null or t.starts_at <= now() + make_interval(days => sv.max_advance_days))
        -- a closure of the organization, a limit per client: exact path
        and not exists (
          select 1 from closed as cl
          where cl.organization_id = r.organization_id
            and cl.periods && tstzrange(t.starts_at, t.ends_at)
        )
        and sv.max_bookings_per_client is null
        -- one weekly rule covers the whole session (adjacent rules, overrides: exact path)
        and exists (
          select 1
          from public.availability_rules as ar
          where ar.organization_id = r.organization_id
            and ar.provider_id = r.specialist_id
            and ar.weekday = extract(dow from t.local_day)::integer
            and (ar.valid_from is null or t.local_day >= ar.valid_from)
            and (ar.valid_until is null or t.local_day <= ar.valid_until)
            and (t.local_day + ar.start_time) at time zone coalesce(ar.timezone, orgs.org_tz) <= t.starts_at
            and (t.local_day + ar.end_time) at time zone coalesce(ar.timezone, orgs.org_tz) >= t.ends_at
        )
        -- any exception on or next to that day (time off, overrides): exact path
        and not exists (
          select 1
          from public.specialist_availability_exceptions as e
          where e.organization_id = r.organization_id
            and e.specialist_id = r.specialist_id
            and e.exception_date between t.local_day - 1 and t.local_day + 1
        )
        and (
          r.specialist_id not in (select bp.provider_id from busy_providers as bp)
          or (
            -- the provider's sessions, each widened by the larger buffer on either side
            not exists (
              select 1
              from public.service_sessions as ss
              left join public.services as ssv on ssv.id = ss.service_id
              where ss.provider_id = r.specialist_id
                and ss.status <> 'cancelled'
                and ss.starts_at < t.ends_at + interval '1 day'
                and ss.starts_at > t.starts_at - interval '2 days'  -- sessions last at most a day
                and ss.ends_at > t.starts_at - interval '1 day'
                and tstzrange(t.starts_at, t.ends_at) && tstzrange(
                  ss.starts_at - make_interval(mins => greatest(coalesce(ssv.buffer_before_minutes, 0), sv.buffer_after_minutes)),
                  ss.ends_at + make_interval(mins => greatest(coalesce(ssv.buffer_after_minutes, 0), sv.buffer_before_minutes)))
            )
            -- legacy 1-to-1 bookings without a service session still occupy the provider
            and not exists (
              select 1
              from public.bookings as lb
              where lb.provider_id = r.specialist_id
                and lb.service_session_id is null
                and lb.status in ('pending', 'confirmed')
                and lb.start_time < t.ends_at + interval '1 day'
                and lb.end_time > t.starts_at - interval '1 day'
            )
          )
        )
      ) is true as simple_ok
    from (
      select
        r.id, r.organization_id, r.user_id, r.specialist_id, r.service_id, r.local_time, r.timezone,
        o.occurrence_date, null::timestamptz as moved_to
      from claimed as c
      join public.recurring_bookings as r on r.id = c.id
      cross join lateral private.recurring_occurrences(r.start_date, r.frequency, c.from_date, c.to_date)
        as o (occurrence_date)
      -- skipped occurrences are not booked, moved ones not at their regular time
      where not exists (
        select 1
        from public.recurring_booking_exceptions as x
        where x.organization_id = r.organization_id
          and x.recurring_booking_id = r.id
          and x.occurrence_date = o.occurrence_date
          and x.kind in ('skipped', 'moved')
      )
      union all
      -- the moved occurrences claimed above, at their new time
      select
        r.id, r.organization_id, r.user_id, r.specialist_id, r.service_id, r.local_time, r.timezone,
        x.occurrence_date, x.starts_at
      from unnest(v_moved_ids, v_moved_dates) as m (id, occurrence_date)
      join public.recurring_bookings as r on r.id = m.id
      join public.recurring_booking_exceptions as x
        on x.organization_id = r.organization_id
       and x.recurring_booking_id = r.id
       and x.occurrence_date = m.occurrence_date
      offset 0  -- each occurrence date computed once
    ) as r
    join orgs on orgs.organization_id = r.organization_id
    left join public.services as sv on sv.id = r.service_id
    left join public.session_types as st
      on st.id = coalesce(sv.session_type_id, orgs.default_type_id)
     and st.organization_id = r.organization_id
    left join public.organization_members as pm
      on pm.organization_id = r.organization_id and pm.user_id = r.specialist_id
    left join public.organization_members as cm
      on cm.organization_id = r.organization_id and cm.user_id = r.user_id
    cross join lateral (
      select
        coalesce(r.moved_to, (r.occurrence_date + r.local_time) at time zone r.timezone) as starts_at,
        coalesce(r.moved_to, (r.occurrence_date + r.local_time) at time zone r.timezone)
          + make_interval(mins => coalesce(st.duration_minutes, 0)) as ends_at,
        (coalesce(r.moved_to, (r.occurrence_date + r.local_time) at time zone r.timezone) at time zone orgs.org_tz)::date as local_day
      offset 0  -- computed once per occurrence, not inlined into every rule below
    ) as t
  ),
  -- rules between the new occurrences themselves: overlaps (with buffers), daily limits, credits
  -- (one sort here; the daily rank and the client's count below only sort or group the rows
  -- that need them: services with a daily limit, clients with an active subscription)
  batch as (
    select
      s.*,
      -- conservative: the latest padded end of the provider's earlier candidates plus our own
      -- buffer must not reach our start (first come, first served; the others: exact path)
      max(s.ends_at + make_interval(mins => s.buffer_after_minutes)) over (
        partition by s.specialist_id order by s.starts_at, s.recurring_id, s.occurrence_date
        rows between unbounded preceding and 1 preceding
      ) as prev_padded_end
    from simple as s
    where s.simple_ok and not s.in_past and not s.already_booked
  ),
  -- what the providers' other recurring series (not claimed by this run: they were advanced
  -- above) hold around the candidates (private.series_holds, the booking core's own source):
  -- a candidate near one takes the exact path, where private.provider_busy decides
  held as materialized (
    select h.provider_id, h.service_id, h.starts_at, h.ends_at,
           greatest(h.buffer_before_minutes, h.buffer_after_minutes) as buffer_minutes
    from private.series_holds(
      v_providers,
      (select tstzrange(min(b.starts_at) - interval '1 day', max(b.ends_at) + interval '1 day') from batch as b)
    ) as h
  ),
  -- rank of the occurrence among the run's ones of its provider, service and local day (a
  -- partition holds one service, so all or none of its rows have a daily limit)
  day_ranked as (
    select
      b.recurring_id,
      b.occurrence_date,
      row_number() over (
        partition by b.specialist_id, b.service_id, b.local_day order by b.starts_at, b.recurring_id
      ) as day_rank
    from batch as b
    where b.max_bookings_per_day is not null
  ),
  -- the subscription the credit trigger (private.bookings_spend_credit) would pick, per client,
  -- with the number of the client's new bookings in this run
  credit as (
    select distinct on (sub.organization_id, sub.client_id)
      sub.organization_id,
      sub.client_id as user_id,
      sub.id as subscription_id,
      sub.starts_at as sub_starts,
      sub.expires_at as sub_expires,
      sub.total_sessions - private.subscription_credits_used(sub.id) as credits_left,
      count(*) over (partition by sub.organization_id, sub.client_id) as active_count,
      cb.client_batch
    from public.subscriptions as sub
    join (
      select b.organization_id, b.user_id, count(*) as client_batch
      from batch as b
      group by b.organization_id, b.user_id
    ) as cb on cb.organization_id = sub.organization_id and cb.user_id = sub.client_id
    where sub.status = 'active'
    order by sub.organization_id, sub.client_id, sub.starts_at, sub.id
  ),
  decided as (
    select
      b.recurring_id, b.occurrence_date, b.organization_id, b.user_id, b.specialist_id, b.service_id,
      b.type_id, b.starts_at, b.ends_at, b.price, cr.subscription_id,
      case when
        (b.prev_padded_end is null or b.prev_padded_end + make_interval(mins => b.buffer_before_minutes) <= b.starts_at)
        -- conservative: padded by the largest buffer on either side
        and not exists (
          select 1
          from held as hd
          where hd.provider_id = b.specialist_id
            and tstzrange(b.starts_at, b.ends_at) && tstzrange(
              hd.starts_at - make_interval(mins => greatest(hd.buffer_minutes, b.buffer_before_minutes, b.buffer_after_minutes)),
              hd.ends_at + make_interval(mins => greatest(hd.buffer_minutes, b.buffer_before_minutes, b.buffer_after_minutes)))
        )
        and (
          b.max_bookings_per_day is null
          or (
            select count(*)
            from public.service_sessions as dss
            where dss.provider_id = b.specialist_id
              and dss.service_id = b.service_id
              and dss.kind = 'individual'
              and dss.status <> 'cancelled'
              and dss.starts_at >= b.local_day::timestamp at time zone b.org_tz
              and dss.starts_at < (b.local_day + 1)::timestamp at time zone b.org_tz
          ) + (
            -- places other series of the service hold that day
            select count(*)
            from held as dh
            where dh.provider_id = b.specialist_id
              and dh.service_id = b.service_id
              and (dh.starts_at at time zone b.org_tz)::date = b.local_day
          ) + dr.day_rank <= b.max_bookings_per_day
        )
        and (
          -- pay-per-session, or enough credits for every new booking of this client
          (cr.subscription_id is null and not b.requires_subscription)
          or (
            cr.subscription_id is not null
            and cr.active_count = 1
            and b.starts_at >= cr.sub_starts
            and (cr.sub_expires is null or b.starts_at < cr.sub_expires)
            and cr.client_batch <= cr.credits_left
          )
        )
      then 'fast' else 'exact' end as state
    from batch as b
    left join day_ranked as dr on dr.recurring_id = b.recurring_id and dr.occurrence_date = b.occurrence_date
    left join credit as cr on cr.organization_id = b.organization_id and cr.user_id = b.user_id
    union all
    select
      s.recurring_id, s.occurrence_date, s.organization_id, s.user_id, s.specialist_id, s.service_id,
      s.type_id, s.starts_at, s.ends_at, s.price, null::uuid,
      case when s.in_past then 'past' else 'exact' end
    from simple as s
    where not s.already_booked and (s.in_past or not s.simple_ok)
  ),
  ordered as (
    select d.*
    from decided as d
    order by d.starts_at, d.recurring_id, d.occurrence_date
  )
  select
    coalesce(array_agg(o.recurring_id), '{}'),
    coalesce(array_agg(o.occurrence_date), '{}'),
    coalesce(array_agg(o.organization_id), '{}'),
    coalesce(array_agg(o.user_id), '{}'),
    coalesce(array_agg(o.specialist_id), '{}'),
    coalesce(array_agg(o.service_id), '{}'),
    coalesce(array_agg(o.type_id), '{}'),
    coalesce(array_agg(o.starts_at), '{}'),
    coalesce(array_agg(o.ends_at), '{}'),
    coalesce(array_agg(o.price), '{}'),
    coalesce(array_agg(o.subscription_id), '{}'),
    coalesce(array_agg(o.state), '{}'),
    (count(*) filter (where o.state = 'past'))::integer,
    (count(*) filter (where o.state = 'fast'))::integer,
    (select count(*) from simple where simple.already_booked)::integer
  into w_rid, w_day, w_org, w_client, w_provider, w_service, w_type, w_starts, w_ends, w_price, w_sub,
       w_state, v_skipped, v_fast_count, v_already
  from ordered as o;

  -- 3. the certain ones, set-based ---------------------------------------------------------
  if v_fast_count > 0 then
    -- the new rows' ids are time-ordered (private.uuid_generate_v7, as the column defaults) and
    -- handed out in ascending order along the insert order, so every index led by an id (primary
    -- keys, (organization_id, id), bookings by service session, history by booking) grows at its
    -- right edge instead of taking 100,000 inserts all over its pages
    with fast as (
      select x.n, (count(*) filter (where x.state = 'fast') over (order by x.n))::integer as k, x.state = 'fast' as is_fast
      from unnest(w_state) with ordinality as x (state, n)
    ),
    session_ids as (
      select array_agg(g.id order by g.id) as ids
      from (select private.uuid_generate_v7() from generate_series(1, v_fast_count)) as g (id)
    ),
    booking_ids as (
      select array_agg(g.id order by g.id) as ids
      from (select private.uuid_generate_v7() from generate_series(1, v_fast_count)) as g (id)
    )
    select
      array_agg(case when f.is_fast then si.ids[f.k] end order by f.n),
      array_agg(case when f.is_fast then bi.ids[f.k] end order by f.n)
    into w_session, w_booking
    from fast as f, session_ids as si, booking_ids as bi;

    begin
      v_bypass := private.recurring_fast_path_verified();
      if v_bypass then
        begin
          perform set_config('session_replication_role', 'replica', true);
        exception when insufficient_privilege then
          v_bypass := false;  -- this role may not bypass triggers: run them
        end;
      end if;

      -- bypassed triggers: the participant is counted here (else bookings_after_write counts it)
      insert into public.service_sessions
        (id, organization_id, service_id, provider_id, session_type_id, kind, visibility,
         starts_at, ends_at, max_participants, current_participants)
      select w.session_id, w.org, w.service, w.provider, w.type_id, 'individual', 'private',
             w.starts, w.ends, 1, case when v_bypass then 1 else 0 end
      from unnest(w_session, w_org, w_service, w_provider, w_type, w_starts, w_ends)
        as w (session_id, org, service, provider, type_id, starts, ends)
      where w.session_id is not null;

      insert into public.bookings
        (id, organization_id, client_id, provider_id, service_id, service_session_id, session_type_id,
         start_time, end_time, status, booking_kind, price, subscription_id,
         recurring_booking_id, recurring_occurrence_date)
      select w.booking_id, w.org, w.client, w.provider, w.service, w.session_id, w.type_id,
             w.starts, w.ends, 'confirmed', 'regular', w.price, case when v_bypass then w.sub end,
             w.rid, w.day
      from unnest(w_booking, w_session, w_org, w_client, w_provider, w_service, w_type, w_starts, w_ends,
                  w_price, w_sub, w_rid, w_day)
        as w (booking_id, session_id, org, client, provider, service, type_id, starts, ends,
              price, sub, rid, day)
      where w.booking_id is not null;

      if v_bypass then
        -- what bookings_after_write writes for a new booking
        insert into public.booking_status_history (organization_id, booking_id, from_status, to_status, changed_by, reason)
        select w.org, w.booking_id, null, 'confirmed', v_uid, nullif(current_setting('sessionkit.status_reason', true), '')
        from unnest(w_booking, w_org) as w (booking_id, org)
        where w.booking_id is not null;
      end if;

      -- the booking core's booking.created event, one per booking; to_jsonb of a row with these
      -- column names is the same object as jsonb_build_object of the same pairs, built faster
      insert into public.outbox_events (organization_id, topic, payload)
      select w.org, 'booking.created', to_jsonb(e)
      from unnest(w_booking, w_session, w_org, w_client, w_provider, w_service, w_starts, w_ends)
        as w (booking_id, session_id, org, client, provider, service, starts, ends)
      cross join lateral (
        select
          w.booking_id,
          w.session_id as service_session_id,
          w.client as client_id,
          w.provider as provider_id,
          w.service as service_id,
          w.starts as starts_at,
          w.ends as ends_at,
          'regular'::text as booking_kind
      ) as e
      where w.booking_id is not null;

      if v_bypass then
        perform set_config('session_replication_role', v_replication_role, true);
      end if;

      select coalesce(array_agg(w.booking_id), '{}') into v_booked
      from unnest(w_booking) as w (booking_id)
      where w.booking_id is not null;
      v_set_based := cardinality(v_booked);
    exception when others then
      -- a concurrent booking got in between (or a rule changed under us): the exact path decides.
      -- The subtransaction's rollback also restored session_replication_role.
      get stacked diagnostics v_fast_failure = message_text;
      raise notice 'dispatch_recurring_bookings: the set-based insert of % occurrences failed (%); booking them one by one',
        v_fast_count, v_fast_failure;
      select array_agg(case when x.state = 'fast' then 'exact' else x.state end order by x.n) into w_state
      from unnest(w_state) with ordinality as x (state, n);
      v_booked := '{}'::uuid[];
      v_bypass := false;
    end;
  end if;

  -- 4. the rest, one by one through the booking core ----------------------------------------
  for i in 1 .. coalesce(cardinality(w_state), 0) loop
    continue when w_state[i] <> 'exact';
    begin
      v_candidate := private.individual_candidate(w_service[i], w_provider[i], w_starts[i], w_client[i]);
      v_candidate.recurring_booking_id := w_rid[i];
      v_candidate.occurrence_date := w_day[i];
      v_booking := private.book_individual(v_candidate);
      v_booked := v_booked || v_booking.id;
    exception when others then
      get stacked diagnostics v_code = message_text, v_detail = pg_exception_detail, v_sqlstate = returned_sqlstate;
      if v_sqlstate = '23505' then
        -- the occurrence's booking exists (written concurrently): nothing to do
        v_already := v_already + 1;
        continue;
      end if;
      v_code := case
        when v_sqlstate like 'PT%' then v_code
        when v_sqlstate = '23P01' then 'SLOT_TAKEN'
        when v_sqlstate in ('40001', '40P01', '55P03') then 'CONFLICT'
        else 'INTERNAL_ERROR'
      end;
      v_error_count := v_error_count + 1;
      -- the occurrence's state for its series' schedule (a moved occurrence keeps kind moved)
      insert into public.recurring_booking_exceptions
        (organization_id, recurring_booking_id, occurrence_date, kind, dispatched_on, error_code, error_detail)
      values (w_org[i], w_rid[i], w_day[i], 'failed', p_run_date, v_code, left(nullif(v_detail, ''), 2000))
      on conflict (organization_id, recurring_booking_id, occurrence_date) do update
      set dispatched_on = excluded.dispatched_on,
          error_code = excluded.error_code,
          error_detail = excluded.error_detail;
      v_errors := v_errors || jsonb_build_object(
        'recurring_id', w_rid[i],
        'occurrence_date', w_day[i],
        'starts_at', w_starts[i],
        'error', v_code,
        'detail', nullif(v_detail, '')
      );
      perform private.emit_event(w_org[i], 'recurring_booking.occurrence_failed', jsonb_build_object(
        'recurring_booking_id', w_rid[i],
        'occurrence_date', w_day[i],
        'starts_at', w_starts[i],
        'client_id', w_client[i],
        'provider_id', w_provider[i],
        'service_id', w_service[i],
        'error', v_code,
        'detail', nullif(v_detail, '')
      ));
    end;
  end loop;

  -- 5. summary ------------------------------------------------------------------------------
  v_status := case when v_error_count = 0 then 'success' else 'success_with_errors' end;
  v_message := format('Dispatched %s recurring bookings', cardinality(v_booked))
    || case when v_skipped + v_error_count + v_already > 0
         then format(' (%s skipped in the past, %s already booked, %s failed)', v_skipped, v_already, v_error_count)
         else '' end;

  perform private.write_audit(
    null, 'recurring_bookings_dispatched', 'recurring_bookings', null, null,
    jsonb_build_object(
      'run_date', p_run_date,
      'series', v_series,
      'dispatched', cardinality(v_booked),
      'skipped', v_skipped,
      'already_booked', v_already,
      'skipped_on_request', v_skipped_on_request,
      'moved', cardinality(v_moved_ids),
      'errors', v_error_count,
      'deactivated', v_deactivated,
      'set_based', v_set_based,
      'triggers_bypassed', v_bypass
    ),
    v_status
  );

  return jsonb_build_object(
    'success', true,
    'message', v_message,
    'run_date', p_run_date,
    'count', cardinality(v_booked),
    'bookings', to_jsonb(v_booked),
    'skipped', v_skipped,
    'already_booked', v_already,
    'skipped_on_request', v_skipped_on_request,
    'moved', cardinality(v_moved_ids),
    'deactivated', v_deactivated,
    'errors', v_errors
  );
end
$$;

comment on function public.dispatch_recurring_bookings(date, integer, integer) is
  'Daily recurring-bookings dispatcher (pg_cron; service_role only). Books every occurrence of every active series due on or before p_run_date (catch-up: past occurrences are skipped and counted, never booked) under the booking core''s rules and credits; advances next_booking_date (+7 / +14 days / +1 month on the anchor day), sets last_generated_date, deactivates series past end_date. Idempotent per (series, occurrence) by a unique index; concurrent runs split the work (skip locked). A failing occurrence is reported in errors[{recurring_id, occurrence_date, starts_at, error, detail}], recorded in recurring_booking_exceptions (kind failed, error_code) with an outbox event recurring_booking.occurrence_failed, and never stops the others. Occurrences the parties skipped are not booked (skipped_on_request); moved ones are booked at their new time when the earlier of their regular and new date comes due (moved). One audit_log entry per run (recurring_bookings_dispatched, {dispatched, skipped, skipped_on_request, moved, errors, …}, success | success_with_errors). Returns {success, message, run_date, count, bookings[], skipped, already_booked, skipped_on_request, moved, deactivated, errors[]}. p_shard/p_shards (default 0 of 1) split one run between concurrent connections.
@returns {success: boolean, message: text, run_date: date, count: integer, bookings: uuid[], skipped: integer, already_booked: integer, skipped_on_request: integer, moved: integer, deactivated: integer, errors: {recurring_id: uuid, occurrence_date: date, starts_at: timestamptz, error: text, detail: text | null}[]}';

revoke execute on function public.dispatch_recurring_bookings(date, integer, integer) from public, anon, authenticated;
grant execute on function public.dispatch_recurring_bookings(date, integer, integer) to service_role;
