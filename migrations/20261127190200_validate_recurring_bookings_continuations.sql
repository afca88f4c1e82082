-- Series a client can edit (issue 14) 3/3: validate the key and checks 20261127190100 added not
-- valid. Why a separate migration: validating scans recurring_bookings under a lock that does
-- not block reads or writes (the dispatcher keeps claiming series meanwhile).

set local lock_timeout = '5s';

alter table public.recurring_bookings validate constraint recurring_bookings_continues_fkey;

alter table public.recurring_bookings validate constraint recurring_bookings_valid_from_check;

alter table public.recurring_bookings validate constraint recurring_bookings_continues_check;
