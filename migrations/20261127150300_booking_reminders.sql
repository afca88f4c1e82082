-- Outbox delivery 4/5: booking reminders (seed 001: "Reminders -> should trigger at correct times").
-- Why: clients and providers are reminded before a session (by default 24 h and 1 h before); the
-- reminder leaves the database as a booking.reminder outbox event carrying the booking's local
-- time in the organization's time zone, and senders (mail, SMS, webhooks) consume it.
--  * organization_settings: reminder_offsets_minutes (up to 5 offsets, 5 minutes to 30 days
--    before), remind_clients, remind_providers;
--  * ops.booking_reminders: the ledger, one row per (booking, offset, start time) handled - sent,
--    or skipped with the reason. Its primary key is what makes a reminder go out once whatever
--    the job does (twice, late, concurrently); a rescheduled booking has a new start time, so
--    new keys: it is reminded of its new time only;
--  * ops.reminder_clock: when the job last ran. A run handles the reminders that came due since
--    (minus a little slack), so a job that ran late catches up, and a booking made or moved
--    inside a reminder's window (after it came due) does not get that reminder late;
--  * bookings_confirmed_start_time_idx: the job's range scan over confirmed bookings by start.
-- The pg_cron job is scheduled by 20261127150500; private.emit_booking_reminders() in
-- functions/reminders/.

set local lock_timeout = '5s';

alter table public.organization_settings
  add column reminder_offsets_minutes integer[] not null default array[1440, 60],
  add column remind_clients boolean not null default true,
  add column remind_providers boolean not null default true;

alter table public.organization_settings
  add constraint organization_settings_reminder_offsets_range
    check (cardinality(reminder_offsets_minutes) <= 5
           and array_position(reminder_offsets_minutes, null) is null
           and 5 <= all (reminder_offsets_minutes)
           and 43200 >= all (reminder_offsets_minutes)) not valid;

comment on column public.organization_settings.reminder_offsets_minutes is 'How long before a confirmed booking its reminders go out, in minutes of elapsed time (default 24 h and 1 h: {1440,60}); at most 5, each 5 minutes to 30 days; empty = no reminders.';
comment on column public.organization_settings.remind_clients is 'Reminders are addressed to the booking''s client (booking.reminder payload recipients).';
comment on column public.organization_settings.remind_providers is 'Reminders are addressed to the booking''s provider. Neither: no reminder events at all.';

create index bookings_confirmed_start_time_idx on public.bookings (start_time) where status = 'confirmed';

create table ops.booking_reminders (
  booking_id uuid not null references public.bookings (id) on delete cascade,
  offset_minutes integer not null,
  starts_at timestamptz not null,
  organization_id uuid not null references public.organizations (id) on delete cascade,
  due_at timestamptz not null,
  status text not null,
  reason text,
  event_id bigint,
  handled_at timestamptz not null default now(),
  primary key (booking_id, offset_minutes, starts_at),
  constraint booking_reminders_status_check check (status in ('sent', 'skipped')),
  constraint booking_reminders_sent_check check ((status = 'sent') = (event_id is not null))
);

create index booking_reminders_organization_id_idx on ops.booking_reminders (organization_id);

create index booking_reminders_starts_at_idx on ops.booking_reminders (starts_at);

alter table ops.booking_reminders enable row level security;

comment on table ops.booking_reminders is 'Ledger of booking reminders: one row per (booking, offset, start time) the reminder job handled, sent (with its booking.reminder outbox event) or skipped (reason). Its key makes every reminder go out once. Rows are deleted 30 days after the booking''s start.';
comment on column ops.booking_reminders.starts_at is 'The booking''s start when the reminder was handled: a rescheduled booking gets new rows for its new time.';
comment on column ops.booking_reminders.due_at is 'starts_at - offset: when the reminder came due.';
comment on column ops.booking_reminders.reason is 'Why a reminder was skipped: a nearer reminder of the same booking was due in the same run (superseded), or the booking was made after the reminder came due (booked_after_due).';

create table ops.reminder_clock (
  singleton boolean primary key default true,
  last_run_at timestamptz not null,
  constraint reminder_clock_singleton check (singleton)
);

alter table ops.reminder_clock enable row level security;

insert into ops.reminder_clock (last_run_at) values (now());

comment on table ops.reminder_clock is 'When the reminder job last ran (one row): the next run handles the reminders that came due since. Locked by each run, so runs never overlap.';

grant select on ops.booking_reminders, ops.reminder_clock to service_role;
