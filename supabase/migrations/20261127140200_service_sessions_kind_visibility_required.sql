-- Staged backfills 3/7 (contract, guarded): every service session has a kind and a visibility.
-- Why: legacy sessions (workshops, courses) got kind/visibility null by 20261124010100 until the
-- service_sessions backfill classified them; the booking RPCs and RLS read both. The guard
-- refuses with BACKFILL_REQUIRED (and changes nothing) while unclassified sessions exist; then
-- not-valid checks stop new ones at once (brief lock, no scan). 20261127140400 validates them,
-- 20261127140500 turns them into NOT NULL. On a fresh database the guard passes.

set local lock_timeout = '5s';

do $guard$
declare
  v_count bigint;
begin
  lock table public.service_sessions in share mode;
  select count(*) into v_count from public.service_sessions ss where ss.kind is null or ss.visibility is null;
  if v_count > 0 then
    raise exception using
      errcode = 'PT422',
      message = 'BACKFILL_REQUIRED',
      detail = format('%s service session(s) have no kind or visibility. Run `sessionkit backfill run service_sessions`, then apply this migration again.', v_count),
      hint = 'service_sessions';
  end if;
end
$guard$;

alter table public.service_sessions
  add constraint service_sessions_kind_required check (kind is not null) not valid;

alter table public.service_sessions
  add constraint service_sessions_visibility_required check (visibility is not null) not valid;
