-- Session types restructure, expand step 3/4: packages.duration is no longer required.
-- Why: session length now comes from session_types; no function writes packages.duration any
-- more. The column stays (nullable) for rollback safety until a guarded contract migration drops it.

set local lock_timeout = '5s';

-- the point of this step: clients that still send a duration keep working, new ones may omit it
-- squawk-ignore ban-drop-not-null
alter table public.packages alter column duration drop not null;

comment on column public.packages.duration is 'DEPRECATED legacy free-text session length ("3h", "90 min"…). Nullable and never written since the session types restructure; dropped by a contract migration once backfilled.';
