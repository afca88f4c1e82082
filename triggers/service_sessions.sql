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
  for each row execute function private.apply_default_session_type();

drop trigger if exists service_sessions_before_write on public.service_sessions;
create trigger service_sessions_before_write
  before insert or update on public.service_sessions
  for each row execute function private.service_sessions_before_write();

drop trigger if exists service_sessions_require_provider on public.service_sessions;
create trigger service_sessions_require_provider
  before insert or update of provider_id, organization_id, starts_at, ends_at, status on public.service_sessions
  for each row execute function private.service_sessions_require_provider();

drop trigger if exists touch_updated_at on public.service_sessions;
create trigger touch_updated_at before update on public.service_sessions
  for each row execute function private.touch_updated_at();

drop trigger if exists service_sessions_sync_bookings on public.service_sessions;
create trigger service_sessions_sync_bookings
  after update of starts_at, ends_at, provider_id on public.service_sessions
  for each row execute function private.service_sessions_sync_bookings();
