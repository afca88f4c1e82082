-- Session types restructure, expand step 2/4: organization default and session/booking links.
-- Why: sessions and bookings get a (nullable, backfilled where unambiguous) session type, and
-- each organization may name a default applied when a session is created without one.
-- Composite foreign keys (organization_id, session_type_id) keep references inside the tenant.
-- They are added not valid here (no scan of the legacy tables under lock) and validated by
-- 20261124000300 in its own transaction.

set local lock_timeout = '5s';

alter table public.organization_settings add column default_session_type_id uuid;

alter table public.organization_settings
  add constraint organization_settings_default_session_type_fkey
  foreign key (organization_id, default_session_type_id)
  references public.session_types (organization_id, id)
  on delete set null (default_session_type_id)
  not valid;

create index organization_settings_default_session_type_idx
  on public.organization_settings (organization_id, default_session_type_id);

comment on column public.organization_settings.default_session_type_id is 'Session type applied when a session is created without one. Set with set_default_session_type(); set automatically while exactly one active type exists.';

alter table public.service_sessions add column session_type_id uuid;

alter table public.service_sessions
  add constraint service_sessions_session_type_fkey
  foreign key (organization_id, session_type_id)
  references public.session_types (organization_id, id)
  not valid;

create index service_sessions_session_type_idx
  on public.service_sessions (organization_id, session_type_id);

comment on column public.service_sessions.session_type_id is 'Session type of this session; defaults server-side to the organization default (or its only active type).';

alter table public.bookings add column session_type_id uuid;

alter table public.bookings
  add constraint bookings_session_type_fkey
  foreign key (organization_id, session_type_id)
  references public.session_types (organization_id, id)
  not valid;

create index bookings_session_type_idx
  on public.bookings (organization_id, session_type_id);

comment on column public.bookings.session_type_id is 'Session type booked; defaults server-side like service_sessions.session_type_id.';
