-- Service sessions: bookings follow a moved session (their deprecated start_time/end_time,
-- provider_id), per statement. What users may write to a session (a new one starts empty, the
-- participant count is the database's, a session with live bookings is not cancelled from under
-- them) is private.service_sessions_admit_user_write's; the count itself is kept by the bookings
-- statement triggers (functions/bookings/booking_triggers.sql).

create or replace function private.service_sessions_sync_bookings()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if not exists (select 1 from new_rows) then
    return null;  -- a statement that wrote nothing (they fire too): nothing to do, no nested writes
  end if;
  update public.bookings as b
  set start_time = n.starts_at,
      end_time = n.ends_at,
      provider_id = n.provider_id
  from new_rows as n
  join old_rows as o on o.id = n.id
  where b.service_session_id = n.id
    and (n.starts_at, n.ends_at, n.provider_id) is distinct from (o.starts_at, o.ends_at, o.provider_id)
    and (b.start_time, b.end_time, b.provider_id) is distinct from (n.starts_at, n.ends_at, n.provider_id);
  return null;
end
$$;

comment on function private.service_sessions_sync_bookings() is
  'AFTER UPDATE statement trigger on service_sessions (old_rows, new_rows): the bookings of the sessions that moved (time or provider) take the new schedule (deprecated start_time/end_time, provider_id).';

revoke all on function private.service_sessions_sync_bookings() from public, anon, authenticated;
