-- Series a client can edit (issue 14) 1/3: the occurrences of a recurring series that do not go
-- as the series' rule says.
-- Why: a client skips one Monday, moves another to Wednesday, and the dispatcher fails one for
-- lack of credits; each is one row here, keyed by the occurrence (its local date in the series'
-- rule), so the dispatcher, the series holds and the schedule read the same facts:
--   * skipped: not dispatched, holds nothing (if it had been dispatched, its booking was
--     cancelled through cancel_booking's rules);
--   * moved: held at starts_at instead of its regular time, and dispatched there when its earlier
--     date (original or new) comes due; dispatched_on records the run that handled it;
--   * failed: the dispatcher could not book the occurrence (error_code: its contract code); a
--     moved occurrence that fails keeps kind moved and gets the error.
-- Users read the rows of the series they may read; nobody writes them directly: skip_recurring_occurrence,
-- move_recurring_occurrence and restore_recurring_occurrence (functions/recurring/) and the
-- dispatcher do.

set local lock_timeout = '5s';

create table public.recurring_booking_exceptions (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null references public.organizations (id) on delete cascade,
  recurring_booking_id uuid not null,
  occurrence_date date not null,
  kind text not null,
  starts_at timestamptz,
  reason text,
  dispatched_on date,
  error_code text,
  error_detail text,
  created_by uuid references auth.users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint recurring_booking_exceptions_series_fkey foreign key (organization_id, recurring_booking_id)
    references public.recurring_bookings (organization_id, id) on delete cascade,
  constraint recurring_booking_exceptions_kind_check check (kind in ('skipped', 'moved', 'failed')),
  constraint recurring_booking_exceptions_moved_check check ((kind = 'moved') = (starts_at is not null)),
  constraint recurring_booking_exceptions_skipped_check check (kind <> 'skipped' or (dispatched_on is null and error_code is null)),
  constraint recurring_booking_exceptions_failed_check check (kind <> 'failed' or (error_code is not null and dispatched_on is not null)),
  constraint recurring_booking_exceptions_reason_length check (length(reason) <= 2000),
  constraint recurring_booking_exceptions_error_length check (length(error_code) <= 100 and length(error_detail) <= 2000)
);

-- one row per occurrence; also serves both foreign keys (organization_id, and the series)
create unique index recurring_booking_exceptions_occurrence_key
  on public.recurring_booking_exceptions (organization_id, recurring_booking_id, occurrence_date);

-- the moved occurrences the dispatcher has still to book: what each run claims, and what the
-- series holds look up besides the rule's dates
create index recurring_booking_exceptions_pending_moves_idx
  on public.recurring_booking_exceptions (recurring_booking_id)
  where kind = 'moved' and dispatched_on is null;

create index recurring_booking_exceptions_created_by_idx
  on public.recurring_booking_exceptions (created_by)
  where created_by is not null;

alter table public.recurring_booking_exceptions enable row level security;

-- one path per state change: the RPCs and the dispatcher write these rows, users only read
revoke insert, update, delete on public.recurring_booking_exceptions from anon, authenticated;

comment on table public.recurring_booking_exceptions is 'Occurrences of a recurring series that differ from its rule (one row per series and occurrence date): skipped (not dispatched, holds nothing), moved (held and dispatched at starts_at instead), failed (the dispatcher could not book it: error_code). Read by the parties of the series; written only by skip_recurring_occurrence, move_recurring_occurrence, restore_recurring_occurrence and dispatch_recurring_bookings. See get_series_schedule.';
comment on column public.recurring_booking_exceptions.occurrence_date is 'The occurrence this row is about: its local date in the series'' rule (the regular date, also for a moved occurrence).';
comment on column public.recurring_booking_exceptions.kind is 'skipped | moved | failed (the dispatcher''s; a moved occurrence that fails keeps kind moved and gets error_code).';
comment on column public.recurring_booking_exceptions.starts_at is 'moved: the new start (the length stays the service''s); null otherwise.';
comment on column public.recurring_booking_exceptions.dispatched_on is 'Run date of the dispatch that handled this occurrence (a moved one is claimed when the earlier of its regular and its new local date comes due); null while pending.';
comment on column public.recurring_booking_exceptions.error_code is 'Contract code of the dispatcher''s failure to book the occurrence (e.g. NO_CREDITS_LEFT, SLOT_TAKEN); null when it did not fail.';
comment on column public.recurring_booking_exceptions.created_by is 'auth.users id of who skipped or moved the occurrence last (null for the dispatcher and service_role).';
