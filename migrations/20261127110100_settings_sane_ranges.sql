-- Every numeric setting gets a sane range (issue 11). Why: settings accepted at the integer
-- maximum (cancellation_notice_hours or valid_for_days = 2147483647, …) made every later
-- cancel_booking / create_subscription fail with 22008 (timestamp out of range) while computing
-- now() - notice or starts_at + validity. Each column gets a <table>_<column>_range check next to
-- its existing lower-bound check (kept: dropping a constraint could surprise a client relying on
-- it): added not valid (a brief lock; new writes are checked at once) and validated by
-- 20261127110200 without blocking reads or writes. Bounds already in place:
-- services buffers 0..1440 minutes, min_notice_minutes 0..525600, max_advance_days 1..3650,
-- total_sessions_required 1..50, session_types.duration_minutes 1..1440, discount 0..100;
-- prices are numeric(10, 2).

set local lock_timeout = '5s';

alter table public.organization_settings
  add constraint organization_settings_cancellation_notice_hours_range
    check (cancellation_notice_hours between 0 and 8760) not valid;

alter table public.organization_settings
  add constraint organization_settings_note_lock_hours_range
    check (note_lock_hours between 0 and 8760) not valid;

alter table public.organization_settings
  add constraint organization_settings_recording_retention_days_range
    check (recording_retention_days between 1 and 10950) not valid;

alter table public.packages
  add constraint packages_valid_for_days_range
    check (valid_for_days between 1 and 3650) not valid;

alter table public.packages
  add constraint packages_session_count_range
    check (session_count between 1 and 1000) not valid;

alter table public.subscriptions
  add constraint subscriptions_total_sessions_range
    check (total_sessions between 1 and 1000) not valid;

alter table public.services
  add constraint services_capacity_range
    check (capacity between 1 and 10000) not valid;

alter table public.services
  add constraint services_max_bookings_per_day_range
    check (max_bookings_per_day between 1 and 1440) not valid;

alter table public.service_sessions
  add constraint service_sessions_max_participants_range
    check (max_participants between 1 and 10000) not valid;

comment on column public.organization_settings.cancellation_notice_hours is 'A credit is restored when a booking is cancelled at least this many hours before it starts (0..8760, a year); a client may not reschedule later than this.';
comment on column public.organization_settings.note_lock_hours is 'Session notes become read-only this many hours after creation (0..8760).';
comment on column public.organization_settings.recording_retention_days is 'Meeting recordings expire after this many days (1..10950, 30 years); null keeps them.';
comment on column public.packages.valid_for_days is 'Subscriptions to this package expire this many days after they start (1..3650); null = no expiry.';
comment on column public.packages.session_count is 'Number of session credits the package grants (1..1000).';
comment on column public.subscriptions.total_sessions is 'Credits granted (copied from the package at purchase; 1..1000).';
comment on column public.services.capacity is 'Participants per session (1..10000): 1 for individual services, more for workshops and courses.';
comment on column public.services.max_bookings_per_day is 'At most this many 1-to-1 bookings of this service per provider and local day (1..1440; DAILY_LIMIT_REACHED); null = unlimited.';
comment on column public.service_sessions.max_participants is 'Capacity of the session (1..10000).';
