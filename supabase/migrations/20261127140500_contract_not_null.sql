-- Staged backfills 6/7 (contract): the validated checks become NOT NULL columns.
-- Why: a NOT NULL column is what clients and generated types see. Postgres proves SET NOT NULL
-- from the valid checks of 20261127140400 without scanning the tables (a brief lock), after
-- which the checks are redundant and dropped.

set local lock_timeout = '5s';

-- squawk-ignore adding-not-nullable-field
alter table public.service_sessions alter column kind set not null;

-- squawk-ignore adding-not-nullable-field
alter table public.service_sessions alter column visibility set not null;

-- squawk-ignore adding-not-nullable-field
alter table public.bookings alter column service_session_id set not null;

-- squawk-ignore ban-drop-constraint
alter table public.service_sessions drop constraint service_sessions_kind_required;

-- squawk-ignore ban-drop-constraint
alter table public.service_sessions drop constraint service_sessions_visibility_required;

-- squawk-ignore ban-drop-constraint
alter table public.bookings drop constraint bookings_service_session_required;

comment on column public.service_sessions.kind is 'individual (a private 1-to-1 session created with its booking) | workshop | course_session.';
comment on column public.service_sessions.visibility is 'public (listed, any member joins) | private (only staff book clients into it) | unlisted (joinable by id, not listed).';
comment on column public.bookings.service_session_id is 'The service session booked (schedule, room, capacity); required. Embed it with select=*,service_session:service_sessions(*).';
