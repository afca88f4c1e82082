-- Outbox delivery 1/5: per-consumer delivery state of the transactional outbox.
-- Why: every event is written to outbox_events in the transaction of the change it announces,
-- and until now nothing read it. Consumers (the webhook sender, a reminder mailer…) each see
-- every event once, with retries, backoff and a dead letter, through claim_outbox_events /
-- ack_outbox_events / fail_outbox_event (functions/outbox/).
--
-- How a consumer finds new events cheaply in an outbox of millions of delivered ones:
--  * outbox_events.xact_id records the writing transaction (pg_current_xact_id()). Every
--    transaction older than the snapshot's xmin has committed or rolled back, so all of its
--    events are visible: a consumer's cursor (ops.outbox_consumers.safe_xact_id/safe_event_id)
--    only ever moves up to xmin and never skips an event committed late. Identity ids are not
--    commit-ordered (id 100 may commit after id 101), which is why the cursor is not an id.
--  * Events committed ahead of an older, still running transaction are picked up at once by a
--    second, eager cursor; the safe cursor re-checks them later (each event is looked at twice
--    at most), so a long transaction never holds deliveries back.
--  * One ops.outbox_deliveries row per (consumer, event) is created when the event is found:
--    its state (pending, delivered, dead), attempts, the time it may next be claimed (retry or
--    lease end), the last error. No foreign key to outbox_events: that table is to be
--    partitioned by month (created_at), and deliveries are pruned together with their events.
-- The partial index outbox_events_pending_idx (processed_at is null) indexed every event
-- (processed_at was never set and is not used by per-consumer delivery): dropped.

set local lock_timeout = '5s';

alter table public.outbox_events add column xact_id bigint;

-- a separate step: adding the column with this volatile default would rewrite the table
alter table public.outbox_events alter column xact_id set default (pg_current_xact_id()::text::bigint);

create index outbox_events_xact_id_id_idx on public.outbox_events (xact_id, id);

-- the nightly prune walks the oldest events first
create index outbox_events_created_at_idx on public.outbox_events (created_at);

-- dropping an index is a catalog change: the lock is held for an instant (lock_timeout bounds the wait)
-- squawk-ignore require-concurrent-index-deletion
drop index public.outbox_events_pending_idx;

comment on column public.outbox_events.xact_id is 'Id of the transaction that wrote the event (pg_current_xact_id(), as bigint). Consumers find new events by it: every transaction older than a snapshot''s xmin has finished, so its events are all visible. Null for events written before per-consumer delivery existed (never delivered).';
comment on column public.outbox_events.processed_at is 'Unused by the per-consumer delivery (ops.outbox_deliveries holds each consumer''s state); kept for compatibility.';

create table ops.outbox_consumers (
  consumer text primary key,
  topics text[],
  safe_xact_id bigint not null,
  safe_event_id bigint not null default 0,
  eager_xact_id bigint not null,
  eager_event_id bigint not null default 0,
  max_attempts integer not null default 10,
  retry_base interval not null default '10 seconds',
  retry_max interval not null default '1 hour',
  lease interval not null default '5 minutes',
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  last_claim_at timestamptz,
  constraint outbox_consumers_name_format check (consumer ~ '^[a-z][a-z0-9_.:-]{0,62}$'),
  constraint outbox_consumers_topics_check check (topics is null or cardinality(topics) between 1 and 50),
  constraint outbox_consumers_max_attempts_check check (max_attempts between 1 and 100),
  constraint outbox_consumers_retry_check check (retry_base > interval '0' and retry_max >= retry_base and retry_max <= interval '7 days'),
  constraint outbox_consumers_lease_check check (lease >= interval '1 second' and lease <= interval '1 day')
);

alter table ops.outbox_consumers enable row level security;

comment on table ops.outbox_consumers is 'Outbox consumers (webhooks, reminder senders…): their topic subscription, retry policy and cursors. Registered by their first claim_outbox_events or by configure_outbox_consumer (service_role); a consumer sees the events written from its registration on.';
comment on column ops.outbox_consumers.topics is 'Topic patterns the consumer receives (booking.cancelled, booking.*, *); null = every topic. Events of other topics never get a delivery row for it.';
comment on column ops.outbox_consumers.safe_xact_id is 'Safe cursor (with safe_event_id): every event ordered at or before (xact_id, id) = (safe_xact_id, safe_event_id) has its delivery row (or is not for this consumer). Never passes the oldest running transaction.';
comment on column ops.outbox_consumers.eager_xact_id is 'Eager cursor (with eager_event_id): how far events already visible were looked at, including ones committed ahead of older running transactions.';
comment on column ops.outbox_consumers.max_attempts is 'Claims per event before it is dead-lettered (a failed or expired attempt counts).';
comment on column ops.outbox_consumers.retry_base is 'Backoff after the first failure; doubled after each further failure, capped at retry_max.';
comment on column ops.outbox_consumers.lease is 'How long a claimed event stays with its worker: unacked after this, it is claimable again (the worker is presumed dead).';

create table ops.outbox_deliveries (
  consumer text not null references ops.outbox_consumers (consumer) on delete cascade,
  event_id bigint not null,
  organization_id uuid not null references public.organizations (id) on delete cascade,
  topic text not null,
  event_created_at timestamptz not null,
  status text not null default 'pending',
  attempts integer not null default 0,
  available_at timestamptz not null default now(),
  last_claimed_at timestamptz,
  last_error text,
  delivered_at timestamptz,
  dead_at timestamptz,
  created_at timestamptz not null default now(),
  primary key (consumer, event_id),
  constraint outbox_deliveries_status_check check (status in ('pending', 'delivered', 'dead')),
  constraint outbox_deliveries_attempts_check check (attempts >= 0),
  constraint outbox_deliveries_delivered_check check ((status = 'delivered') = (delivered_at is not null)),
  constraint outbox_deliveries_dead_check check ((status = 'dead') = (dead_at is not null))
);

-- claim: the due pending rows of one consumer, oldest first
create index outbox_deliveries_due_idx on ops.outbox_deliveries (consumer, available_at, event_id) where status = 'pending';

create index outbox_deliveries_event_id_idx on ops.outbox_deliveries (event_id);

create index outbox_deliveries_organization_id_status_idx on ops.outbox_deliveries (organization_id, status);

alter table ops.outbox_deliveries enable row level security;

comment on table ops.outbox_deliveries is 'Delivery state of one event for one consumer, created when the consumer''s claim finds the event. pending -> delivered (ack_outbox_events) or, after max_attempts, dead (the dead letter, counted by integrity_report). No foreign key to outbox_events (partitioned by month later); pruned with the events.';
comment on column ops.outbox_deliveries.status is 'pending (waiting, claimed or retrying) | delivered | dead (dead letter: every attempt failed).';
comment on column ops.outbox_deliveries.attempts is 'Claims so far (each claim is an attempt).';
comment on column ops.outbox_deliveries.available_at is 'Pending: when it may be claimed next (now for new events, end of the lease while claimed, the backoff time after a failure).';
comment on column ops.outbox_deliveries.last_error is 'The error of the last failed attempt (fail_outbox_event), or why it was dead-lettered.';
comment on column ops.outbox_deliveries.event_created_at is 'created_at of the event (pruning and, once outbox_events is partitioned, partition pruning of the join).';

grant select on ops.outbox_consumers, ops.outbox_deliveries to service_role;
