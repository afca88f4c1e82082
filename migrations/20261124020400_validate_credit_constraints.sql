-- Credits and subscriptions 5/6: validate the constraints added not valid by 20261124020000/0100.
-- Why: adding them not valid took only a brief lock; validating in this separate transaction
-- scans subscriptions and bookings under a lock that does not block reads or writes.

set local lock_timeout = '5s';

alter table public.subscriptions validate constraint subscriptions_status_check;

alter table public.bookings validate constraint bookings_subscription_fkey;

alter table public.bookings validate constraint bookings_subscription_kind_check;
