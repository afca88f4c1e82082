-- The triggers of public.organizations, in firing order: BEFORE ROW triggers in name order, then AFTER
-- ROW, then AFTER STATEMENT. Only `create trigger` statements (idempotent); the functions they run
-- live in functions/ (docs/architecture.md).

drop trigger if exists touch_updated_at on public.organizations;
create trigger touch_updated_at before update on public.organizations
  for each row execute function private.touch_updated_at();

drop trigger if exists validate_organization on public.organizations;
create trigger validate_organization
  before insert or update of timezone on public.organizations
  for each row execute function private.validate_organization();
