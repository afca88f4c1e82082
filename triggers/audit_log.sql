-- The triggers of public.audit_log, in firing order: BEFORE ROW triggers in name order, then AFTER
-- ROW, then AFTER STATEMENT. Only `create trigger` statements (idempotent); the functions they run
-- live in functions/ (docs/architecture.md).

drop trigger if exists protect_append_only on public.audit_log;
create trigger protect_append_only
  before update or delete on public.audit_log
  for each row execute function private.protect_append_only();
