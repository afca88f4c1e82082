-- The triggers of public.service_sessions, in firing order: BEFORE ROW triggers in name order, then AFTER
-- ROW, then AFTER STATEMENT. Only `create trigger` statements (idempotent); the functions they run
-- live in functions/ (docs/architecture.md).

-- named to fire first (triggers fire in name order): before apply_default_session_type & co.
drop trigger if exists admit_user_write on public.service_sessions;
create trigger admit_user_write
  before insert or update on public.service_sessions
  for each row
  when (current_user in ('anon', 'authenticated'))
  execute function private.service_sessions_admit_user_write();

drop trigger if exists apply_default_session_type on public.service_sessions;
create trigger apply_default_session_type
  before insert on public.service_sessions
  for each row
  when (new.session_type_id is null)
  execute function private.apply_default_session_type();

drop trigger if exists touch_updated_at on public.service_sessions;
create trigger touch_updated_at before update on public.service_sessions
  for each row execute function private.touch_updated_at();

drop trigger if exists service_sessions_expire_waitlist on public.service_sessions;
create trigger service_sessions_expire_waitlist
  after update of status on public.service_sessions
  for each row
  when (new.status in ('cancelled', 'completed') and old.status is distinct from new.status)
  execute function private.service_sessions_expire_waitlist();

drop trigger if exists service_sessions_no_overlap_update on public.service_sessions;
create trigger service_sessions_no_overlap_update
  after update of provider_id, starts_at, ends_at, status on public.service_sessions
  for each row
  when (new.status <> 'cancelled' and (old.status = 'cancelled' or new.provider_id <> old.provider_id or new.starts_at <> old.starts_at or new.ends_at <> old.ends_at))
  execute function private.service_sessions_no_overlap_update();
alter table public.service_sessions enable always trigger service_sessions_no_overlap_update;

drop trigger if exists service_sessions_promote_waitlist on public.service_sessions;
create trigger service_sessions_promote_waitlist
  after update of current_participants, max_participants on public.service_sessions
  for each row
  when (new.kind is distinct from 'individual'
        and new.status = 'scheduled'
        and new.current_participants < new.max_participants
        and (new.current_participants < old.current_participants or new.max_participants > old.max_participants))
  execute function private.service_sessions_promote_waitlist();

drop trigger if exists service_sessions_no_overlap_insert on public.service_sessions;
create trigger service_sessions_no_overlap_insert
  after insert on public.service_sessions
  referencing new table as new_rows
  for each statement
  execute function private.service_sessions_no_overlap_insert();
alter table public.service_sessions enable always trigger service_sessions_no_overlap_insert;

drop trigger if exists service_sessions_require_provider_on_insert on public.service_sessions;
create trigger service_sessions_require_provider_on_insert
  after insert on public.service_sessions
  referencing new table as new_rows
  for each statement execute function private.service_sessions_require_provider();

drop trigger if exists service_sessions_require_provider_on_update on public.service_sessions;
create trigger service_sessions_require_provider_on_update
  after update on public.service_sessions
  referencing old table as old_rows new table as new_rows
  for each statement execute function private.service_sessions_require_provider();

drop trigger if exists service_sessions_sync_bookings on public.service_sessions;
create trigger service_sessions_sync_bookings
  after update on public.service_sessions
  referencing old table as old_rows new table as new_rows
  for each statement execute function private.service_sessions_sync_bookings();
