-- Multi-session treatments 4/6: validate the constraints added not valid by 20261124030000/0200.
-- Why: adding them not valid took only a brief lock; validating in this separate transaction
-- scans services and bookings under a lock that does not block reads or writes.

set local lock_timeout = '5s';

alter table public.services validate constraint services_total_sessions_required_check;

alter table public.services validate constraint services_multi_session_strategy_check;

alter table public.services validate constraint services_session_buffer_config_check;

alter table public.bookings validate constraint bookings_recurring_booking_fkey;

alter table public.bookings validate constraint bookings_recurring_occurrence_check;

alter table public.bookings validate constraint bookings_treatment_session_check;
