-- Session types restructure, expand step 4/4: validate the tenant-safe session type foreign keys.
-- Why: added not valid by 20261124000100 (cheap lock); validating in a separate transaction
-- scans service_sessions/bookings under a lock that does not block reads or writes.

set local lock_timeout = '5s';

alter table public.organization_settings validate constraint organization_settings_default_session_type_fkey;

alter table public.service_sessions validate constraint service_sessions_session_type_fkey;

alter table public.bookings validate constraint bookings_session_type_fkey;
