-- Session types restructure, expand step 1/4: reusable per-organization session definitions.
-- Why: a session's length used to live in the free-text packages.duration; session types make
-- duration and metadata first-class, with an organization default (see 20261124000100).

set local lock_timeout = '5s';

create table public.session_types (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null references public.organizations (id) on delete cascade,
  user_id uuid references auth.users (id) on delete set null,
  name text not null,
  description text,
  category text,
  duration_minutes integer not null,
  is_active boolean not null default true,
  sort_order integer not null default 0,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint session_types_name_not_blank check (btrim(name) <> '' and char_length(name) <= 120),
  constraint session_types_duration_minutes_check check (duration_minutes between 1 and 1440),
  -- target of the tenant-safe composite foreign keys (a row may only reference its own org's types)
  constraint session_types_organization_id_id_key unique (organization_id, id)
);

create unique index session_types_organization_id_lower_name_key
  on public.session_types (organization_id, lower(name));

create index session_types_organization_id_sort_order_idx
  on public.session_types (organization_id, sort_order);

create index session_types_user_id_idx on public.session_types (user_id);

alter table public.session_types enable row level security;

comment on table public.session_types is 'Reusable session definitions of an organization (name, duration, category). Soft delete with is_active = false; a type still referenced cannot be deleted.';
comment on column public.session_types.user_id is 'auth.users id of the user who created the type.';
comment on column public.session_types.name is 'Display name, unique per organization regardless of case.';
comment on column public.session_types.category is 'Free grouping label (e.g. assessment, treatment, lesson).';
comment on column public.session_types.duration_minutes is 'Length of a session of this type, 1..1440 minutes.';
comment on column public.session_types.is_active is 'Soft delete: inactive types are kept for history but not offered for new sessions.';
comment on column public.session_types.sort_order is 'Display order within the organization (ascending).';
