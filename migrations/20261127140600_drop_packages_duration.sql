-- Staged backfills 7/7 (contract, guarded): drop the legacy packages.duration.
-- Why: session lengths live in session_types (seed 000, "drop column when safe"). It is safe
-- once the session_types backfill has read every duration still present (its readings are kept
-- in ops.legacy_package_durations) and no unparseable or ambiguous one is left unresolved
-- (corrected, or set to null). Until then the guard refuses with BACKFILL_REQUIRED and nothing
-- changes. On a fresh database no package has a duration and the guard passes.

set local lock_timeout = '5s';

do $guard$
declare
  v_unread bigint;
  v_open bigint;
begin
  lock table public.packages in share mode;
  select count(*) into v_unread
  from public.packages p
  where p.duration is not null
    and not exists (
      select 1 from ops.legacy_package_durations m where m.package_id = p.id and m.raw_duration = p.duration
    );
  select count(*) into v_open
  from public.packages p
  join ops.legacy_package_durations m on m.package_id = p.id and m.raw_duration = p.duration
  where m.outcome <> 'parsed' or m.session_type_id is null;
  if v_unread + v_open > 0 then
    raise exception using
      errcode = 'PT422',
      message = 'BACKFILL_REQUIRED',
      detail = format('%s package duration(s) not read yet and %s unparseable or ambiguous. Run `sessionkit backfill run session_types`, correct or clear (set to null) the durations it lists (`sessionkit backfill conflicts session_types`), run it again, then apply this migration again.', v_unread, v_open),
      hint = 'packages';
  end if;
end
$guard$;

-- the data is kept: ops.legacy_package_durations holds every reading
-- squawk-ignore ban-drop-column
alter table public.packages drop column duration;
