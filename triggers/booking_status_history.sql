-- The triggers of public.booking_status_history, in firing order: BEFORE ROW triggers in name order, then AFTER
-- ROW, then AFTER STATEMENT. Only `create trigger` statements (idempotent); the functions they run
-- live in functions/ (docs/architecture.md).

drop trigger if exists protect_append_only on public.booking_status_history;
create trigger protect_append_only
  before update or delete on public.booking_status_history
  for each row execute function private.protect_append_only();
