-- The triggers of public.session_notes, in firing order: BEFORE ROW triggers in name order, then AFTER
-- ROW, then AFTER STATEMENT. Only `create trigger` statements (idempotent); the functions they run
-- live in functions/ (docs/architecture.md).

drop trigger if exists session_notes_before_write on public.session_notes;
create trigger session_notes_before_write
  before insert or update on public.session_notes
  for each row execute function private.session_notes_before_write();

drop trigger if exists touch_updated_at on public.session_notes;
create trigger touch_updated_at before update on public.session_notes
  for each row execute function private.touch_updated_at();
