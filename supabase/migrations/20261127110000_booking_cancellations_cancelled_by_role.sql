-- Who cancels decides the credit (issue 10): every cancellation records the role its canceller
-- acted in. Why: only the client's own late cancellation may forfeit the client's credit; a
-- cancellation by the provider, an owner/admin or the system always restores it, and the
-- booking.cancelled event tells consumers who cancelled. The column is set by the cancellation
-- trigger (private.booking_cancellations_before_insert), never by the writer. Rows written before
-- this migration keep null (unknown). The check is added not valid (brief lock) and validated by
-- 20261127110200.

set local lock_timeout = '5s';

alter table public.booking_cancellations add column cancelled_by_role text;

alter table public.booking_cancellations
  add constraint booking_cancellations_cancelled_by_role_check
  check (cancelled_by_role in ('client', 'provider', 'admin', 'owner', 'system'))
  not valid;

comment on column public.booking_cancellations.cancelled_by_role is 'Role the canceller acted in, set by the database: client (the booking''s own client), provider (its provider), owner or admin (of its organization), system (service_role, jobs). Only a client''s cancellation inside cancellation_notice_hours forfeits the credit. Null for cancellations recorded before the column existed.';
