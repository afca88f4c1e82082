-- The triggers of public.services, in firing order: BEFORE ROW triggers in name order, then AFTER
-- ROW, then AFTER STATEMENT. Only `create trigger` statements (idempotent); the functions they run
-- live in functions/ (docs/architecture.md).

drop trigger if exists admit_user_write on public.services;
create trigger admit_user_write
  before insert or update on public.services
  for each row
  when (current_user in ('anon', 'authenticated'))
  execute function private.tenant_row_admit_user_write();

drop trigger if exists touch_updated_at on public.services;
create trigger touch_updated_at before update on public.services
  for each row execute function private.touch_updated_at();
