-- The triggers of public.waitlist_entries, in firing order: BEFORE ROW triggers in name order, then AFTER
-- ROW, then AFTER STATEMENT. Only `create trigger` statements (idempotent); the functions they run
-- live in functions/ (docs/architecture.md).

drop trigger if exists touch_updated_at on public.waitlist_entries;
create trigger touch_updated_at before update on public.waitlist_entries
  for each row execute function private.touch_updated_at();
