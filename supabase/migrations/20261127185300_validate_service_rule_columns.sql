-- Validate the checks added not valid by 20261127185000 (slot step, client limits, session
-- labels). Why: adding them not valid took only a brief lock; validating in this separate
-- transaction scans services under a lock that blocks neither reads nor writes.

set local lock_timeout = '5s';

alter table public.services validate constraint services_slot_step_minutes_range;

alter table public.services validate constraint services_max_bookings_per_client_range;

alter table public.services validate constraint services_max_bookings_per_client_period_check;

alter table public.services validate constraint services_client_limit_complete;

alter table public.services validate constraint services_session_labels_check;
