-- Scheduling core 4/10: the audit trail and the transactional outbox.
-- Why: cancellations, reschedules, recording purges and (later) the recurring dispatcher record
-- who did what (audit_log, append-only), and notifications/reminders leave the database through
-- outbox_events written in the same transaction as the change they announce.

set local lock_timeout = '5s';

create table public.audit_log (
  id bigint generated always as identity primary key,
  organization_id uuid references public.organizations (id) on delete cascade,
  actor_id uuid,
  action text not null,
  entity text,
  entity_id uuid,
  old_values jsonb,
  new_values jsonb,
  status text not null default 'success',
  at timestamptz not null default now(),
  constraint audit_log_action_not_blank check (btrim(action) <> ''),
  constraint audit_log_status_check check (status in ('success', 'success_with_errors', 'failure'))
);

create index audit_log_organization_id_at_idx on public.audit_log (organization_id, at);

create index audit_log_entity_idx on public.audit_log (entity, entity_id);

create index audit_log_at_idx on public.audit_log (at);

alter table public.audit_log enable row level security;

comment on table public.audit_log is 'Append-only audit trail: who did what to which entity, with old/new values. Written by RPCs, triggers and jobs (security definer); owners/admins read their organization''s entries.';
comment on column public.audit_log.organization_id is 'Organization concerned; null only for system-wide entries (e.g. a pg_cron run across organizations), which only service_role reads.';
comment on column public.audit_log.actor_id is 'auth.users id of the caller; null for service_role and scheduled jobs. No foreign key: the trail outlives deleted users.';
comment on column public.audit_log.action is 'What happened, dotted lower case (booking.cancelled, booking.rescheduled, recordings.purged, recurring_bookings_dispatched).';
comment on column public.audit_log.entity is 'Table (or concept) the entry is about, e.g. bookings.';
comment on column public.audit_log.status is 'success | success_with_errors | failure.';
comment on column public.audit_log.at is 'When it happened (transaction time).';

create table public.outbox_events (
  id bigint generated always as identity primary key,
  organization_id uuid not null references public.organizations (id) on delete cascade,
  topic text not null,
  payload jsonb not null default '{}'::jsonb,
  created_at timestamptz not null default now(),
  processed_at timestamptz,
  constraint outbox_events_topic_format check (topic ~ '^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$'),
  constraint outbox_events_payload_object check (jsonb_typeof(payload) = 'object')
);

create index outbox_events_organization_id_created_at_idx on public.outbox_events (organization_id, created_at);

create index outbox_events_pending_idx on public.outbox_events (id) where processed_at is null;

alter table public.outbox_events enable row level security;

comment on table public.outbox_events is 'Transactional outbox: events (booking.created, booking.cancelled, booking.rescheduled, treatment.next_session_due…) written in the same transaction as the change; a worker (service_role) delivers them and sets processed_at.';
comment on column public.outbox_events.topic is 'Dotted lower-case event name, e.g. booking.cancelled.';
comment on column public.outbox_events.payload is 'Event data (a JSON object): ids, times, reasons.';
comment on column public.outbox_events.processed_at is 'Set by the delivering worker; null = pending (partial index outbox_events_pending_idx).';
