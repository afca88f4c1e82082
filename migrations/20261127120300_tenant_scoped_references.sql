-- Tenant isolation (expand): every reference between tenant rows stays inside one
-- organization, enforced by composite foreign keys (organization_id, x_id) -> (organization_id, id).
-- Why: a plain foreign key on the id alone let an organization attach its rows to another's -
-- e.g. a workshop of organization B pointing at organization A's service, which then made A's
-- own reschedule of that service fail with a raw 23503. References that already were composite:
-- bookings -> service_sessions / session_types / subscriptions, services / service_sessions ->
-- session_types, organization_settings -> session_types. Added here:
--   service_sessions -> services, bookings -> services, bookings -> recurring_bookings,
--   subscriptions -> packages, recurring_bookings -> services, and booking_status_history,
--   booking_cancellations, session_notes, meeting_recordings -> bookings.
-- Each is added not valid (a brief lock, no scan); 20261127120400 checks the data, validates
-- them and drops the single-column keys they replace. Every referenced (organization_id, id) gets
-- a unique index, every referencing pair an index led by the id (it also serves lookups by id).

set local lock_timeout = '5s';

-- what the composite keys reference
create unique index services_organization_id_id_key on public.services (organization_id, id);

create unique index packages_organization_id_id_key on public.packages (organization_id, id);

create unique index bookings_organization_id_id_key on public.bookings (organization_id, id);

create unique index recurring_bookings_organization_id_id_key on public.recurring_bookings (organization_id, id);

-- the referencing sides
create index service_sessions_service_idx on public.service_sessions (service_id, organization_id);

create index bookings_service_idx on public.bookings (service_id, organization_id);

create index bookings_recurring_booking_idx on public.bookings (recurring_booking_id, organization_id)
  where recurring_booking_id is not null;

create index subscriptions_package_idx on public.subscriptions (package_id, organization_id);

create index recurring_bookings_service_idx on public.recurring_bookings (service_id, organization_id);

create index booking_status_history_booking_idx on public.booking_status_history (booking_id, organization_id, at);

create index booking_cancellations_booking_idx on public.booking_cancellations (booking_id, organization_id);

create index session_notes_booking_idx on public.session_notes (booking_id, organization_id);

create index meeting_recordings_booking_idx on public.meeting_recordings (booking_id, organization_id);

-- the keys
alter table public.service_sessions
  add constraint service_sessions_service_fkey
  foreign key (organization_id, service_id) references public.services (organization_id, id)
  on delete cascade
  not valid;

alter table public.bookings
  add constraint bookings_service_fkey
  foreign key (organization_id, service_id) references public.services (organization_id, id)
  on delete set null (service_id)
  not valid;

alter table public.bookings
  add constraint bookings_recurring_series_fkey
  foreign key (organization_id, recurring_booking_id) references public.recurring_bookings (organization_id, id)
  on delete set null (recurring_booking_id)
  not valid;

alter table public.subscriptions
  add constraint subscriptions_package_fkey
  foreign key (organization_id, package_id) references public.packages (organization_id, id)
  not valid;

alter table public.recurring_bookings
  add constraint recurring_bookings_service_fkey
  foreign key (organization_id, service_id) references public.services (organization_id, id)
  on delete cascade
  not valid;

alter table public.booking_status_history
  add constraint booking_status_history_booking_fkey
  foreign key (organization_id, booking_id) references public.bookings (organization_id, id)
  on delete cascade
  not valid;

alter table public.booking_cancellations
  add constraint booking_cancellations_booking_fkey
  foreign key (organization_id, booking_id) references public.bookings (organization_id, id)
  on delete cascade
  not valid;

alter table public.session_notes
  add constraint session_notes_booking_fkey
  foreign key (organization_id, booking_id) references public.bookings (organization_id, id)
  on delete cascade
  not valid;

alter table public.meeting_recordings
  add constraint meeting_recordings_booking_fkey
  foreign key (organization_id, booking_id) references public.bookings (organization_id, id)
  on delete cascade
  not valid;
