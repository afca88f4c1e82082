-- The booking rules, in one home (issue 13; docs/scheduling.md "Booking rules").
--
-- Every path that books, offers, schedules or moves time describes what it wants as candidates
-- (private.booking_candidate, built with private.new_candidate) and asks
--   private.booking_rule_failures(candidates[], together)  -> (n, rule, code, detail, hint)
-- for the first rule each candidate breaks (nothing for a candidate that passes), or, for one
-- candidate, private.assert_bookable(candidate, ...) which raises that failure with the
-- contract's code. Writers ask private.booking_rule_verdicts (private.assert_bookable_credit for
-- one candidate): the same answer plus, for a candidate that passes, the subscription whose
-- credit the credits rule chose, which they write (one credit computation per booking besides
-- the settle under the subscription's lock, functions/credits/spend_credit.sql). A single booking is a one-candidate call; slot search asks about every slot
-- of the window at once; the recurring dispatcher about every due occurrence at once.
--
-- The registry below lists every rule once: its position (the first failing rule, in this
-- order, is the one reported), the purposes it applies to, the codes it raises and what it says.
-- Each rule is a set-based function private.rule_<name>(candidates[], together) in this folder
-- returning (n, code, detail, hint) for the candidates it refuses (the credits rule also returns
-- the ones it lets through, with code null and the credit they spend); the hint names the
-- candidate's field (starts_at, provider_id, ...), which callers map to their argument or
-- column names. `together` says the candidates will all be written (a batch): then each one also
-- counts the candidates before it (same provider's earlier ones for overlaps and daily limits,
-- the same client's for credits); false for alternatives (slot search).
--
-- Purposes:
--   book      a new 1-to-1 booking: its private session and the booking (book_individual_session,
--             treatments, the recurring dispatcher, a legacy frontend's direct insert)
--   search    a slot get_available_slots offers (no client yet)
--   schedule  a session staff schedule or move (create_service_session, direct session writes)
--   move      a 1-to-1 booking's session moved to a new time (reschedule_booking)
--   join      a client joining a scheduled session (book_session; a workshop booking moved)
--   wait      a client joining a full session's waitlist (join_waitlist): the rules about the
--             session and its time, not capacity nor the client's credits and limits (asked when
--             their turn comes, as a join)
--   hold      an occurrence a recurring series holds (a new, changed or resumed series), or the
--             series itself (a probe naming its client: who may set it up)
--
-- How to add a rule: see docs/scheduling.md ("How to add a rule").

create or replace function private.booking_rules()
returns table (rank integer, name text, purposes text[], codes text[], summary text)
language sql
immutable
parallel safe
as $$
  values
    (5, 'reschedule_window', array['move', 'join'], array['TOO_LATE_TO_RESCHEDULE'],
     'a client moves a booking only until the late-cancellation window of its current start opens (staff always)'),
    (7, 'treatment_order', array['book', 'move'], array['TREATMENT_BUFFER_NOT_MET'],
     'a treatment session stays after the previous live session and before the next one, with the service''s gaps'),
    (8, 'public_listing', array['book', 'search'], array['NOT_FOUND'],
     'a booking or slot from a published booking page is of a listed service with a provider the page shows (else it looks absent)'),
    (10, 'service_offered', array['book', 'search', 'schedule', 'join', 'wait'], array['NOT_FOUND', 'SERVICE_INACTIVE'],
     'the service belongs to the organization and is still offered (nothing new for a retired service; moves are fine)'),
    (20, 'provider_member', array['book', 'search', 'schedule'], array['NOT_FOUND'],
     'the provider holds an accepted owner/admin/provider membership of the organization'),
    (30, 'service_provider', array['book', 'search', 'schedule'], array['INVALID_REQUEST'],
     'a service tied to one provider is booked with that provider'),
    (40, 'client_member', array['book', 'join'], array['NOT_FOUND'],
     'the client holds an accepted client membership of the organization'),
    (45, 'anonymous_booking', array['book', 'join', 'hold'], array['FORBIDDEN'],
     'an anonymous sign-in books for themself (and sets up a series of regular bookings) only where the organization takes them, and only as the kind it sets'),
    (47, 'series_approval', array['hold'], array['FORBIDDEN'],
     'a series of a service that requires approval is set up by staff, never by the client (its occurrences are booked confirmed)'),
    (50, 'session_type', array['book', 'search', 'schedule'], array['INVALID_REQUEST', 'NOT_FOUND', 'SESSION_TYPE_INACTIVE'],
     'a new session has an active session type of the organization (named, the service''s, or the default), unless it names its end'),
    (60, 'session_span', array['book', 'schedule', 'move'], array['INVALID_REQUEST'],
     'a session ends after it starts, within 24 hours'),
    (70, 'session_open', array['join', 'wait'], array['NOT_FOUND', 'FORBIDDEN', 'ALREADY_CANCELLED', 'BOOKING_IN_PAST'],
     'the joined session exists, is scheduled, and is private only to staff booking a client in'),
    (80, 'not_in_past', array['book', 'search', 'schedule', 'move', 'join', 'wait'], array['BOOKING_IN_PAST'],
     'the session starts in the future'),
    (90, 'min_notice', array['book', 'search', 'move', 'join', 'wait'], array['TOO_LATE_TO_BOOK'],
     'no booking closer to the start than the service''s min_notice_minutes'),
    (100, 'booking_window', array['book', 'search', 'move', 'join', 'wait'], array['OUTSIDE_BOOKING_WINDOW'],
     'no booking further ahead than the service''s max_advance_days'),
    (105, 'organization_open', array['book', 'search', 'schedule', 'move', 'join', 'wait'], array['ORGANIZATION_CLOSED'],
     'nothing takes place while the organization is closed (organization_closures)'),
    (110, 'availability', array['book', 'search', 'move'], array['OUTSIDE_AVAILABILITY'],
     'a 1-to-1 session lies inside the provider''s working hours and overrides, minus time off (organization time zone)'),
    (120, 'free_time', array['book', 'search', 'schedule', 'move', 'hold'], array['SLOT_TAKEN'],
     'the provider''s other sessions (every organization they accepted), legacy bookings and series holds keep their buffers free'),
    (130, 'daily_limit', array['book', 'search', 'move'], array['DAILY_LIMIT_REACHED'],
     'at most max_bookings_per_day booked 1-to-1 sessions of the service per provider and local day'),
    (135, 'client_limit', array['book', 'search', 'move', 'join'], array['CLIENT_LIMIT_REACHED'],
     'a client holds at most max_bookings_per_client live bookings of the service per local day, week or month'),
    (140, 'already_joined', array['join', 'wait'], array['CONFLICT'],
     'a client joins a session once'),
    (150, 'capacity', array['join'], array['CAPACITY_REACHED'],
     'a session never holds more live bookings than max_participants'),
    (160, 'credits', array['book', 'join', 'move'], array['NO_CREDITS_LEFT'],
     'a regular booking spends a credit of the client''s active subscription valid at its start, or is pay-per-session unless the organization requires a subscription')
$$;

comment on function private.booking_rules() is
  'The registry of booking rules: rank (the first failing rule in this order is reported), name (private.rule_<name>), purposes it applies to, contract codes it raises, summary.';

revoke all on function private.booking_rules() from public, anon, authenticated;
grant execute on function private.booking_rules() to service_role;

create or replace function private.rule_purposes(p_rule text)
returns text[]
language sql
immutable
parallel safe
as $$
  -- immutable with a constant argument: folded into a constant when a rule's query is planned
  select r.purposes from private.booking_rules() as r where r.name = p_rule
$$;

comment on function private.rule_purposes(text) is
  'The purposes a registered rule applies to (private.booking_rules); each rule function filters its candidates with it.';

revoke all on function private.rule_purposes(text) from public, anon, authenticated;
grant execute on function private.rule_purposes(text) to service_role;

create or replace function private.booking_rule_verdicts(
  p_candidates private.booking_candidate[],
  p_together boolean default true
)
returns table (n integer, rule text, code text, detail text, hint text, subscription_id uuid)
language plpgsql
stable
security definer
set search_path = ''
-- one generic plan per session, whatever the number of candidates: a plan made for the array
-- at hand copies it into every branch (a tenth of a second for 10,000 candidates), and the
-- rules' joins are index probes either way
set plan_cache_mode = force_generic_plan
as $$
#variable_conflict use_column
begin
  -- plpgsql so that the statement is planned once per session; the rule functions are plain SQL
  -- and inlined into it. One branch per registered rule; the credits rule answers for every
  -- candidate it charges, failing or not, so that a candidate that passes every rule comes back
  -- with the credit it spends and the writer need not ask again.
  return query
  select distinct on (f.n)
    f.n, case when f.code is not null then f.rule end, f.code, f.detail, f.hint,
    case when f.code is null then f.subscription_id end
  from (
    select x.n, 'reschedule_window' as rule, x.code, x.detail, x.hint, null::uuid as subscription_id from private.rule_reschedule_window(p_candidates, p_together) as x
    union all select x.n, 'treatment_order', x.code, x.detail, x.hint, null from private.rule_treatment_order(p_candidates, p_together) as x
    union all select x.n, 'service_offered', x.code, x.detail, x.hint, null from private.rule_service_offered(p_candidates, p_together) as x
    union all select x.n, 'provider_member', x.code, x.detail, x.hint, null from private.rule_provider_member(p_candidates, p_together) as x
    union all select x.n, 'service_provider', x.code, x.detail, x.hint, null from private.rule_service_provider(p_candidates, p_together) as x
    union all select x.n, 'client_member', x.code, x.detail, x.hint, null from private.rule_client_member(p_candidates, p_together) as x
    union all select x.n, 'public_listing', x.code, x.detail, x.hint, null from private.rule_public_listing(p_candidates, p_together) as x
    union all select x.n, 'anonymous_booking', x.code, x.detail, x.hint, null from private.rule_anonymous_booking(p_candidates, p_together) as x
    union all select x.n, 'series_approval', x.code, x.detail, x.hint, null from private.rule_series_approval(p_candidates, p_together) as x
    union all select x.n, 'session_type', x.code, x.detail, x.hint, null from private.rule_session_type(p_candidates, p_together) as x
    union all select x.n, 'session_span', x.code, x.detail, x.hint, null from private.rule_session_span(p_candidates, p_together) as x
    union all select x.n, 'session_open', x.code, x.detail, x.hint, null from private.rule_session_open(p_candidates, p_together) as x
    union all select x.n, 'not_in_past', x.code, x.detail, x.hint, null from private.rule_not_in_past(p_candidates, p_together) as x
    union all select x.n, 'min_notice', x.code, x.detail, x.hint, null from private.rule_min_notice(p_candidates, p_together) as x
    union all select x.n, 'booking_window', x.code, x.detail, x.hint, null from private.rule_booking_window(p_candidates, p_together) as x
    union all select x.n, 'organization_open', x.code, x.detail, x.hint, null from private.rule_organization_open(p_candidates, p_together) as x
    union all select x.n, 'availability', x.code, x.detail, x.hint, null from private.rule_availability(p_candidates, p_together) as x
    union all select x.n, 'free_time', x.code, x.detail, x.hint, null from private.rule_free_time(p_candidates, p_together) as x
    union all select x.n, 'daily_limit', x.code, x.detail, x.hint, null from private.rule_daily_limit(p_candidates, p_together) as x
    union all select x.n, 'client_limit', x.code, x.detail, x.hint, null from private.rule_client_limit(p_candidates, p_together) as x
    union all select x.n, 'already_joined', x.code, x.detail, x.hint, null from private.rule_already_joined(p_candidates, p_together) as x
    union all select x.n, 'capacity', x.code, x.detail, x.hint, null from private.rule_capacity(p_candidates, p_together) as x
    -- the credits rule answers for the candidates it lets through too: the credit they spend
    union all select x.n, 'credits', x.code, x.detail, x.hint, x.subscription_id from private.rule_credits(p_candidates, p_together) as x
  ) as f
  join private.booking_rules() as r on r.name = f.rule
  order by f.n, f.code is null, r.rank;
end
$$;

comment on function private.booking_rule_verdicts(private.booking_candidate[], boolean) is
  'The booking rules with the credit: for each candidate that breaks a rule, the first one it breaks (as private.booking_rule_failures); for each other candidate the credits rule charges (book, join, move of a regular booking with a client), a row with rule, code, detail and hint null and subscription_id = the subscription whose credit it spends (null: pay-per-session, or a moved booking that spent none). Writers hand that credit to the write (private.book_individuals) instead of asking again; the bookings trigger still settles it under the subscription''s lock.';

revoke all on function private.booking_rule_verdicts(private.booking_candidate[], boolean) from public, anon, authenticated;
grant execute on function private.booking_rule_verdicts(private.booking_candidate[], boolean) to service_role;

create or replace function private.booking_rule_failures(
  p_candidates private.booking_candidate[],
  p_together boolean default true
)
returns table (n integer, rule text, code text, detail text, hint text)
language sql
stable
security definer
set search_path = ''
as $$
  select v.n, v.rule, v.code, v.detail, v.hint
  from private.booking_rule_verdicts(p_candidates, p_together) as v
  where v.code is not null
$$;

comment on function private.booking_rule_failures(private.booking_candidate[], boolean) is
  'The booking rules, set-based: for each candidate that breaks one, the first rule it breaks (registry order, private.booking_rules) with its contract code, detail and hint (a candidate field: callers map it to their argument or column). p_together: the candidates are written together, so each counts the ones before it (overlaps, daily limits, credits); false for alternatives (slot search). No locks: callers hold the provider lock (private.lock_provider) when they write. private.booking_rule_verdicts answers the same with the credit of the passing candidates.';

revoke all on function private.booking_rule_failures(private.booking_candidate[], boolean) from public, anon, authenticated;
grant execute on function private.booking_rule_failures(private.booking_candidate[], boolean) to service_role;

create or replace function private.rule_hint(p_field text, p_prefix text, p_hints jsonb)
returns text
language sql
stable
parallel safe
as $$
  -- a rule names the candidate's field; a caller names its argument (p_starts_at) or column
  -- (a hint that is no candidate field, such as the JWT claim is_anonymous, is reported as is)
  select case
    when p_field is null or p_field = '' then null
    when p_hints ? p_field then p_hints ->> p_field
    when exists (
      select 1
      from pg_catalog.pg_attribute as a
      where a.attrelid = (select t.typrelid from pg_catalog.pg_type as t where t.oid = 'private.booking_candidate'::pg_catalog.regtype)
        and a.attname in (p_field, 'exclude_' || p_field)  -- booking_id: the booking being moved
    ) then p_prefix || p_field
    else p_field
  end
$$;

comment on function private.rule_hint(text, text, jsonb) is
  'The hint a caller reports for a rule failure on candidate field p_field: p_hints ->> field, else p_prefix || field (a hint that is not a candidate field as is).';

revoke all on function private.rule_hint(text, text, jsonb) from public, anon, authenticated;
grant execute on function private.rule_hint(text, text, jsonb) to service_role;

create or replace function private.assert_bookable_credit(
  p_candidate private.booking_candidate,
  p_hint_prefix text default 'p_',
  p_hints jsonb default '{}'::jsonb
)
returns uuid
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_verdict record;
begin
  select v.code, v.detail, v.hint, v.subscription_id into v_verdict
  from private.booking_rule_verdicts(array[p_candidate], false) as v;
  if v_verdict.code is not null then
    perform private.raise_error(v_verdict.code, v_verdict.detail, private.rule_hint(v_verdict.hint, p_hint_prefix, p_hints));
  end if;
  return v_verdict.subscription_id;
end
$$;

comment on function private.assert_bookable_credit(private.booking_candidate, text, jsonb) is
  'The booking rules for one candidate: raises the first one it breaks with the contract code (private.raise_error), its detail and a hint naming the caller''s argument (p_hint_prefix || field, or p_hints ->> field); else returns the subscription whose credit the candidate spends (null: none), for the writer to write.';

revoke all on function private.assert_bookable_credit(private.booking_candidate, text, jsonb) from public, anon, authenticated;
grant execute on function private.assert_bookable_credit(private.booking_candidate, text, jsonb) to service_role;

create or replace function private.assert_bookable(
  p_candidate private.booking_candidate,
  p_hint_prefix text default 'p_',
  p_hints jsonb default '{}'::jsonb
)
returns void
language sql
stable
security definer
set search_path = ''
as $$
  select null::void from private.assert_bookable_credit(p_candidate, p_hint_prefix, p_hints)
$$;

comment on function private.assert_bookable(private.booking_candidate, text, jsonb) is
  'The booking rules for one candidate: raises the first one it breaks with the contract code (private.raise_error), its detail and a hint naming the caller''s argument (p_hint_prefix || field, or p_hints ->> field). A candidate without a start asks only the rules that need no time (service, people, session type). private.assert_bookable_credit also returns the credit.';

revoke all on function private.assert_bookable(private.booking_candidate, text, jsonb) from public, anon, authenticated;
grant execute on function private.assert_bookable(private.booking_candidate, text, jsonb) to service_role;
