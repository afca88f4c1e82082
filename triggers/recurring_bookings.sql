-- The triggers of public.recurring_bookings, in firing order: BEFORE ROW triggers in name order, then AFTER
-- ROW, then AFTER STATEMENT. Only `create trigger` statements (idempotent); the functions they run
-- live in functions/ (docs/architecture.md).

drop trigger if exists protect_recurring_bookkeeping on public.recurring_bookings;
create trigger protect_recurring_bookkeeping
  before update of organization_id, user_id, start_date, next_booking_date, last_generated_date, created_by,
    continues_id, valid_from
  on public.recurring_bookings
  for each row
  -- what PostgREST sent (the series RPCs run as their owner and keep these columns right)
  when (current_user in ('anon', 'authenticated'))
  execute function private.protect_recurring_bookkeeping();

-- named to fire before validate_recurring_booking, which trusts a continuation it is given
drop trigger if exists protect_recurring_continuation on public.recurring_bookings;
create trigger protect_recurring_continuation
  before insert
  on public.recurring_bookings
  for each row
  when (current_user in ('anon', 'authenticated') and (new.continues_id is not null or new.valid_from is not null))
  execute function private.protect_recurring_bookkeeping();

drop trigger if exists touch_updated_at on public.recurring_bookings;
create trigger touch_updated_at before update on public.recurring_bookings
  for each row execute function private.touch_updated_at();

drop trigger if exists validate_recurring_booking on public.recurring_bookings;
create trigger validate_recurring_booking
  before insert or update of organization_id, user_id, specialist_id, service_id, frequency, start_date, end_date,
    local_time, timezone
  on public.recurring_bookings
  for each row execute function private.validate_recurring_booking();

-- named to fire after validate_recurring_booking (which fills the defaults it reads)
drop trigger if exists validate_recurring_slots on public.recurring_bookings;
create trigger validate_recurring_slots
  before insert on public.recurring_bookings
  for each row
  when (new.is_active)
  execute function private.recurring_booking_slots_free();

-- only when the schedule changes or a paused series resumes: the dispatcher's daily update
-- (next_booking_date, is_active -> false) never calls the function
drop trigger if exists validate_recurring_slots_on_update on public.recurring_bookings;
create trigger validate_recurring_slots_on_update
  before update of specialist_id, service_id, frequency, start_date, end_date, local_time, timezone, is_active
  on public.recurring_bookings
  for each row
  when (new.is_active and (
    not old.is_active
    or new.specialist_id is distinct from old.specialist_id
    or new.service_id is distinct from old.service_id
    or new.frequency is distinct from old.frequency
    or new.start_date is distinct from old.start_date
    or new.end_date is distinct from old.end_date
    or new.local_time is distinct from old.local_time
    or new.timezone is distinct from old.timezone
  ))
  execute function private.recurring_booking_slots_free();
