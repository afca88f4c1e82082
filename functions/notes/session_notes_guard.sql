-- Session notes: tenant and lock fields belong to the database, and a note is immutable from
-- locks_at on (created_at + the organization's note_lock_hours), for everyone.

create or replace function private.session_notes_before_write()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_booking public.bookings;
  v_lock_hours integer;
begin
  if tg_op = 'UPDATE' then
    if now() >= old.locks_at then
      perform private.raise_error(
        'NOTE_LOCKED',
        format('This note was locked at %s and can no longer be changed.', old.locks_at),
        'locks_at'
      );
    end if;
    -- identity and lock fields never change
    new.id := old.id;
    new.organization_id := old.organization_id;
    new.booking_id := old.booking_id;
    new.provider_id := old.provider_id;
    new.created_at := old.created_at;
    new.locks_at := old.locks_at;
    return new;
  end if;

  select b.* into v_booking from public.bookings b where b.id = new.booking_id;
  if v_booking.id is null then
    perform private.raise_error('NOT_FOUND', 'Booking not found.', 'booking_id');
  end if;
  if v_booking.status = 'cancelled' and not private.is_service_call() then
    -- as upsert_session_note: a cancelled booking gets no note (a direct insert included)
    perform private.raise_error('ALREADY_CANCELLED', 'This booking is cancelled.', 'booking_id');
  end if;
  new.organization_id := v_booking.organization_id;
  new.provider_id := coalesce(new.provider_id, v_booking.provider_id);
  if not private.is_service_call() then
    new.created_at := now();
  end if;
  select s.note_lock_hours into v_lock_hours
  from public.organization_settings s
  where s.organization_id = v_booking.organization_id;
  new.locks_at := new.created_at + make_interval(hours => coalesce(v_lock_hours, 24));
  new.metadata := coalesce(new.metadata, '{}'::jsonb);
  return new;
end
$$;

comment on function private.session_notes_before_write() is
  'BEFORE INSERT/UPDATE trigger on session_notes: insert copies organization_id (and by default provider_id) from the booking, refuses a cancelled booking for users (ALREADY_CANCELLED) and sets locks_at = created_at + note_lock_hours; update raises NOTE_LOCKED (PT422) once locked and keeps identity fields.';

revoke all on function private.session_notes_before_write() from public, anon;
