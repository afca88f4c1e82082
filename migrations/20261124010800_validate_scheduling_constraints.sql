-- Scheduling core 9/10: validate the constraints added not valid by 20261124010000..0200.
-- Why: adding them not valid took only a brief lock; validating in this separate transaction
-- scans services, service_sessions and bookings under a lock that does not block reads/writes.

set local lock_timeout = '5s';

alter table public.services validate constraint services_session_type_fkey;

alter table public.services validate constraint services_buffer_before_minutes_check;

alter table public.services validate constraint services_buffer_after_minutes_check;

alter table public.services validate constraint services_min_notice_minutes_check;

alter table public.services validate constraint services_max_advance_days_check;

alter table public.services validate constraint services_max_bookings_per_day_check;

alter table public.service_sessions validate constraint service_sessions_kind_check;

alter table public.service_sessions validate constraint service_sessions_visibility_check;

alter table public.service_sessions validate constraint service_sessions_individual_capacity_check;

alter table public.bookings validate constraint bookings_service_session_fkey;

alter table public.bookings validate constraint bookings_booking_kind_check;
