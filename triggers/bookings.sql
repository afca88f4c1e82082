-- The triggers of public.bookings, in firing order: BEFORE ROW triggers in name order, then AFTER
-- ROW, then AFTER STATEMENT. Only `create trigger` statements (idempotent); the functions they run
-- live in functions/ (docs/architecture.md).

-- named to fire first (triggers fire in name order): before apply_default_session_type & co.
drop trigger if exists admit_user_write on public.bookings;
create trigger admit_user_write
  before insert or update on public.bookings
  for each row
  when (current_user in ('anon', 'authenticated'))
  execute function private.bookings_admit_user_write();

drop trigger if exists apply_default_session_type on public.bookings;
create trigger apply_default_session_type
  before insert on public.bookings
  for each row
  when (new.session_type_id is null)
  execute function private.apply_default_session_type();

drop trigger if exists bookings_clear_status_reason on public.bookings;
create trigger bookings_clear_status_reason
  before update of status on public.bookings
  for each row
  when (new.status is distinct from old.status
        and new.status_reason is not distinct from old.status_reason
        and old.status_reason is not null)
  execute function private.bookings_clear_status_reason();

drop trigger if exists bookings_follow_session on public.bookings;
create trigger bookings_follow_session
  before update of service_session_id, start_time, end_time, provider_id on public.bookings
  for each row
  when ((new.service_session_id, new.start_time, new.end_time, new.provider_id)
        is distinct from (old.service_session_id, old.start_time, old.end_time, old.provider_id))
  execute function private.bookings_follow_session();

drop trigger if exists bookings_follow_session_on_insert on public.bookings;
create trigger bookings_follow_session_on_insert
  before insert on public.bookings
  for each row
  when (new.service_session_id is not null
        and (new.start_time is null or new.end_time is null or new.provider_id is null or new.service_id is null))
  execute function private.bookings_follow_session();

drop trigger if exists bookings_legacy_insert on public.bookings;
create trigger bookings_legacy_insert
  before insert on public.bookings
  for each row
  when (new.service_session_id is null)
  execute function private.bookings_legacy_insert();

drop trigger if exists touch_updated_at on public.bookings;
create trigger touch_updated_at before update on public.bookings
  for each row execute function private.touch_updated_at();

drop trigger if exists treatment_session_completed on public.bookings;
create trigger treatment_session_completed
  after update of status on public.bookings
  for each row
  when (new.session_group_id is not null and new.status = 'completed' and old.status is distinct from 'completed')
  execute function private.treatment_session_completed();

drop trigger if exists bookings_after_insert on public.bookings;
create trigger bookings_after_insert
  after insert on public.bookings
  referencing new table as new_rows
  for each statement execute function private.bookings_after_insert();

drop trigger if exists bookings_after_update on public.bookings;
create trigger bookings_after_update
  after update on public.bookings
  referencing old table as old_rows new table as new_rows
  for each statement execute function private.bookings_after_update();

drop trigger if exists bookings_after_delete on public.bookings;
create trigger bookings_after_delete
  after delete on public.bookings
  referencing old table as old_rows
  for each statement execute function private.bookings_after_delete();
