-- Legacy baseline 3/5: what an organization sells (services) and prepaid bundles (packages).
-- Why: packages still carry the free-text `duration` the production app requires today;
-- the session types restructure (2026-11) replaces it.

create table public.services (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null references public.organizations (id) on delete cascade,
  provider_id uuid references auth.users (id) on delete set null,
  name text not null,
  description text,
  price numeric(10, 2) not null default 0,
  currency text not null default 'EUR',
  capacity integer not null default 1,
  is_active boolean not null default true,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint services_name_not_blank check (btrim(name) <> ''),
  constraint services_price_check check (price >= 0),
  constraint services_currency_check check (currency ~ '^[A-Z]{3}$'),
  constraint services_capacity_check check (capacity >= 1)
);

create index services_organization_id_idx on public.services (organization_id);

create index services_provider_id_idx on public.services (provider_id);

alter table public.services enable row level security;

comment on table public.services is 'Bookable offerings of an organization (a consultation, a driving lesson, a workshop).';
comment on column public.services.provider_id is 'Provider who runs this service; null = any provider of the organization.';
comment on column public.services.price is 'Price per session in `currency`.';
comment on column public.services.currency is 'ISO 4217 code, upper case.';
comment on column public.services.capacity is 'Participants per session: 1 for individual services, more for workshops and courses.';
comment on column public.services.is_active is 'Soft delete: inactive services cannot be booked but keep their history.';

create table public.packages (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null references public.organizations (id) on delete cascade,
  provider_id uuid references auth.users (id) on delete set null,
  name text not null,
  description text,
  duration text not null,
  session_count integer not null default 1,
  price numeric(10, 2) not null default 0,
  currency text not null default 'EUR',
  discount_percentage numeric(5, 2) not null default 0,
  valid_for_days integer,
  is_active boolean not null default true,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint packages_name_not_blank check (btrim(name) <> ''),
  constraint packages_session_count_check check (session_count >= 1),
  constraint packages_price_check check (price >= 0),
  constraint packages_currency_check check (currency ~ '^[A-Z]{3}$'),
  constraint packages_discount_percentage_check check (discount_percentage between 0 and 100),
  constraint packages_valid_for_days_check check (valid_for_days > 0)
);

create index packages_organization_id_idx on public.packages (organization_id);

create index packages_provider_id_idx on public.packages (provider_id);

alter table public.packages enable row level security;

comment on table public.packages is 'Prepaid bundles of sessions (credits) a client buys as a subscription.';
comment on column public.packages.duration is 'LEGACY free-text session length ("3h", "90 min", "1h30"…). Superseded by session_types; nullable since 2026-11, then dropped.';
comment on column public.packages.session_count is 'Number of session credits the package grants.';
comment on column public.packages.discount_percentage is 'Discount shown against the pay-per-session price, 0..100.';
comment on column public.packages.valid_for_days is 'Subscriptions to this package expire this many days after they start; null = no expiry.';
