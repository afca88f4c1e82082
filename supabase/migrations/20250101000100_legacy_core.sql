-- Legacy baseline 2/5: tenants, their members and their settings, as in production today.
-- Why: every other table is scoped to an organization; membership roles drive all RLS.

create table public.organizations (
  id uuid primary key default gen_random_uuid(),
  name text not null,
  slug text not null,
  timezone text not null default 'UTC',
  created_by uuid references auth.users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint organizations_slug_key unique (slug),
  constraint organizations_name_not_blank check (btrim(name) <> '' and char_length(name) <= 200),
  constraint organizations_slug_format check (slug ~ '^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$')
);

create index organizations_created_by_idx on public.organizations (created_by);

alter table public.organizations enable row level security;

comment on table public.organizations is 'Tenants: a clinic, studio, school or practice. Created through the create_organization RPC.';
comment on column public.organizations.slug is 'URL-safe unique handle: lowercase letters, digits and hyphens, 3..63 characters.';
comment on column public.organizations.timezone is 'IANA time zone name (pg_timezone_names) used for local times, availability and recurring bookings.';
comment on column public.organizations.created_by is 'auth.users id of the user who created the organization (its first owner).';

create table public.organization_members (
  organization_id uuid not null references public.organizations (id) on delete cascade,
  user_id uuid not null references auth.users (id) on delete cascade,
  role text not null,
  display_name text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint organization_members_pkey primary key (organization_id, user_id),
  constraint organization_members_role_check check (role in ('owner', 'admin', 'provider', 'client'))
);

create index organization_members_user_id_idx on public.organization_members (user_id);

alter table public.organization_members enable row level security;

comment on table public.organization_members is 'Who belongs to which organization and with which role. A user may belong to many organizations.';
comment on column public.organization_members.role is 'owner | admin (manage the organization), provider (the specialist who runs sessions), client (books sessions).';
comment on column public.organization_members.display_name is 'Name shown to other members of this organization.';

create table public.organization_settings (
  organization_id uuid primary key references public.organizations (id) on delete cascade,
  cancellation_notice_hours integer not null default 24,
  note_lock_hours integer not null default 24,
  recording_retention_days integer,
  recurring_default_time time not null default '10:00',
  requires_subscription boolean not null default false,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint organization_settings_cancellation_notice_hours_check check (cancellation_notice_hours >= 0),
  constraint organization_settings_note_lock_hours_check check (note_lock_hours >= 0),
  constraint organization_settings_recording_retention_days_check check (recording_retention_days > 0)
);

alter table public.organization_settings enable row level security;

comment on table public.organization_settings is 'One row per organization, guaranteed by ensure_organization_settings().';
comment on column public.organization_settings.cancellation_notice_hours is 'A credit is restored when a booking is cancelled at least this many hours before it starts.';
comment on column public.organization_settings.note_lock_hours is 'Session notes become read-only this many hours after creation.';
comment on column public.organization_settings.recording_retention_days is 'Meeting recordings expire after this many days; null keeps them.';
comment on column public.organization_settings.recurring_default_time is 'Local time (organization time zone) used by recurring bookings that do not name one.';
comment on column public.organization_settings.requires_subscription is 'When false, a client without credits books pay-per-session; when true an active subscription is required.';
