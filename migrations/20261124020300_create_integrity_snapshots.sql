-- Credits and subscriptions 4/6: nightly integrity snapshots.
-- Why: integrity_report() answers "is the data consistent now?"; operators also need "since
-- when?" and an alert when a count rises. A pg_cron job (20261124020500) stores one report per
-- organization every night here and emits an integrity.violations_found outbox event when any
-- invariant's count is higher than in the previous snapshot.

set local lock_timeout = '5s';

create table ops.integrity_snapshots (
  id bigint generated always as identity primary key,
  organization_id uuid not null references public.organizations (id) on delete cascade,
  taken_at timestamptz not null default now(),
  total_violations integer not null,
  counts jsonb not null,
  report jsonb not null,
  constraint integrity_snapshots_total_violations_check check (total_violations >= 0),
  constraint integrity_snapshots_counts_object check (jsonb_typeof(counts) = 'object'),
  constraint integrity_snapshots_report_object check (jsonb_typeof(report) = 'object')
);

create index integrity_snapshots_organization_id_taken_at_idx
  on ops.integrity_snapshots (organization_id, taken_at desc);

comment on table ops.integrity_snapshots is 'One integrity_report() per organization and nightly run (pg_cron job integrity-snapshot). Not exposed: read by operators and service_role.';
comment on column ops.integrity_snapshots.counts is 'Violations per invariant name, e.g. {"negative_remaining_credits": 0}: what the next snapshot compares against.';
comment on column ops.integrity_snapshots.report is 'The full integrity_report() jsonb (descriptions and sample ids included).';

grant usage on schema ops to service_role;

grant select on ops.integrity_snapshots to service_role;
