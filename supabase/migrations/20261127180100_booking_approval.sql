-- Approval 1/2 (issue 14): a service can require the provider's confirmation. Why: studios and
-- clinics want to vet a booking before it is final (Cal.com "requires confirmation").
--   services.requires_approval       a client's own booking starts pending
--   services.approval_timeout_hours  how long the provider/admin has to answer (1..720)
--   bookings.approval_expires_at     the answer deadline of a pending booking: booking time +
--                                    the service's limit, at the latest the start; past it the
--                                    expire-pending-bookings job expires it (20261127180200)
--   booking_cancellations.cancellation_kind  cancelled | declined | expired: a declined or expired
--                                    booking is a cancelled booking (status cancelled, the slot
--                                    released, the credit restored) with its own kind and event,
--                                    so every place that lists statuses stays as it is.
-- A pending booking already holds its slot (its service session is scheduled) and its credit
-- (pending counts as scheduled); see functions/approvals/ and docs/scheduling.md. The checks are
-- added not valid (a brief lock, no scan) and validated by 20261127180300.

set local lock_timeout = '5s';

alter table public.services
  add column requires_approval boolean not null default false,
  add column approval_timeout_hours integer not null default 24,
  add constraint services_approval_timeout_hours_range check (approval_timeout_hours between 1 and 720) not valid;

comment on column public.services.requires_approval is
  'A booking a client makes for themself starts pending and holds its slot and credit until the provider or an owner/admin confirms (confirm_booking) or declines (decline_booking) it, or it expires. Bookings staff make for a client (and the system) start confirmed.';
comment on column public.services.approval_timeout_hours is
  'Hours the provider/admin has to answer a pending booking (1..720); the answer deadline is at the latest the session start.';

alter table public.bookings
  add column approval_expires_at timestamptz;

comment on column public.bookings.approval_expires_at is
  'Answer deadline of a booking awaiting approval (set when it is made pending: now + the service''s approval_timeout_hours, at the latest its start). A pending booking past it is expired by the expire-pending-bookings job; null for bookings that never awaited approval.';

-- the expiry job's scan: only bookings awaiting an answer are in it
create index bookings_pending_approval_idx on public.bookings (approval_expires_at)
  where status = 'pending' and approval_expires_at is not null;

alter table public.booking_cancellations
  add column cancellation_kind text not null default 'cancelled',
  add constraint booking_cancellations_kind_check check (cancellation_kind in ('cancelled', 'declined', 'expired')) not valid;

comment on column public.booking_cancellations.cancellation_kind is
  'cancelled (cancel_booking), declined (decline_booking: the provider or an owner/admin refused a pending booking) or expired (the expire-pending-bookings job: nobody answered in time). Declined and expired bookings never cost the client a credit.';
