-- Scheduling core 3/10 (expand): bookings reference their service session and carry a kind.
-- Why: every booking created from now on has a service session (the booking RPCs create the
-- private individual session of a 1-to-1 booking in the same transaction); legacy rows get
-- theirs from the service_sessions backfill, after which a guarded contract migration makes
-- the column required. start_time/end_time stay, kept in sync from the session by trigger,
-- for old frontends. The tenant-safe foreign key is validated by 20261124010800.

set local lock_timeout = '5s';

alter table public.bookings add column service_session_id uuid;

create index bookings_service_session_idx on public.bookings (service_session_id, organization_id);

alter table public.bookings
  add constraint bookings_service_session_fkey
  foreign key (organization_id, service_session_id)
  references public.service_sessions (organization_id, id)
  not valid;

comment on column public.bookings.service_session_id is 'The service session booked (schedule, room, capacity). Nullable only until the service_sessions backfill has linked every legacy booking; embed it with select=*,service_session:service_sessions(*).';

alter table public.bookings add column booking_kind text not null default 'regular';

alter table public.bookings
  add constraint bookings_booking_kind_check check (booking_kind in ('regular', 'trial', 'guest')) not valid;

comment on column public.bookings.booking_kind is 'regular (may spend a subscription credit) | trial | guest (never linked to a subscription).';

-- one live booking per client and session: a client cannot join the same workshop twice
create unique index bookings_service_session_client_key
  on public.bookings (service_session_id, client_id)
  where status in ('pending', 'confirmed');

comment on column public.bookings.start_time is 'DEPRECATED: copy of service_sessions.starts_at kept in sync by trigger for old frontends; use computed_start_time or the embedded service session.';
comment on column public.bookings.end_time is 'DEPRECATED: copy of service_sessions.ends_at kept in sync by trigger for old frontends; use computed_end_time or the embedded service session.';
