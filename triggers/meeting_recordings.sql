-- The triggers of public.meeting_recordings, in firing order: BEFORE ROW triggers in name order, then AFTER
-- ROW, then AFTER STATEMENT. Only `create trigger` statements (idempotent); the functions they run
-- live in functions/ (docs/architecture.md).

drop trigger if exists meeting_recordings_before_write on public.meeting_recordings;
create trigger meeting_recordings_before_write
  before insert or update of booking_id, organization_id on public.meeting_recordings
  for each row execute function private.meeting_recordings_before_write();

drop trigger if exists meeting_recordings_after_delete on public.meeting_recordings;
create trigger meeting_recordings_after_delete
  after delete on public.meeting_recordings
  for each row execute function private.meeting_recordings_after_delete();
