-- Statement-level booking triggers (issue 13), 1/2: why a booking has its status travels with it.
-- Why: the status history is written per statement from the rows written (transition tables), so
-- the reason of a change can no longer come from a session setting the cancel path set for its
-- trigger (sessionkit.status_reason, a hidden argument): the writer states it in the same UPDATE
-- (`set status = 'cancelled', status_reason = …`) and the history copies it. Cleared when the
-- status changes again without a reason. Nullable, no default: no table rewrite.

set local lock_timeout = '5s';

alter table public.bookings add column status_reason text;

comment on column public.bookings.status_reason is
  'Why the booking has its current status, as given by whoever changed it (the cancellation reason, completed, Promoted from the waitlist, …); null when nobody said. Copied into booking_status_history.reason.';
