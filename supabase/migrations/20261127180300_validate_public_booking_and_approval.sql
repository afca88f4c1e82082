-- Public booking and approval: validate the checks added not valid by 20261127180000 and
-- 20261127180100. Why separately: VALIDATE CONSTRAINT scans under a SHARE UPDATE EXCLUSIVE lock,
-- so reads and writes go on meanwhile (booking_cancellations can be large). Every existing row
-- holds the column default, so nothing can fail here.

set local lock_timeout = '5s';

alter table public.organization_settings validate constraint organization_settings_public_booking_anonymous_kind_check;
alter table public.services validate constraint services_approval_timeout_hours_range;
alter table public.booking_cancellations validate constraint booking_cancellations_kind_check;
