-- The triggers of public.session_types, in firing order: BEFORE ROW triggers in name order, then AFTER
-- ROW, then AFTER STATEMENT. Only `create trigger` statements (idempotent); the functions they run
-- live in functions/ (docs/architecture.md).

drop trigger if exists admit_user_write on public.session_types;
create trigger admit_user_write
  before update on public.session_types
  for each row
  when (current_user in ('anon', 'authenticated'))
  execute function private.tenant_row_admit_user_write();

drop trigger if exists guard_session_type_delete on public.session_types;
create trigger guard_session_type_delete
  before delete on public.session_types
  for each row execute function private.guard_session_type_delete();

drop trigger if exists normalize_session_type on public.session_types;
create trigger normalize_session_type
  before insert or update on public.session_types
  for each row execute function private.normalize_session_type();

drop trigger if exists touch_updated_at on public.session_types;
create trigger touch_updated_at before update on public.session_types
  for each row execute function private.touch_updated_at();

drop trigger if exists sync_default_session_type on public.session_types;
create trigger sync_default_session_type
  after insert or delete or update of is_active, organization_id on public.session_types
  for each row execute function private.session_types_sync_default();
