-- One index instead of two on every dispatched booking (issue 13, the index audit in
-- docs/performance.md).
-- Why: every booking the recurring dispatcher writes names its series, so it paid for two partial
-- indexes led by recurring_booking_id: the unique (recurring_booking_id, recurring_occurrence_date)
-- that books each occurrence once, and (recurring_booking_id, organization_id) for the
-- tenant-safe foreign key to recurring_bookings (organization_id, id). One unique index
-- (recurring_booking_id, organization_id, recurring_occurrence_date) does both: it leads with the
-- foreign key's columns, and it is exactly as unique, because that foreign key makes a series'
-- bookings all carry the series' organization. Same name, same violation (23505) for a second
-- booking of an occurrence.

set local lock_timeout = '5s';

create unique index bookings_recurring_occurrence_org_key
  on public.bookings (recurring_booking_id, organization_id, recurring_occurrence_date)
  where recurring_booking_id is not null;

-- squawk-ignore require-concurrent-index-deletion
drop index public.bookings_recurring_occurrence_key;

-- squawk-ignore require-concurrent-index-deletion
drop index public.bookings_recurring_booking_idx;

-- no client names an index; the old name stays the one errors and docs use
-- squawk-ignore renaming-object
alter index public.bookings_recurring_occurrence_org_key rename to bookings_recurring_occurrence_key;

comment on index public.bookings_recurring_occurrence_key is
  'Each occurrence of a recurring series is booked at most once (whatever the booking''s status); also the index of the foreign key (organization_id, recurring_booking_id) -> recurring_bookings.';
