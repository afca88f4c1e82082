-- Staged backfills 4/7 (contract, guarded): every booking has a service session (seed 001,
-- "make service_session required").
-- Why: the service session is the single source of truth of a booking's schedule; legacy
-- 1-to-1 bookings got theirs from the service_sessions backfill, and legacy-shaped inserts get
-- one at insert time since 20261127140100. The guard refuses with BACKFILL_REQUIRED (and changes
-- nothing) while any booking lacks a session - typically the backfill's conflicts (legacy
-- double-bookings) not yet resolved; then a not-valid check stops new ones at once (brief lock,
-- no scan). 20261127140400 validates it, 20261127140500 turns it into NOT NULL. On a fresh
-- database the guard passes.

set local lock_timeout = '5s';

do $guard$
declare
  v_count bigint;
begin
  lock table public.bookings in share mode;
  select count(*) into v_count from public.bookings b where b.service_session_id is null;
  if v_count > 0 then
    raise exception using
      errcode = 'PT422',
      message = 'BACKFILL_REQUIRED',
      detail = format('%s booking(s) have no service session. Run `sessionkit backfill run service_sessions` and resolve its conflicts (`sessionkit backfill conflicts service_sessions`), then apply this migration again.', v_count),
      hint = 'bookings';
  end if;
end
$guard$;

alter table public.bookings
  add constraint bookings_service_session_required check (service_session_id is not null) not valid;
