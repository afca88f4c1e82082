-- The triggers of public.organization_settings, in firing order: BEFORE ROW triggers in name order, then AFTER
-- ROW, then AFTER STATEMENT. Only `create trigger` statements (idempotent); the functions they run
-- live in functions/ (docs/architecture.md).

drop trigger if exists admit_user_write on public.organization_settings;
create trigger admit_user_write
  before update on public.organization_settings
  for each row
  when (current_user in ('anon', 'authenticated'))
  execute function private.tenant_row_admit_user_write();

drop trigger if exists touch_updated_at on public.organization_settings;
create trigger touch_updated_at before update on public.organization_settings
  for each row execute function private.touch_updated_at();

drop trigger if exists validate_default_session_type on public.organization_settings;
create trigger validate_default_session_type
  before insert or update of default_session_type_id on public.organization_settings
  for each row execute function private.validate_default_session_type();
