-- Staged backfills 1/5 (expand): the ledger of `sessionkit backfill` in the ops schema.
-- Why: a backfill's state must survive the process that runs it (kill -9, a lost laptop) and
-- be visible to every operator: runs (state, cursor, progress, timings, last error, who),
-- the conflicts they logged for a human to fix, their pre/post reports, and the mapping of
-- every legacy packages.duration to a session type (what dropping that column must not lose).
-- Idempotent on purpose: on a legacy database `db push` stops at the first guard that refuses
-- (20261124020200 while clients hold duplicate active subscriptions), before this file; the
-- backfill runner then applies this very file itself, and the push later finds nothing to do.
-- Internal only: RLS on, no policies, nothing granted to anon/authenticated.

set local lock_timeout = '5s';

create table if not exists ops.backfill_runs (
  id bigint generated always as identity primary key,
  backfill text not null,
  status text not null default 'running',
  step text,
  cursor jsonb,
  pass integer not null default 1,
  pass_started_xid xid8,
  pass_since_xid xid8,
  rows_total bigint,
  rows_done bigint not null default 0,
  batches integer not null default 0,
  changes jsonb not null default '{}'::jsonb,
  conflicts integer not null default 0,
  batch_size integer not null,
  sleep_seconds numeric not null default 0,
  started_by text not null default current_user,
  started_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  finished_at timestamptz,
  seconds_running double precision not null default 0,
  last_error text,
  constraint backfill_runs_status_check
    check (status in ('running', 'paused', 'interrupted', 'failed', 'succeeded')),
  constraint backfill_runs_batch_size_check check (batch_size between 1 and 100000),
  constraint backfill_runs_changes_object check (jsonb_typeof(changes) = 'object')
);

create index if not exists backfill_runs_backfill_started_at_idx
  on ops.backfill_runs (backfill, started_at desc);

alter table ops.backfill_runs enable row level security;

comment on table ops.backfill_runs is 'One row per `sessionkit backfill run`: its state (running | paused | interrupted | failed | succeeded), the checkpoint (step, cursor, pass) committed with each batch, progress, changes per kind, timings, last error and who started it.';
comment on column ops.backfill_runs.cursor is 'Key of the last row of the last committed batch of `step` (keyset pagination); null = the step starts from the beginning.';
comment on column ops.backfill_runs.pass is 'Pass over the current step: pass 2+ picks up rows the application wrote behind the cursor during the run.';
comment on column ops.backfill_runs.pass_started_xid is 'Oldest transaction still running when the current pass began (pg_snapshot_xmin): the next pass revisits rows written since.';
comment on column ops.backfill_runs.pass_since_xid is 'The current pass (2+) only visits rows written by transactions from this one on.';
comment on column ops.backfill_runs.changes is 'Rows changed per kind, e.g. {"sessions_created": 812000, "bookings_linked": 830000}.';
comment on column ops.backfill_runs.seconds_running is 'Time spent running batches, accumulated over resumes.';

create table if not exists ops.backfill_conflicts (
  id bigint generated always as identity primary key,
  backfill text not null,
  kind text not null,
  row_key text not null,
  reason text not null,
  payload jsonb not null default '{}'::jsonb,
  first_run_id bigint references ops.backfill_runs (id) on delete set null,
  last_run_id bigint references ops.backfill_runs (id) on delete set null,
  first_seen_at timestamptz not null default now(),
  last_seen_at timestamptz not null default now(),
  resolved_at timestamptz,
  resolution text,
  resolution_note text,
  constraint backfill_conflicts_key unique (backfill, kind, row_key),
  constraint backfill_conflicts_resolution_check
    check ((resolved_at is null) = (resolution is null) and resolution in ('fixed', 'accepted', 'applied')),
  constraint backfill_conflicts_payload_object check (jsonb_typeof(payload) = 'object')
);

create index if not exists backfill_conflicts_open_idx
  on ops.backfill_conflicts (backfill, row_key)
  where resolved_at is null;

create index if not exists backfill_conflicts_first_run_id_idx on ops.backfill_conflicts (first_run_id);

create index if not exists backfill_conflicts_last_run_id_idx on ops.backfill_conflicts (last_run_id);

alter table ops.backfill_conflicts enable row level security;

comment on table ops.backfill_conflicts is 'What a backfill would not guess, for an operator: one row per (backfill, kind, row). A run that finds the row fixed marks it resolved (fixed); an operator may accept the data as it is (accepted); decisions a backfill took by a documented rule are logged already resolved (applied).';
comment on column ops.backfill_conflicts.row_key is 'The conflicting row: a booking, package, service, session or subscription id, or organization_id:client_id.';
comment on column ops.backfill_conflicts.payload is 'What the operator needs to decide: the values involved and the candidate rows.';
comment on column ops.backfill_conflicts.resolution is 'fixed (a later run found the data fixed) | accepted (an operator accepted the data as it is) | applied (a decision taken by a documented rule, logged for review).';

create table if not exists ops.backfill_reports (
  id bigint generated always as identity primary key,
  run_id bigint not null references ops.backfill_runs (id) on delete cascade,
  phase text not null,
  taken_at timestamptz not null default now(),
  integrity jsonb,
  counts jsonb not null,
  difference jsonb,
  constraint backfill_reports_phase_check check (phase in ('pre', 'post', 'verify')),
  constraint backfill_reports_counts_object check (jsonb_typeof(counts) = 'object')
);

create index if not exists backfill_reports_run_id_idx on ops.backfill_reports (run_id, taken_at);

alter table ops.backfill_reports enable row level security;

comment on table ops.backfill_reports is 'Reports stored around a run: pre (before the first batch), post (after the last) and verify; integrity = public.integrity_report() (null where it is not deployed yet), counts = the backfill''s own figures, difference = post minus pre.';

create table if not exists ops.legacy_package_durations (
  package_id uuid primary key,
  organization_id uuid not null,
  raw_duration text not null,
  minutes integer,
  outcome text not null,
  session_type_id uuid,
  mapped_at timestamptz not null default now(),
  constraint legacy_package_durations_outcome_check
    check (outcome in ('parsed', 'unparseable', 'ambiguous', 'out_of_range'))
);

create index if not exists legacy_package_durations_organization_id_idx
  on ops.legacy_package_durations (organization_id);

alter table ops.legacy_package_durations enable row level security;

comment on table ops.legacy_package_durations is 'The session_types backfill''s reading of every legacy packages.duration (seed 000: "record mapping ... to review conflicts"): the raw text, the minutes it denotes, the outcome and the session type it became. Kept after packages.duration is dropped.';

grant select on ops.backfill_runs, ops.backfill_conflicts, ops.backfill_reports, ops.legacy_package_durations to service_role;
