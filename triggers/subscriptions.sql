-- The triggers of public.subscriptions, in firing order: BEFORE ROW triggers in name order, then AFTER
-- ROW, then AFTER STATEMENT. Only `create trigger` statements (idempotent); the functions they run
-- live in functions/ (docs/architecture.md).

drop trigger if exists subscriptions_before_write on public.subscriptions;
create trigger subscriptions_before_write
  before insert or update on public.subscriptions
  for each row execute function private.subscriptions_before_write();

-- named to fire after subscriptions_before_write (triggers fire in name order)
drop trigger if exists subscriptions_user_write on public.subscriptions;
create trigger subscriptions_user_write
  before insert or update on public.subscriptions
  for each row
  when (current_user in ('anon', 'authenticated'))
  execute function private.subscriptions_user_write();

drop trigger if exists touch_updated_at on public.subscriptions;
create trigger touch_updated_at before update on public.subscriptions
  for each row execute function private.touch_updated_at();
