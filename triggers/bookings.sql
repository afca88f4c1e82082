-- The triggers of public.bookings, in firing order: BEFORE ROW triggers in name order, then AFTER
-- ROW, then AFTER STATEMENT. Only `create trigger` statements (idempotent); the functions they run
-- live in functions/ (docs/architecture.md).

-- named to fire first (triggers fire in name order): before apply_default_session_type & co.
drop trigger if exists admit_user_write on public.bookings;
create trigger admit_user_write
  before insert or update on public.bookings
  for each row
  when (current_user in ('anon', 'authenticated'))
  execute function private.bookings_admit_user_write();

drop trigger if exists apply_default_session_type on public.bookings;
create trigger apply_default_session_type
  before insert on public.bookings
  for each row execute function private.apply_default_session_type();

drop trigger if exists bookings_before_write on public.bookings;
create trigger bookings_before_write
  before insert or update on public.bookings
  for each row execute function private.bookings_before_write();

drop trigger if exists bookings_legacy_insert on public.bookings;
create trigger bookings_legacy_insert
  before insert on public.bookings
  for each row
  when (new.service_session_id is null)
  execute function private.bookings_legacy_insert();

drop trigger if exists bookings_spend_credit on public.bookings;
create trigger bookings_spend_credit
  before insert or update of subscription_id, status on public.bookings
  for each row execute function private.bookings_spend_credit();

drop trigger if exists touch_updated_at on public.bookings;
create trigger touch_updated_at before update on public.bookings
  for each row execute function private.touch_updated_at();

drop trigger if exists bookings_after_write on public.bookings;
create trigger bookings_after_write
  after insert or delete or update of status, service_session_id on public.bookings
  for each row execute function private.bookings_after_write();

drop trigger if exists treatment_session_completed on public.bookings;
create trigger treatment_session_completed
  after update of status on public.bookings
  for each row
  when (new.session_group_id is not null and new.status = 'completed' and old.status is distinct from 'completed')
  execute function private.treatment_session_completed();
