-- The triggers of public.booking_cancellations, in firing order: BEFORE ROW triggers in name order, then AFTER
-- ROW, then AFTER STATEMENT. Only `create trigger` statements (idempotent); the functions they run
-- live in functions/ (docs/architecture.md).

drop trigger if exists booking_cancellations_before_insert on public.booking_cancellations;
create trigger booking_cancellations_before_insert
  before insert on public.booking_cancellations
  for each row execute function private.booking_cancellations_before_insert();

drop trigger if exists protect_append_only on public.booking_cancellations;
create trigger protect_append_only
  before update or delete on public.booking_cancellations
  for each row execute function private.protect_append_only();

drop trigger if exists booking_cancellations_apply on public.booking_cancellations;
create trigger booking_cancellations_apply
  after insert on public.booking_cancellations
  referencing new table as new_rows
  for each statement execute function private.booking_cancellations_apply();
