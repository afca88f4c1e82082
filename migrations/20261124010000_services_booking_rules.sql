-- Scheduling core 1/10: services carry their session type and the booking rules users of
-- Cal.com or Calendly expect (buffers, minimum notice, booking window, daily limit).
-- Why: slot search and every booking path read slot length and rules from the service; the
-- session type link is tenant-safe (composite foreign key, validated by 20261124010800).

set local lock_timeout = '5s';

alter table public.services add column session_type_id uuid;

alter table public.services
  add constraint services_session_type_fkey
  foreign key (organization_id, session_type_id)
  references public.session_types (organization_id, id)
  not valid;

create index services_session_type_idx on public.services (organization_id, session_type_id);

alter table public.services add column buffer_before_minutes integer not null default 0;

alter table public.services add column buffer_after_minutes integer not null default 0;

alter table public.services add column min_notice_minutes integer not null default 0;

alter table public.services add column max_advance_days integer;

alter table public.services add column max_bookings_per_day integer;

alter table public.services
  add constraint services_buffer_before_minutes_check check (buffer_before_minutes between 0 and 1440) not valid;

alter table public.services
  add constraint services_buffer_after_minutes_check check (buffer_after_minutes between 0 and 1440) not valid;

alter table public.services
  add constraint services_min_notice_minutes_check check (min_notice_minutes between 0 and 525600) not valid;

alter table public.services
  add constraint services_max_advance_days_check check (max_advance_days between 1 and 3650) not valid;

alter table public.services
  add constraint services_max_bookings_per_day_check check (max_bookings_per_day >= 1) not valid;

comment on column public.services.session_type_id is 'Session type of this service: its duration is the slot length of get_available_slots and of 1-to-1 bookings. Null = the organization default (or its only active type).';
comment on column public.services.buffer_before_minutes is 'Padding the provider keeps free before a session of this service (0..1440). Buffers may overlap each other, never another session.';
comment on column public.services.buffer_after_minutes is 'Padding the provider keeps free after a session of this service (0..1440).';
comment on column public.services.min_notice_minutes is 'No booking closer than this to the start (TOO_LATE_TO_BOOK).';
comment on column public.services.max_advance_days is 'Booking window: no booking starting more than this many days ahead (OUTSIDE_BOOKING_WINDOW); null = unlimited.';
comment on column public.services.max_bookings_per_day is 'At most this many 1-to-1 bookings of this service per provider and local day (DAILY_LIMIT_REACHED); null = unlimited.';
