-- Recurring bookings 1/2 (seed 002, Phase 5): a client's standing weekly, biweekly or monthly
-- appointment with a provider, turned into real bookings by the daily dispatcher.
-- Why: seed 002 kept the series in an edge function and always booked 10:00; here the series
-- lives in the database with its own local time and time zone (default: the organization's
-- recurring_default_time and time zone), and dispatch_recurring_bookings() creates each
-- occurrence through the normal booking path. Validation and defaults: trigger
-- private.validate_recurring_booking (functions/recurring/).

set local lock_timeout = '5s';

create table public.recurring_bookings (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null references public.organizations (id) on delete cascade,
  user_id uuid not null references auth.users (id) on delete cascade,
  specialist_id uuid not null references auth.users (id) on delete cascade,
  service_id uuid not null references public.services (id) on delete cascade,
  frequency text not null,
  start_date date not null,
  end_date date,
  local_time time not null,
  timezone text not null,
  is_active boolean not null default true,
  next_booking_date date,
  last_generated_date date,
  created_by uuid references auth.users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint recurring_bookings_frequency_check check (frequency in ('weekly', 'biweekly', 'monthly')),
  constraint recurring_bookings_date_range_check check (end_date is null or end_date >= start_date),
  constraint recurring_bookings_next_booking_date_check check (next_booking_date is null or next_booking_date >= start_date),
  constraint recurring_bookings_active_has_next_check check (not is_active or next_booking_date is not null)
) with (fillfactor = 50);

-- The dispatcher claims the due rows with one sequential scan (it visits a large share of the
-- table every day anyway) and advances each of them once a day. No index covers the columns it
-- updates (next_booking_date, last_generated_date, is_active, updated_at), and pages keep half
-- their space free (fillfactor 50 above), so those updates are HOT: no index is touched.

create index recurring_bookings_organization_id_idx on public.recurring_bookings (organization_id);

create index recurring_bookings_user_id_idx on public.recurring_bookings (user_id);

create index recurring_bookings_specialist_id_idx on public.recurring_bookings (specialist_id);

create index recurring_bookings_service_id_idx on public.recurring_bookings (service_id);

create index recurring_bookings_created_by_idx on public.recurring_bookings (created_by);

alter table public.recurring_bookings enable row level security;

comment on table public.recurring_bookings is 'A standing appointment (seed 002): client user_id sees provider specialist_id for service_id every week, two weeks or month from start_date (until end_date), at local_time in timezone. dispatch_recurring_bookings() (pg_cron, daily) books each occurrence once. Create with create_recurring_booking() or a direct insert (same validation).';
comment on column public.recurring_bookings.user_id is 'auth.users id of the client who attends (seed 002 name).';
comment on column public.recurring_bookings.specialist_id is 'auth.users id of the provider (seed 002 name).';
comment on column public.recurring_bookings.service_id is 'Service booked at each occurrence (its session type gives the length, its rules apply).';
comment on column public.recurring_bookings.frequency is 'weekly (+7 days) | biweekly (+14 days) | monthly (+1 month on the day of start_date, clamped to the month''s last day: Jan 31 -> Feb 28/29 -> Mar 31).';
comment on column public.recurring_bookings.start_date is 'First occurrence (local date); also the anchor of monthly series.';
comment on column public.recurring_bookings.end_date is 'Last local date an occurrence may fall on (inclusive); null = open-ended. The row is deactivated once the next occurrence is past it.';
comment on column public.recurring_bookings.local_time is 'Wall-clock start time in timezone (stays the same across DST changes); defaults to organization_settings.recurring_default_time. On a spring-forward day a time the clocks skip books the instant an hour later (02:30 Europe/Berlin -> 03:30); on a fall-back day an ambiguous time books the later, standard-time instant.';
comment on column public.recurring_bookings.timezone is 'IANA time zone of local_time; defaults to the organization''s.';
comment on column public.recurring_bookings.is_active is 'false = paused by the client/admin or finished (past end_date); the dispatcher ignores inactive rows.';
comment on column public.recurring_bookings.next_booking_date is 'Local date of the next occurrence the dispatcher will handle; set to start_date on creation, advanced by every dispatch (booked, skipped or failed).';
comment on column public.recurring_bookings.last_generated_date is 'Local date of the last occurrence the dispatcher handled.';
comment on column public.recurring_bookings.created_by is 'auth.users id of whoever created the series (the client, or staff acting for them); null for service_role.';
