-- Recurring bookings 2/2 + multi-session treatments 2/6: bookings remember where they came from.
-- Why: a dispatched booking names its recurring series and the occurrence (local date) it is
-- for, and a unique index makes "each occurrence is booked at most once" a database guarantee
-- (two dispatchers racing, or a re-run for the same date, cannot double-book). Treatment
-- bookings share a session_group_id and carry their session number out of total_sessions
-- (seed 004); a session number is held by at most one live booking of its group.
-- The foreign key and checks are added not valid (brief lock) and validated by 20261124030400.

set local lock_timeout = '5s';

alter table public.bookings add column recurring_booking_id uuid;

alter table public.bookings add column recurring_occurrence_date date;

alter table public.bookings
  add constraint bookings_recurring_booking_fkey
  foreign key (recurring_booking_id)
  references public.recurring_bookings (id)
  on delete set null
  not valid;

alter table public.bookings
  add constraint bookings_recurring_occurrence_check
  check (recurring_booking_id is null or recurring_occurrence_date is not null) not valid;

-- one booking per (series, occurrence), whatever its status: a cancelled occurrence is not
-- re-dispatched. Also serves the foreign key (leading column); partial, so one-off bookings
-- add no entry.
create unique index bookings_recurring_occurrence_key
  on public.bookings (recurring_booking_id, recurring_occurrence_date)
  where recurring_booking_id is not null;

comment on column public.bookings.recurring_booking_id is 'The recurring series (recurring_bookings) this booking was dispatched from; null for one-off bookings.';
comment on column public.bookings.recurring_occurrence_date is 'Local date of the series occurrence this booking is; (recurring_booking_id, recurring_occurrence_date) is unique, so each occurrence is booked at most once.';

alter table public.bookings add column session_group_id uuid;

alter table public.bookings add column session_number integer;

alter table public.bookings add column total_sessions integer;

alter table public.bookings
  add constraint bookings_treatment_session_check
  check (
    (session_group_id is null and session_number is null and total_sessions is null)
    or (session_group_id is not null and total_sessions between 1 and 50 and session_number between 1 and total_sessions)
  ) not valid;

-- a session number of a treatment is held by one live booking; cancelled and no-show sessions
-- free their number so it can be booked again
create unique index bookings_session_group_number_key
  on public.bookings (session_group_id, session_number)
  where session_group_id is not null and status in ('pending', 'confirmed', 'completed');

create index bookings_session_group_idx
  on public.bookings (organization_id, session_group_id)
  where session_group_id is not null;

comment on column public.bookings.session_group_id is 'Treatment (multi-session service, seed 004) this booking belongs to; every session of one treatment shares it. Null for single bookings.';
comment on column public.bookings.session_number is 'Position of this session in its treatment, 1..total_sessions.';
comment on column public.bookings.total_sessions is 'Sessions in the treatment (the service''s total_sessions_required when the treatment was booked).';
