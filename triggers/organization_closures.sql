-- The triggers of public.organization_closures, in firing order: BEFORE ROW triggers in name order, then AFTER
-- ROW, then AFTER STATEMENT. Only `create trigger` statements (idempotent); the functions they run
-- live in functions/ (docs/architecture.md).

drop trigger if exists organization_closures_before_write on public.organization_closures;
create trigger organization_closures_before_write
  before insert or update on public.organization_closures
  for each row execute function private.organization_closures_before_write();

drop trigger if exists touch_updated_at on public.organization_closures;
create trigger touch_updated_at before update on public.organization_closures
  for each row execute function private.touch_updated_at();

drop trigger if exists organization_closures_announce on public.organization_closures;
create trigger organization_closures_announce
  after insert or update or delete on public.organization_closures
  for each row execute function private.organization_closures_announce();
