-- Services learn three booking settings and treatment session labels (issue 14).
-- Why: users of Cal.com, Calendly and Acuity expect
--  * slot_step_minutes: a 60-minute session offered every 15 or 30 minutes (null = every
--    duration, as before);
--  * max_bookings_per_client + max_bookings_per_client_period: at most N bookings of the service
--    per client and local day | week (Monday-Sunday) | month of the organization, beside the
--    provider's max_bookings_per_day (CLIENT_LIMIT_REACHED, PT422);
--  * session_labels: a treatment names its sessions (seed 004: "Initial Consultation & Implant
--    Placement", "Healing Check", "Crown Placement"), one label per session.
-- All nullable, no default: nothing changes for existing services. The checks are added not valid
-- (a brief lock; new writes are checked at once) and validated by 20261127185300.

set local lock_timeout = '5s';

alter table public.services add column slot_step_minutes integer;

alter table public.services add column max_bookings_per_client integer;

alter table public.services add column max_bookings_per_client_period text;

alter table public.services add column session_labels text[];

alter table public.services
  add constraint services_slot_step_minutes_range
    check (slot_step_minutes between 5 and 1440) not valid;

alter table public.services
  add constraint services_max_bookings_per_client_range
    check (max_bookings_per_client between 1 and 1000) not valid;

alter table public.services
  add constraint services_max_bookings_per_client_period_check
    check (max_bookings_per_client_period in ('day', 'week', 'month')) not valid;

-- a limit needs its period and a period its limit
alter table public.services
  add constraint services_client_limit_complete
    check ((max_bookings_per_client is null) = (max_bookings_per_client_period is null)) not valid;

-- one non-blank label of at most 200 characters per session of the treatment
alter table public.services
  add constraint services_session_labels_check
    check (
      session_labels is null
      or (
        cardinality(session_labels) = total_sessions_required
        and array_ndims(session_labels) = 1
        and not jsonb_path_exists(to_jsonb(session_labels), '$[*] ? (@ == null || @ like_regex "^\\s*$" || @ like_regex "^.{201}" flag "s")')
      )
    ) not valid;

comment on column public.services.slot_step_minutes is 'Minutes between the start times get_available_slots offers (5..1440), from the start of each available window; null = the session length. Booking paths do not require starts on the step (docs/scheduling.md).';
comment on column public.services.max_bookings_per_client is 'At most this many live (pending, confirmed, completed, no-show) bookings of the service per client in one max_bookings_per_client_period (1..1000); null = no limit. Every booking path refuses more with CLIENT_LIMIT_REACHED (PT422).';
comment on column public.services.max_bookings_per_client_period is 'The period of max_bookings_per_client: day | week (Monday to Sunday) | month, local to the organization''s time zone; set together with the limit.';
comment on column public.services.session_labels is 'Names of a treatment''s sessions, one per session (cardinality = total_sessions_required), each 1..200 characters: shown by preview_treatment_schedule, treatment_progress, bookings (computed field session_label) and the treatment events. Null = unnamed.';
