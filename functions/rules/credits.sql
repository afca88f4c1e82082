-- Booking rule credits (registry: functions/rules/registry.sql; docs/credits-and-integrity.md):
-- which credit a regular booking spends, and whether it may.
--
-- private.candidate_credits(candidates, together) answers, for every regular candidate with a
-- client (book, join, move), the subscription it spends (null: pay-per-session) and, when it may
-- not, NO_CREDITS_LEFT with a detail and hint:
--   * named (the candidate's subscription_id: a writer that already chose, or a service writing
--     a row): it must be active (service calls excepted) and have a credit left;
--   * moved (a booking moved to a new start or session: purpose move, or join with
--     exclude_booking_id): it keeps its subscription while that is valid at
--     the new start, else takes the client's other active subscription covering it, else
--     NO_CREDITS_LEFT; a booking that spent no credit spends none;
--   * otherwise: the client's active subscription in the organization (the oldest, for legacy
--     duplicates), which must be valid at the start and have a credit left; without one,
--     pay-per-session, or NO_CREDITS_LEFT when the organization requires a subscription.
-- A credit is left when the subscription's spent bookings (pending, confirmed, completed, no-show,
-- forfeited cancellations; not counting the bookings the candidates stand for, exclude_booking_id)
-- plus the candidate's rank among the call's candidates spending it (together; else 1) stay
-- within total_sessions.
-- The booking core writes the subscription it answers; the bookings statement trigger asks the
-- same question about the rows written, under the subscriptions' row locks (functions/credits/).

create or replace function private.candidate_credits(p_candidates private.booking_candidate[], p_together boolean)
returns table (n integer, subscription_id uuid, code text, detail text, hint text)
language sql
stable
as $$
  with chargeable as (
    select
      c.n,
      c.purpose,
      c.organization_id,
      c.client_id,
      c.starts_at,
      c.subscription_id as named_id,
      mb.id as moved_booking_id,
      own.id as own_id,
      (own.id is not null
       and c.starts_at >= own.starts_at
       and (own.expires_at is null or c.starts_at < own.expires_at)) as own_still_valid
    from unnest(p_candidates) as c
    -- only a move or a join names the booking it moves: the purpose goes into the key, so the
    -- index probe is skipped for everything else (a join filter on the purpose would be applied
    -- after probing bookings_pkey for every booked row the bookings trigger settles)
    left join public.bookings as mb
      on mb.id = case when c.purpose in ('move', 'join') then c.exclude_booking_id end
    left join public.subscriptions as own on own.id = mb.subscription_id
    where c.purpose = any (private.rule_purposes('credits'))
      and c.client_id is not null
      and coalesce(c.booking_kind, 'regular') = 'regular'
  ),
  chosen as (
    select
      x.*,
      case
        when x.named_id is not null then 'named'
        when x.moved_booking_id is not null and x.own_id is null then 'none'
        when x.own_still_valid then 'kept'
        else 'picked'
      end as how,
      case
        when x.named_id is not null then x.named_id
        when x.moved_booking_id is not null and x.own_id is null then null
        when x.own_still_valid then x.own_id
        else (
          select s.id
          from public.subscriptions as s
          where s.organization_id = x.organization_id
            and s.client_id = x.client_id
            and s.status = 'active'
            and (x.own_id is null
                 or (s.id <> x.own_id
                     and s.starts_at <= x.starts_at
                     and (s.expires_at is null or x.starts_at < s.expires_at)))
          order by s.starts_at, s.id
          limit 1
        )
      end as spent_id
    from chargeable as x
  ),
  spending as (
    select
      ch.*,
      s.status,
      s.starts_at as valid_from,
      s.expires_at as valid_until,
      s.total_sessions,
      case when p_together
           then row_number() over (partition by ch.spent_id order by ch.n)
           else 1 end as rank_in_call
    from chosen as ch
    left join public.subscriptions as s on s.id = ch.spent_id
  ),
  used as (
    select b.subscription_id, count(*) as spent
    from public.bookings as b
    left join public.booking_cancellations as bc on bc.booking_id = b.id
    where b.subscription_id in (select sp.spent_id from spending as sp where sp.how in ('named', 'picked'))
      and (b.status in ('pending', 'confirmed', 'completed', 'no_show')
           or (b.status = 'cancelled' and bc.cancellation_policy_applied = 'credit_forfeited'))
      and b.id not in (
        select e.exclude_booking_id from unnest(p_candidates) as e where e.exclude_booking_id is not null
      )
    group by b.subscription_id
  ),
  judged as (
    select
      sp.n,
      sp.spent_id,
      case
        when sp.how in ('none', 'kept') then null
        when sp.how = 'picked' and sp.spent_id is null and sp.moved_booking_id is not null then 'moved_uncovered'
        when sp.how = 'picked' and sp.spent_id is null then
          case when coalesce((select os.requires_subscription from public.organization_settings as os
                              where os.organization_id = sp.organization_id), false)
               then 'required' end
        when sp.how = 'named' and sp.status is distinct from 'active' and not private.is_service_call() then 'inactive'
        when sp.how = 'picked' and sp.moved_booking_id is null
             and (sp.starts_at < sp.valid_from or (sp.valid_until is not null and sp.starts_at >= sp.valid_until)) then 'outside'
        when coalesce(u.spent, 0) + sp.rank_in_call > sp.total_sessions then 'used_up'
      end as failure,
      sp.how,
      sp.status,
      sp.valid_from,
      sp.valid_until,
      sp.total_sessions,
      sp.starts_at,
      own.starts_at as own_from,
      own.expires_at as own_until
    from spending as sp
    left join used as u on u.subscription_id = sp.spent_id
    left join public.subscriptions as own on own.id = sp.own_id
  )
  select
    j.n,
    j.spent_id,
    case when j.failure is not null then 'NO_CREDITS_LEFT' end,
    case j.failure
      when 'moved_uncovered' then format(
        'This booking is paid with a credit valid from %s to %s; it cannot move to %s, and no other active subscription of the client covers that time.',
        j.own_from, coalesce(j.own_until::text, 'no expiry'), j.starts_at)
      when 'required' then 'This organization requires an active subscription to book, and the client has none.'
      when 'inactive' then format('This subscription is %s: its credits cannot be spent.', j.status)
      when 'outside' then format(
        'The client''s subscription is valid from %s to %s; its credits cannot be spent on a session starting %s.',
        j.valid_from, coalesce(j.valid_until::text, 'no expiry'), j.starts_at)
      when 'used_up' then
        case when j.how = 'named'
             then format('No credits left: all %s credits of this subscription are used or booked.', j.total_sessions)
             else format('No credits left: all %s credits of the client''s subscription are used or booked.', j.total_sessions) end
    end,
    case j.failure
      when 'moved_uncovered' then 'starts_at'
      when 'outside' then 'starts_at'
      when 'inactive' then 'subscription_id'
      when 'used_up' then case when j.how = 'named' then 'subscription_id' else 'client_id' end
      else 'client_id'
    end
  from judged as j
$$;

comment on function private.candidate_credits(private.booking_candidate[], boolean) is
  'For every regular candidate with a client (book, join, move): the subscription whose credit it spends (null = pay-per-session or no credit) and, when it may not, NO_CREDITS_LEFT with detail and hint (a candidate field). See the file header for the rules.';

revoke all on function private.candidate_credits(private.booking_candidate[], boolean) from public, anon, authenticated;
grant execute on function private.candidate_credits(private.booking_candidate[], boolean) to service_role;

-- (the rule answered only for the candidates it refuses until the rules handed the credit of the
-- others to the writers as well: private.booking_rule_verdicts)
drop function if exists private.rule_credits(private.booking_candidate[], boolean);

create function private.rule_credits(p_candidates private.booking_candidate[], p_together boolean)
returns table (n integer, code text, detail text, hint text, subscription_id uuid)
language sql
stable
as $$
  select x.n, x.code, x.detail, x.hint, x.subscription_id
  from private.candidate_credits(p_candidates, p_together) as x
$$;

comment on function private.rule_credits(private.booking_candidate[], boolean) is
  'Rule credits: NO_CREDITS_LEFT where private.candidate_credits finds no credit the candidate may spend. Unlike the other rules it answers for every candidate it charges: code null and subscription_id = the credit it spends for those it lets through (private.booking_rule_verdicts hands it to the writer).';

revoke all on function private.rule_credits(private.booking_candidate[], boolean) from public, anon, authenticated;
grant execute on function private.rule_credits(private.booking_candidate[], boolean) to service_role;
