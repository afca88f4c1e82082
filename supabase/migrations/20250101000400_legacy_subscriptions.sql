-- Legacy baseline 5/5: client subscriptions to packages (session credits), as in production today.
-- Why: production allows several active subscriptions per client; a later backfill resolves
-- that before a contract migration adds the one-active-subscription unique index.

create table public.subscriptions (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null references public.organizations (id) on delete cascade,
  client_id uuid not null references auth.users (id),
  package_id uuid not null references public.packages (id),
  status text not null default 'active',
  total_sessions integer not null,
  starts_at timestamptz not null default now(),
  expires_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint subscriptions_status_check check (status in ('active', 'paused', 'completed', 'expired', 'cancelled')),
  constraint subscriptions_total_sessions_check check (total_sessions >= 1),
  constraint subscriptions_period_check check (expires_at is null or expires_at > starts_at)
);

create index subscriptions_organization_id_client_id_idx on public.subscriptions (organization_id, client_id);

create index subscriptions_client_id_idx on public.subscriptions (client_id);

create index subscriptions_package_id_idx on public.subscriptions (package_id);

alter table public.subscriptions enable row level security;

comment on table public.subscriptions is 'A client''s purchase of a package: total_sessions credits valid from starts_at to expires_at.';
comment on column public.subscriptions.status is 'active | paused | completed | expired | cancelled.';
comment on column public.subscriptions.total_sessions is 'Credits granted (copied from the package at purchase).';
comment on column public.subscriptions.expires_at is 'End of validity; null = never expires.';
