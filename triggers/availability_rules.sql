-- The triggers of public.availability_rules, in firing order: BEFORE ROW triggers in name order, then AFTER
-- ROW, then AFTER STATEMENT. Only `create trigger` statements (idempotent); the functions they run
-- live in functions/ (docs/architecture.md).

drop trigger if exists admit_user_write on public.availability_rules;
create trigger admit_user_write
  before update on public.availability_rules
  for each row
  when (current_user in ('anon', 'authenticated'))
  execute function private.tenant_row_admit_user_write();

drop trigger if exists touch_updated_at on public.availability_rules;
create trigger touch_updated_at before update on public.availability_rules
  for each row execute function private.touch_updated_at();

drop trigger if exists validate_availability on public.availability_rules;
create trigger validate_availability
  before insert or update on public.availability_rules
  for each row execute function private.validate_availability();
