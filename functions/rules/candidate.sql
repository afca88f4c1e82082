-- private.new_candidate(...): builds a private.booking_candidate by name (named arguments, every
-- one optional), so callers never depend on the order of the type's attributes and keep working
-- when a rule adds one. Plain SQL without SET: the planner inlines it into set-based callers.

-- (public_page was added for the public booking page: the twenty-argument signature goes)
drop function if exists private.new_candidate(text, uuid, uuid, uuid, uuid, timestamptz, timestamptz, uuid, text, uuid, boolean, uuid, uuid, uuid, uuid, date, uuid, integer, integer, integer);

create or replace function private.new_candidate(
  purpose text,
  organization_id uuid default null,
  service_id uuid default null,
  provider_id uuid default null,
  client_id uuid default null,
  starts_at timestamptz default null,
  ends_at timestamptz default null,
  session_type_id uuid default null,
  booking_kind text default 'regular',
  subscription_id uuid default null,
  acting_as_staff boolean default false,
  service_session_id uuid default null,
  exclude_session_id uuid default null,
  exclude_booking_id uuid default null,
  recurring_booking_id uuid default null,
  occurrence_date date default null,
  session_group_id uuid default null,
  session_number integer default null,
  total_sessions integer default null,
  n integer default 1,
  public_page boolean default false
)
returns private.booking_candidate
language sql
immutable
parallel safe
as $$
  select row(
    n, purpose, organization_id, service_id, provider_id, client_id, starts_at, ends_at,
    session_type_id, booking_kind, subscription_id, acting_as_staff, service_session_id,
    exclude_session_id, exclude_booking_id, recurring_booking_id, occurrence_date, session_group_id,
    session_number, total_sessions, public_page
  )::private.booking_candidate
$$;

comment on function private.new_candidate(text, uuid, uuid, uuid, uuid, timestamptz, timestamptz, uuid, text, uuid, boolean, uuid, uuid, uuid, uuid, date, uuid, integer, integer, integer, boolean) is
  'A booking candidate (private.booking_candidate) from named arguments; n defaults to 1 (a one-candidate call).';

revoke all on function private.new_candidate(text, uuid, uuid, uuid, uuid, timestamptz, timestamptz, uuid, text, uuid, boolean, uuid, uuid, uuid, uuid, date, uuid, integer, integer, integer, boolean) from public, anon, authenticated;
grant execute on function private.new_candidate(text, uuid, uuid, uuid, uuid, timestamptz, timestamptz, uuid, text, uuid, boolean, uuid, uuid, uuid, uuid, date, uuid, integer, integer, integer, boolean) to service_role;

create or replace function private.candidate_spending(p_candidate private.booking_candidate, p_subscription_id uuid)
returns private.booking_candidate
language sql
immutable
parallel safe
as $$
  -- the candidate naming the subscription whose credit it spends (the credits rule's answer,
  -- private.booking_rule_verdicts), as a writer hands it to private.book_individuals
  select private.new_candidate(
    purpose => (p_candidate).purpose,
    organization_id => (p_candidate).organization_id,
    service_id => (p_candidate).service_id,
    provider_id => (p_candidate).provider_id,
    client_id => (p_candidate).client_id,
    starts_at => (p_candidate).starts_at,
    ends_at => (p_candidate).ends_at,
    session_type_id => (p_candidate).session_type_id,
    booking_kind => (p_candidate).booking_kind,
    subscription_id => p_subscription_id,
    acting_as_staff => (p_candidate).acting_as_staff,
    service_session_id => (p_candidate).service_session_id,
    exclude_session_id => (p_candidate).exclude_session_id,
    exclude_booking_id => (p_candidate).exclude_booking_id,
    recurring_booking_id => (p_candidate).recurring_booking_id,
    occurrence_date => (p_candidate).occurrence_date,
    session_group_id => (p_candidate).session_group_id,
    session_number => (p_candidate).session_number,
    total_sessions => (p_candidate).total_sessions,
    n => (p_candidate).n,
    public_page => (p_candidate).public_page
  )
$$;

comment on function private.candidate_spending(private.booking_candidate, uuid) is
  'The candidate with subscription_id = the credit it spends (the credits rule''s answer in private.booking_rule_verdicts): what a writer hands to private.book_individuals.';

revoke all on function private.candidate_spending(private.booking_candidate, uuid) from public, anon, authenticated;
grant execute on function private.candidate_spending(private.booking_candidate, uuid) to service_role;
