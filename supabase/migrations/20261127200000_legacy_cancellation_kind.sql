-- Why: the cancellations backfill writes through the table's triggers (issue 13: no trigger
-- bypass). A historic cancellation needs its record, not a second cancellation, a notification
-- or a credit change; it says so with an explicit marker the triggers honour:
-- cancellation_kind = 'legacy' (private.legacy_cancellation_record, functions/bookings/
-- cancel_booking.sql: trusted writers only, a booking already cancelled). Added not valid (a
-- brief lock, no scan; every existing row passes, the check only widens) and validated by
-- 20261127200100.

set local lock_timeout = '5s';

-- the check is replaced by a wider one (same name): every value it allowed stays allowed
alter table public.booking_cancellations
  -- squawk-ignore ban-drop-constraint
  drop constraint booking_cancellations_kind_check,
  add constraint booking_cancellations_kind_check
    check (cancellation_kind in ('cancelled', 'declined', 'expired', 'legacy')) not valid;

comment on column public.booking_cancellations.cancellation_kind is
  'cancelled (cancel_booking), declined (decline_booking: the provider or an owner/admin refused a pending booking), expired (the expire-pending-bookings job: nobody answered in time) or legacy (the record of a booking cancelled before records were kept, written by a trusted writer such as the cancellations backfill: the triggers cancel nothing, notify nobody and move no credit; refused to anon/authenticated). Declined and expired bookings never cost the client a credit.';
