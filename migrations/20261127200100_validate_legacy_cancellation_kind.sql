-- Why: validates the widened booking_cancellations_kind_check of 20261127200000 (a scan under a
-- share update exclusive lock: reads and writes go on).

set local lock_timeout = '5s';

alter table public.booking_cancellations validate constraint booking_cancellations_kind_check;
