-- The triggers of public.organization_members, in firing order: BEFORE ROW triggers in name order, then AFTER
-- ROW, then AFTER STATEMENT. Only `create trigger` statements (idempotent); the functions they run
-- live in functions/ (docs/architecture.md).

drop trigger if exists admit_user_write on public.organization_members;
create trigger admit_user_write
  before insert or update on public.organization_members
  for each row
  when (current_user in ('anon', 'authenticated'))
  execute function private.organization_members_admit_user_write();

drop trigger if exists organization_members_guard_departure on public.organization_members;
create trigger organization_members_guard_departure
  before update of role or delete on public.organization_members
  for each row execute function private.organization_members_guard_departure();

drop trigger if exists protect_last_owner on public.organization_members;
create trigger protect_last_owner
  before update or delete on public.organization_members
  for each row execute function private.protect_last_owner();

drop trigger if exists touch_updated_at on public.organization_members;
create trigger touch_updated_at before update on public.organization_members
  for each row execute function private.touch_updated_at();

drop trigger if exists organization_members_announce on public.organization_members;
create trigger organization_members_announce
  after insert or update of status or delete on public.organization_members
  for each row execute function private.organization_members_announce();
