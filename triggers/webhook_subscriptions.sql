-- The triggers of public.webhook_subscriptions, in firing order: BEFORE ROW triggers in name order, then AFTER
-- ROW, then AFTER STATEMENT. Only `create trigger` statements (idempotent); the functions they run
-- live in functions/ (docs/architecture.md).

drop trigger if exists touch_updated_at on public.webhook_subscriptions;
create trigger touch_updated_at before update on public.webhook_subscriptions
  for each row execute function private.touch_updated_at();

drop trigger if exists webhook_subscriptions_before_write on public.webhook_subscriptions;
create trigger webhook_subscriptions_before_write
  before insert or update on public.webhook_subscriptions
  for each row execute function private.webhook_subscriptions_before_write();
