-- Validate service_sessions_length_check (added not valid by 20261127160100).
-- Why: slot search and the overlap probes bound their index ranges by it (a session starts at
-- most a day before any time it covers). Validating in its own transaction scans the table
-- under a lock that does not block reads or writes. A legacy database holding longer sessions
-- is refused with a clear reason and nothing changes: shorten or split them, then push again.

set local lock_timeout = '5s';

do $$
declare
  v_count bigint;
begin
  select count(*) into v_count
  from public.service_sessions as ss
  where ss.ends_at > ss.starts_at + interval '1 day';
  if v_count > 0 then
    perform private.raise_error(
      'CONFLICT',
      format('%s service session(s) last longer than a day: split them into sessions of at most a day (one per day of a multi-day course), then apply this migration again.', v_count),
      'service_sessions'
    );
  end if;
end
$$;

alter table public.service_sessions validate constraint service_sessions_length_check;
