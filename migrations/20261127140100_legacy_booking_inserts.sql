-- Staged backfills 2/7 (expand): legacy-shaped booking inserts keep working, and stop adding work.
-- Why: old frontends and backends still insert 1-to-1 bookings the legacy way (start_time,
-- end_time, no service session). Until this migration each such row is one more row for the
-- service_sessions backfill, so on a busy database the guard of
-- 20261127140300 (bookings.service_session_id not null) could never pass. From here on a
-- legacy-shaped insert gets its private `individual` service session in the same statement,
-- exactly as the service_sessions backfill gives one to the historical rows (same session, same
-- "Legacy booking (no service)" placeholder when no service is named), and the constraint and
-- triggers then treat it like any booking (participant count, credit, history; an overlap with
-- another session of the provider fails with SLOT_TAKEN).
-- Only trusted writers (service_role, the database owner: old backends and jobs) are served
-- here, as the legacy app served them; a signed-in user's legacy-shaped insert is booked by the
-- user-write rules of the booking core (availability, buffers, credits), never by this trigger.
-- Defined here, not in functions/, because it must be live before 20261127140300, and the
-- generated sync of functions/ runs after every migration.

set local lock_timeout = '5s';

create or replace function private.bookings_legacy_insert()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_session_id uuid := gen_random_uuid();
begin
  if new.start_time is null or new.end_time is null or not private.is_service_call() then
    return new;
  end if;
  if new.service_id is null then
    -- the organization's placeholder, shared with the service_sessions backfill
    new.service_id := md5('sessionkit.legacy_service:' || new.organization_id::text)::uuid;
    insert into public.services (id, organization_id, name, description, price, capacity, is_active)
    values (new.service_id, new.organization_id, 'Legacy booking (no service)',
            'Created for legacy bookings that named no service. Not bookable.', 0, 1, false)
    on conflict (id) do nothing;
  end if;
  begin
    insert into public.service_sessions
      (id, organization_id, service_id, provider_id, session_type_id, kind, visibility, starts_at, ends_at,
       max_participants, current_participants, status)
    values (v_session_id, new.organization_id, new.service_id, new.provider_id, new.session_type_id,
            'individual', 'private', new.start_time, new.end_time, 1, 0,
            case new.status when 'cancelled' then 'cancelled' when 'completed' then 'completed'
                            when 'no_show' then 'completed' else 'scheduled' end);
  exception when exclusion_violation then
    perform private.raise_error('SLOT_TAKEN', 'The provider already has a session at that time.', 'start_time');
  end;
  new.service_session_id := v_session_id;
  return new;
end
$$;

comment on function private.bookings_legacy_insert() is
  'BEFORE INSERT trigger on bookings (legacy-shaped rows of trusted writers only: no service_session_id, a service call): creates the booking''s private individual service session from its start_time/end_time, as the service_sessions backfill does for historical rows. Raises SLOT_TAKEN when the provider is busy.';

revoke all on function private.bookings_legacy_insert() from public, anon;

-- named to fire after bookings_admit_user_write (signed-in users' rules) and before the credit trigger
drop trigger if exists bookings_legacy_insert on public.bookings;

create trigger bookings_legacy_insert
  before insert on public.bookings
  for each row
  when (new.service_session_id is null)
  execute function private.bookings_legacy_insert();
