-- The triggers of public.recurring_booking_exceptions, in firing order: BEFORE ROW triggers in name order, then AFTER
-- ROW, then AFTER STATEMENT. Only `create trigger` statements (idempotent); the functions they run
-- live in functions/ (docs/architecture.md).

drop trigger if exists touch_updated_at on public.recurring_booking_exceptions;
create trigger touch_updated_at before update on public.recurring_booking_exceptions
  for each row execute function private.touch_updated_at();
