-- dispatch_recurring_bookings: the daily job (pg_cron, see 20261124030500) that turns recurring
-- series into bookings. service_role only.
--
-- For every active series with next_booking_date <= p_run_date, every occurrence from
-- next_booking_date up to p_run_date (and end_date) is handled once:
--   * starts in the past (local_time in the series' time zone on that date)  -> skipped, counted;
--   * already has its booking (unique (recurring_booking_id, recurring_occurrence_date))
--                                                                             -> counted, left alone;
--   * otherwise booked under every booking rule (functions/rules/: booking window, closures,
--     availability, exceptions, buffers, sessions and other series' holds, daily limit, the
--     client's limit per period, credits); a failure is reported in errors[] with its contract
--     code and an outbox event recurring_booking.occurrence_failed, and never stops the others.
-- Occurrences the parties skipped (recurring_booking_exceptions) are not booked; moved ones are
-- booked at their new time, claimed from that table when the earlier of their regular and their
-- new local date comes due; a failure is recorded there too (the series' schedule shows it).
-- Every claimed series then advances past p_run_date (+7, +14 days, +1 month on the anchor
-- day), records last_generated_date, and is deactivated once the next occurrence is past end_date.
-- Catch-up: after missed runs one call handles every occurrence due since next_booking_date
-- (past ones skipped); a run date ahead of today books ahead (at most two years).
--
-- A dispatch run is the booking core applied to many candidates at once - the same rules and the
-- same write as a single booking, through the tables' normal (statement-level) triggers:
--   0. one statement locks the memberships of the due series' clients and providers (for share,
--      in a fixed order: private.lock_memberships), before any series row: a leave or removal
--      holds the membership and then ends the member's series;
--   1. one statement claims the due series (for update skip locked: concurrent dispatchers
--      split the work, never share it) and advances them; p_shard of p_shards takes only the
--      series of the providers hashed to it, so shards running at once (the pg_cron jobs) never
--      contend for a provider;
--   2. one statement turns the occurrences into booking candidates (purpose book, together);
--      the providers' locks are taken (private.lock_provider, in a fixed order, when there are at
--      most 1,000 of them; beyond, the overlap guarantee still refuses overlaps);
--   3. private.booking_rule_verdicts answers for all of them at once (the first failing rule, or
--      the credit a passing one spends); the ones that pass are written with that credit by
--      private.book_individuals, the single booking's own write, in one statement
--      (the triggers settle credits under the subscriptions' locks, log the history, emit
--      booking.created). If that statement fails as a whole (a concurrent writer won a race),
--      they are booked one by one instead;
--   4. a candidate refused only because of the run's own earlier candidates (overlaps, daily
--      and client limits, credits counted together) is asked again on its own, once the others
--      are written: private.book_individual, exactly a single booking; every other refusal is
--      reported as the rule answered it.

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
-- the rules and the write sort and hash ~100,000 wide rows: in memory instead of spilling to disk
set work_mem = '64MB'
as $$
declare
  c_max_provider_locks constant integer := 1000;
  -- the due series seen before the claim, and the memberships of their parties
  v_seen uuid[];
  v_seen_orgs uuid[];
  v_seen_people uuid[];
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
  -- the run's candidates and what the rules said
  v_candidates private.booking_candidate[];
  v_passing private.booking_candidate[];
  v_retry private.booking_candidate[];
  v_failed private.booking_candidate[] := '{}'::private.booking_candidate[];
  v_codes text[] := '{}'::text[];
  v_details text[] := '{}'::text[];
  v_candidate private.booking_candidate;
  v_already integer := 0;
  v_skipped integer := 0;
  v_set_based integer := 0;
  v_booked uuid[] := '{}'::uuid[];
  v_booking public.bookings;
  v_code text;
  v_detail text;
  v_sqlstate text;
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

  -- 0. the parties' memberships, before any series row is claimed ---------------------------
  -- a leave or removal locks the membership, then ends the member's series: the dispatcher
  -- takes the memberships of every due series' client and provider first (one statement, for
  -- share, in (organization, user) order: private.lock_memberships), so a leave in progress is
  -- waited for and its series are no longer due, and a leave that comes later waits for this run
  -- and sees its bookings. Only the series seen here are claimed below (one that became due
  -- since is the next run's).
  with seen as (
    select r.id, r.organization_id, r.user_id, r.specialist_id
    from public.recurring_bookings as r
    where r.is_active
      and (p_shards = 1 or abs(hashtextextended(r.specialist_id::text, 0)) % p_shards = p_shard)
      and (r.next_booking_date <= p_run_date
           or exists (
             select 1
             from public.recurring_booking_exceptions as x
             where x.organization_id = r.organization_id
               and x.recurring_booking_id = r.id
               and x.kind = 'moved'
               and x.dispatched_on is null
               and least(x.occurrence_date, (x.starts_at at time zone r.timezone)::date) <= p_run_date
           ))
  )
  select
    coalesce(array_agg(s.id), '{}'),
    coalesce(array_agg(s.organization_id) || array_agg(s.organization_id), '{}'),
    coalesce(array_agg(s.user_id) || array_agg(s.specialist_id), '{}')
  into v_seen, v_seen_orgs, v_seen_people
  from seen as s;
  perform private.lock_memberships(v_seen_orgs, v_seen_people);

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
      and r.id in (select s.id from unnest(v_seen) as s (id))
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
      and r.id in (select s.id from unnest(v_seen) as s (id))
    for no key update of r skip locked
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

  -- 2. the occurrences as booking candidates -------------------------------------------------
  -- the booking core's provider locks, in a fixed order (no deadlock between dispatchers);
  -- beyond c_max_provider_locks they would crowd the lock table: the overlap guarantee remains
  if cardinality(v_providers) <= c_max_provider_locks then
    perform private.lock_provider(p.provider_id)
    from unnest(v_providers) as p (provider_id)
    order by p.provider_id;
  end if;

  with claimed as (
    select c.id, c.from_date, c.to_date
    from unnest(v_ids, v_from, v_to) as c (id, from_date, to_date)
  ),
  -- the session type a new session of the service gets (private.session_type_for, once per
  -- organization and service)
  orgs as materialized (
    select o.id as organization_id, private.applicable_session_type(o.id) as default_type_id
    from public.organizations as o
    where o.id = any (v_orgs)
  ),
  occurrences as (
    select
      r.id as recurring_id,
      r.occurrence_date,
      r.organization_id,
      r.user_id,
      r.specialist_id,
      r.service_id,
      st.id as type_id,
      t.starts_at,
      t.starts_at + make_interval(mins => st.duration_minutes) as ends_at,
      t.starts_at <= now() as in_past,
      exists (
        select 1 from public.bookings as b
        where b.recurring_booking_id = r.id
          and b.recurring_occurrence_date = r.occurrence_date
      ) as already_booked
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
    cross join lateral (
      select coalesce(r.moved_to, (r.occurrence_date + r.local_time) at time zone r.timezone) as starts_at
      offset 0  -- computed once per occurrence
    ) as t
  )
  select
    coalesce(array_agg(private.new_candidate(
      purpose => 'book',
      organization_id => o.organization_id,
      service_id => o.service_id,
      provider_id => o.specialist_id,
      client_id => o.user_id,
      starts_at => o.starts_at,
      ends_at => o.ends_at,
      session_type_id => o.type_id,
      recurring_booking_id => o.recurring_id,
      occurrence_date => o.occurrence_date,
      n => o.n
    ) order by o.n) filter (where not o.in_past and not o.already_booked), '{}'),
    (count(*) filter (where o.in_past and not o.already_booked))::integer,
    (count(*) filter (where o.already_booked))::integer
  into v_candidates, v_skipped, v_already
  from (
    select x.*, (row_number() over (order by x.starts_at, x.recurring_id, x.occurrence_date))::integer as n
    from occurrences as x
  ) as o;

  -- 3. every rule for all of them at once; the passing ones written in one statement ---------
  -- (the verdicts: the first failing rule of each candidate, or the credit a passing one spends,
  -- which it names for the write)
  with failures as materialized (
    select f.n, f.rule, f.code, f.detail, f.subscription_id from private.booking_rule_verdicts(v_candidates, true) as f
  )
  select
    coalesce(array_agg(private.candidate_spending(c, f.subscription_id) order by c.n) filter (where f.code is null), '{}'),
    -- refused because of the run's own earlier candidates, maybe: asked again on their own
    coalesce(array_agg(c order by c.n) filter (where f.rule in ('free_time', 'daily_limit', 'client_limit', 'credits')), '{}'),
    coalesce(array_agg(c order by c.n) filter (where f.code is not null and f.rule not in ('free_time', 'daily_limit', 'client_limit', 'credits')), '{}'),
    coalesce(array_agg(f.code order by c.n) filter (where f.code is not null and f.rule not in ('free_time', 'daily_limit', 'client_limit', 'credits')), '{}'),
    coalesce(array_agg(f.detail order by c.n) filter (where f.code is not null and f.rule not in ('free_time', 'daily_limit', 'client_limit', 'credits')), '{}')
  into v_passing, v_retry, v_failed, v_codes, v_details
  from unnest(v_candidates) as c
  left join failures as f on f.n = c.n;

  if cardinality(v_passing) > 0 then
    begin
      select coalesce(array_agg(b.id), '{}') into v_booked
      from private.book_individuals(v_passing) as b;
      v_set_based := cardinality(v_booked);
    exception when others then
      -- a concurrent writer got in between: each of them is asked again on its own
      get stacked diagnostics v_detail = message_text;
      raise notice 'dispatch_recurring_bookings: writing % occurrences at once failed (%); booking them one by one',
        cardinality(v_passing), v_detail;
      v_retry := v_passing || v_retry;
    end;
  end if;

  -- 4. the rest, one by one: a single booking each --------------------------------------------
  foreach v_candidate in array v_retry loop
    begin
      v_booking := private.book_individual(v_candidate);
      v_booked := v_booked || v_booking.id;
    exception when others then
      get stacked diagnostics v_code = message_text, v_detail = pg_exception_detail, v_sqlstate = returned_sqlstate;
      if v_sqlstate = '23505' then
        -- the occurrence's booking exists (written concurrently): nothing to do
        v_already := v_already + 1;
        continue;
      end if;
      v_failed := v_failed || v_candidate;
      v_codes := v_codes || case
        when v_sqlstate like 'PT%' then v_code
        when v_sqlstate = '23P01' then 'SLOT_TAKEN'
        when v_sqlstate in ('40001', '40P01', '55P03') then 'CONFLICT'
        else 'INTERNAL_ERROR'
      end;
      v_details := v_details || nullif(v_detail, '');
    end;
  end loop;

  -- failures: the occurrence's state for its series' schedule (a moved occurrence keeps kind
  -- moved) and an outbox event each
  with failed as (
    select v_failed[i] as c, v_codes[i] as code, v_details[i] as detail
    from generate_subscripts(v_failed, 1) as i
  ),
  recorded as (
    insert into public.recurring_booking_exceptions
      (organization_id, recurring_booking_id, occurrence_date, kind, dispatched_on, error_code, error_detail)
    select (f.c).organization_id, (f.c).recurring_booking_id, (f.c).occurrence_date, 'failed', p_run_date,
           f.code, left(f.detail, 2000)
    from failed as f
    on conflict (organization_id, recurring_booking_id, occurrence_date) do update
    set dispatched_on = excluded.dispatched_on,
        error_code = excluded.error_code,
        error_detail = excluded.error_detail
    returning 1
  )
  insert into public.outbox_events (organization_id, topic, payload)
  select (f.c).organization_id, 'recurring_booking.occurrence_failed', jsonb_build_object(
    'recurring_booking_id', (f.c).recurring_booking_id,
    'occurrence_date', (f.c).occurrence_date,
    'starts_at', (f.c).starts_at,
    'client_id', (f.c).client_id,
    'provider_id', (f.c).provider_id,
    'service_id', (f.c).service_id,
    'error', f.code,
    'detail', f.detail
  )
  from failed as f;

  -- 5. summary ------------------------------------------------------------------------------
  v_status := case when cardinality(v_failed) = 0 then 'success' else 'success_with_errors' end;
  v_message := format('Dispatched %s recurring bookings', cardinality(v_booked))
    || case when v_skipped + cardinality(v_failed) + v_already > 0
         then format(' (%s skipped in the past, %s already booked, %s failed)', v_skipped, v_already, cardinality(v_failed))
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
      'errors', cardinality(v_failed),
      'deactivated', v_deactivated,
      'set_based', v_set_based
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
    'errors', coalesce((
      select jsonb_agg(jsonb_build_object(
               'recurring_id', (f.c).recurring_booking_id,
               'occurrence_date', (f.c).occurrence_date,
               'starts_at', (f.c).starts_at,
               'error', f.code,
               'detail', f.detail
             ) order by (f.c).n)
      from (
        select v_failed[i] as c, v_codes[i] as code, v_details[i] as detail
        from generate_subscripts(v_failed, 1) as i
      ) as f
    ), '[]'::jsonb)
  );
end
$$;

comment on function public.dispatch_recurring_bookings(date, integer, integer) is
  'Daily recurring-bookings dispatcher (pg_cron; service_role only). Books every occurrence of every active series due on or before p_run_date (catch-up: past occurrences are skipped and counted, never booked) under every booking rule and credits (the booking core, for all due occurrences at once); advances next_booking_date (+7 / +14 days / +1 month on the anchor day), sets last_generated_date, deactivates series past end_date. Idempotent per (series, occurrence) by a unique index; concurrent runs split the work (skip locked). A failing occurrence is reported in errors[{recurring_id, occurrence_date, starts_at, error, detail}], recorded in recurring_booking_exceptions (kind failed, error_code) with an outbox event recurring_booking.occurrence_failed, and never stops the others. Occurrences the parties skipped are not booked (skipped_on_request); moved ones are booked at their new time when the earlier of their regular and new date comes due (moved). One audit_log entry per run (recurring_bookings_dispatched, {dispatched, skipped, skipped_on_request, moved, errors, …}, success | success_with_errors). Returns {success, message, run_date, count, bookings[], skipped, already_booked, skipped_on_request, moved, deactivated, errors[]}. p_shard/p_shards (default 0 of 1) split one run between concurrent connections.
@returns {success: boolean, message: text, run_date: date, count: integer, bookings: uuid[], skipped: integer, already_booked: integer, skipped_on_request: integer, moved: integer, deactivated: integer, errors: {recurring_id: uuid, occurrence_date: date, starts_at: timestamptz, error: text, detail: text | null}[]}';

revoke execute on function public.dispatch_recurring_bookings(date, integer, integer) from public, anon, authenticated;
grant execute on function public.dispatch_recurring_bookings(date, integer, integer) to service_role;
