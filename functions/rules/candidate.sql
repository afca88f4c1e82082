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
