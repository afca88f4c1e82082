-- Scheduling core 5/10: booking status history and cancellation records (seed 002).
-- Why: every status change of a booking is recorded (who, when, why), and every cancellation
-- has exactly one immutable record saying who cancelled, why and which credit policy applied.
-- Inserting a cancellation row IS cancelling: a trigger runs the same logic as cancel_booking().

set local lock_timeout = '5s';

create table public.booking_status_history (
  id bigint generated always as identity primary key,
  organization_id uuid not null references public.organizations (id) on delete cascade,
  booking_id uuid not null references public.bookings (id) on delete cascade,
  from_status text,
  to_status text not null,
  changed_by uuid references auth.users (id) on delete set null,
  reason text,
  at timestamptz not null default now()
);

create index booking_status_history_booking_id_at_idx on public.booking_status_history (booking_id, at);

create index booking_status_history_organization_id_idx on public.booking_status_history (organization_id);

create index booking_status_history_changed_by_idx on public.booking_status_history (changed_by);

alter table public.booking_status_history enable row level security;

comment on table public.booking_status_history is 'One row per booking status change (creation included: from_status null), written by trigger. Append-only; readable by whoever can read the booking.';
comment on column public.booking_status_history.changed_by is 'auth.users id of the caller who changed the status; null for service_role, jobs and backfills.';
comment on column public.booking_status_history.reason is 'Why (the cancellation reason, no_show, completed…).';
comment on column public.booking_status_history.at is 'When the status changed (transaction time).';

create table public.booking_cancellations (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null references public.organizations (id) on delete cascade,
  booking_id uuid not null references public.bookings (id) on delete cascade,
  cancelled_by uuid references auth.users (id) on delete set null,
  reason text,
  cancellation_policy_applied text not null default 'no_refund',
  created_at timestamptz not null default now(),
  constraint booking_cancellations_booking_id_key unique (booking_id),
  constraint booking_cancellations_policy_check
    check (cancellation_policy_applied in ('no_refund', 'credit_restored', 'credit_forfeited')),
  constraint booking_cancellations_reason_length check (char_length(reason) <= 2000)
);

create index booking_cancellations_organization_id_created_at_idx on public.booking_cancellations (organization_id, created_at);

create index booking_cancellations_cancelled_by_idx on public.booking_cancellations (cancelled_by);

alter table public.booking_cancellations enable row level security;

comment on table public.booking_cancellations is 'One immutable record per cancelled booking (seed 002). Insert = cancel: a direct insert runs exactly the checks and effects of cancel_booking(). No update or delete except by service_role.';
comment on column public.booking_cancellations.cancelled_by is 'auth.users id of who cancelled (client, provider or admin); set by the database, null for service_role.';
comment on column public.booking_cancellations.reason is 'Why the booking was cancelled (required, up to 2000 characters).';
comment on column public.booking_cancellations.cancellation_policy_applied is 'Set by the database: no_refund (no credit was spent), credit_restored (cancelled at least cancellation_notice_hours ahead) or credit_forfeited.';
