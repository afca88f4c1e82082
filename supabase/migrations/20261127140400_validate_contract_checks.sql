-- Staged backfills 5/7 (contract): validate the checks added not valid by 20261127140200/0300.
-- Why: validating in its own transaction scans service_sessions and bookings under a lock that
-- blocks neither reads nor writes; the guards already proved there is nothing to find.

set local lock_timeout = '5s';

alter table public.service_sessions validate constraint service_sessions_kind_required;

alter table public.service_sessions validate constraint service_sessions_visibility_required;

alter table public.bookings validate constraint bookings_service_session_required;
