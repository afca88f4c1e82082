-- Service sessions: the participant count belongs to the database, a session with live
-- bookings cannot be cancelled from under them, and bookings follow a moved session (their
-- deprecated start_time/end_time, provider_id).

create or replace function private.service_sessions_before_write()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if private.is_service_call() then
    return new;
  end if;

  if tg_op = 'INSERT' then
    new.current_participants := 0;
    return new;
  end if;

  -- only the bookings trigger (nested, trigger depth > 1) moves the count
  if new.current_participants is distinct from old.current_participants and pg_trigger_depth() <= 1 then
    perform private.raise_error(
      'INVALID_REQUEST',
      'current_participants is maintained by the database from the session''s bookings.',
      'current_participants'
    );
  end if;

  if new.status = 'cancelled' and old.status <> 'cancelled' and exists (
    select 1 from public.bookings b
    where b.service_session_id = new.id
      and b.status in ('pending', 'confirmed')
  ) then
    perform private.raise_error(
      'CONFLICT',
      'This session still has bookings; cancel them first.',
      'status'
    );
  end if;
  return new;
end
$$;

comment on function private.service_sessions_before_write() is
  'BEFORE INSERT/UPDATE trigger on service_sessions (users only): a new session starts with 0 participants, the count cannot be written directly (INVALID_REQUEST), a session with live bookings cannot be cancelled (CONFLICT).';

revoke all on function private.service_sessions_before_write() from public, anon;

create or replace function private.service_sessions_sync_bookings()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  update public.bookings b
  set start_time = new.starts_at,
      end_time = new.ends_at,
      provider_id = new.provider_id
  where b.service_session_id = new.id
    and (b.start_time is distinct from new.starts_at
         or b.end_time is distinct from new.ends_at
         or b.provider_id is distinct from new.provider_id);
  return null;
end
$$;

comment on function private.service_sessions_sync_bookings() is
  'AFTER UPDATE OF starts_at, ends_at, provider_id trigger on service_sessions: copies the schedule to the session''s bookings (deprecated start_time/end_time).';

revoke all on function private.service_sessions_sync_bookings() from public, anon;
