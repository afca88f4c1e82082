-- Legacy baseline 4/5: group sessions (workshops, courses) and bookings as in production today.
-- Why: 1-to-1 bookings carry their own start_time/end_time and no service session; only
-- workshops and courses have service_sessions rows. Later migrations restructure this.

create table public.service_sessions (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null references public.organizations (id) on delete cascade,
  service_id uuid not null references public.services (id) on delete cascade,
  provider_id uuid not null references auth.users (id),
  starts_at timestamptz not null,
  ends_at timestamptz not null,
  max_participants integer not null default 1,
  current_participants integer not null default 0,
  status text not null default 'scheduled',
  location text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint service_sessions_time_range_check check (ends_at > starts_at),
  constraint service_sessions_max_participants_check check (max_participants >= 1),
  constraint service_sessions_current_participants_check check (current_participants between 0 and max_participants),
  constraint service_sessions_status_check check (status in ('scheduled', 'cancelled', 'completed'))
);

create index service_sessions_organization_id_starts_at_idx on public.service_sessions (organization_id, starts_at);

create index service_sessions_service_id_idx on public.service_sessions (service_id);

create index service_sessions_provider_id_starts_at_idx on public.service_sessions (provider_id, starts_at);

alter table public.service_sessions enable row level security;

comment on table public.service_sessions is 'A scheduled occurrence of a service that clients book into (legacy: workshops and courses only).';
comment on column public.service_sessions.provider_id is 'auth.users id of the provider running the session.';
comment on column public.service_sessions.max_participants is 'Capacity of the session.';
comment on column public.service_sessions.current_participants is 'Number of non-cancelled bookings; never exceeds max_participants.';
comment on column public.service_sessions.status is 'scheduled | cancelled | completed.';
comment on column public.service_sessions.location is 'Room, address or meeting link.';

create table public.bookings (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null references public.organizations (id) on delete cascade,
  client_id uuid not null references auth.users (id),
  provider_id uuid not null references auth.users (id),
  service_id uuid references public.services (id) on delete set null,
  start_time timestamptz not null,
  end_time timestamptz not null,
  status text not null default 'pending',
  notes text,
  price numeric(10, 2),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint bookings_time_range_check check (end_time > start_time),
  constraint bookings_status_check check (status in ('pending', 'confirmed', 'completed', 'cancelled', 'no_show')),
  constraint bookings_price_check check (price >= 0)
);

create index bookings_organization_id_start_time_idx on public.bookings (organization_id, start_time);

create index bookings_client_id_start_time_idx on public.bookings (client_id, start_time);

create index bookings_provider_id_start_time_idx on public.bookings (provider_id, start_time);

create index bookings_service_id_idx on public.bookings (service_id);

alter table public.bookings enable row level security;

comment on table public.bookings is 'A client''s reservation of a session with a provider.';
comment on column public.bookings.client_id is 'auth.users id of the client who attends.';
comment on column public.bookings.provider_id is 'auth.users id of the provider who runs the session.';
comment on column public.bookings.service_id is 'Service booked; legacy rows may have none.';
comment on column public.bookings.start_time is 'LEGACY start of a 1-to-1 booking; deprecated in favour of the service session''s starts_at.';
comment on column public.bookings.end_time is 'LEGACY end of a 1-to-1 booking; deprecated in favour of the service session''s ends_at.';
comment on column public.bookings.status is 'pending | confirmed | completed | cancelled | no_show.';
comment on column public.bookings.price is 'Price snapshot at booking time.';
