-- Validate the constraints added not valid by 20261127110000 (cancelled_by_role) and
-- 20261127110100 (setting ranges). Why: adding them not valid took only a brief lock; validating
-- in this separate transaction scans the tables under a lock that blocks neither reads nor writes.

set local lock_timeout = '5s';

alter table public.booking_cancellations validate constraint booking_cancellations_cancelled_by_role_check;

alter table public.organization_settings validate constraint organization_settings_cancellation_notice_hours_range;

alter table public.organization_settings validate constraint organization_settings_note_lock_hours_range;

alter table public.organization_settings validate constraint organization_settings_recording_retention_days_range;

alter table public.packages validate constraint packages_valid_for_days_range;

alter table public.packages validate constraint packages_session_count_range;

alter table public.subscriptions validate constraint subscriptions_total_sessions_range;

alter table public.services validate constraint services_capacity_range;

alter table public.services validate constraint services_max_bookings_per_day_range;

alter table public.service_sessions validate constraint service_sessions_max_participants_range;
