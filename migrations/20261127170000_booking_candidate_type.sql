-- One home for the booking rules (issue 13), 1/n: the candidate type.
-- Why: a single booking, slot search, the recurring dispatcher, treatments, reschedules,
-- create_service_session and the users' direct writes used to restate the booking rules each in
-- their own way. Now each of them describes what it wants to book as rows of
-- private.booking_candidate and asks private.booking_rule_failures() (functions/rules/) for the
-- first rule each row breaks. A new rule that needs another fact about a candidate adds an
-- attribute here (`alter type private.booking_candidate add attribute ...` in a migration) and a
-- parameter to private.new_candidate(); callers that do not know it leave it null.

set local lock_timeout = '5s';

create type private.booking_candidate as (
  n integer,                    -- the caller's key for the answer (unique within one call)
  purpose text,                 -- book | search | schedule | move | join | hold (docs/scheduling.md)
  organization_id uuid,
  service_id uuid,
  provider_id uuid,
  client_id uuid,               -- null: nobody is booked (slot search, staff-scheduled sessions)
  starts_at timestamptz,        -- null: only the rules that need no time are asked (a probe)
  ends_at timestamptz,
  session_type_id uuid,         -- the session type that sets the length (null: none applies)
  booking_kind text,            -- regular | trial | guest (only regular bookings spend credits)
  subscription_id uuid,         -- the credit it spends when the caller names one (else chosen)
  acting_as_staff boolean,      -- the booking is made (or moved) by staff for the client
  service_session_id uuid,      -- join: the scheduled session joined
  exclude_session_id uuid,      -- a session being moved: its own time is not busy
  exclude_booking_id uuid,      -- a booking being moved (or already written): its credit and place
  recurring_booking_id uuid,    -- an occurrence of this series: the series' own holds are not busy
  occurrence_date date,         -- which occurrence of the series
  session_group_id uuid,        -- a treatment session: its group and number keep their order
  session_number integer,
  total_sessions integer
);

comment on type private.booking_candidate is
  'Something a booking path wants to book, schedule, move or offer, asked of the booking rules (private.booking_rule_failures): purpose, organization, service, provider, client, time range and what it replaces. Build one with private.new_candidate().';

revoke all on type private.booking_candidate from public;
grant usage on type private.booking_candidate to service_role;
