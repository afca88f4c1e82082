-- Series a client can edit (issue 14) 2/3: a series can continue another one from a date on.
-- Why: "from 1 March, Tuesdays at 11:00 instead of 10:00, with Anna instead of David" must leave
-- everything before that date as it was (bookings, history, the rule they were made under).
-- change_recurring_booking ends the series the day before its first changed occurrence and
-- creates the continuation: the same client, service, frequency, anchor (start_date, so monthly
-- series keep their day of the month) and end, the new time or provider, continues_id = the
-- series it continues and valid_from = its first occurrence. The chain is the series' history;
-- get_series_schedule follows it.
-- The key and checks are added not valid (brief lock) and validated by 20261127190200.

set local lock_timeout = '5s';

alter table public.recurring_bookings add column continues_id uuid;

alter table public.recurring_bookings add column valid_from date;

alter table public.recurring_bookings
  add constraint recurring_bookings_continues_fkey
  foreign key (organization_id, continues_id)
  references public.recurring_bookings (organization_id, id)
  on delete set null (continues_id)
  not valid;

alter table public.recurring_bookings
  add constraint recurring_bookings_valid_from_check
  check (valid_from is null or valid_from >= start_date) not valid;

alter table public.recurring_bookings
  add constraint recurring_bookings_continues_check
  check (continues_id is null or (continues_id <> id and valid_from is not null)) not valid;

-- a series is continued at most once (the chain is a line, not a tree); also serves the key
create unique index recurring_bookings_continues_key
  on public.recurring_bookings (continues_id, organization_id)
  where continues_id is not null;

comment on column public.recurring_bookings.continues_id is 'The series this one continues from valid_from on (change_recurring_booking: a new time or provider from a date on); null for a series set up as such. The series it continues ended the day before valid_from.';
comment on column public.recurring_bookings.valid_from is 'First local date of this series'' own occurrences when it continues another (start_date stays the anchor of the rule, so monthly series keep their day); null = start_date.';
