-- Organization-wide closures (issue 14): holidays, a studio closed for a day or part of one.
-- Why: a closure must block every provider of the organization at once, in slot search and on
-- every booking path (1-to-1 bookings, staff-scheduled sessions, joining a workshop, the recurring
-- dispatcher, treatments, reschedules), without anyone entering time off for each provider.
-- A closure is a time range [starts_at, ends_at) (create_organization_closure also takes a local
-- date and local times, converted in the organization's time zone). Owners/admins write them,
-- every member reads them; the rule is private.organization_closed_periods (ORGANIZATION_CLOSED,
-- PT422). The GiST index answers "closures of these organizations overlapping this window".

set local lock_timeout = '5s';

create table public.organization_closures (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null references public.organizations (id) on delete cascade,
  starts_at timestamptz not null,
  ends_at timestamptz not null,
  reason text not null,
  created_by uuid references auth.users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint organization_closures_time_range_check check (ends_at > starts_at),
  constraint organization_closures_length_check check (ends_at <= starts_at + interval '366 days'),
  constraint organization_closures_reason_check check (char_length(btrim(reason)) between 1 and 200),
  constraint organization_closures_organization_id_id_key unique (organization_id, id)
);

create index organization_closures_period_idx
  on public.organization_closures using gist (organization_id, tstzrange(starts_at, ends_at));

create index organization_closures_created_by_idx on public.organization_closures (created_by);

alter table public.organization_closures enable row level security;

comment on table public.organization_closures is 'When the whole organization is closed (holidays, a studio closed for a day or part of one): no provider of the organization can be booked or scheduled then (ORGANIZATION_CLOSED, PT422) and get_available_slots offers nothing. Every member reads them; owners/admins write them (directly or with create_organization_closure). Sessions already scheduled inside a new closure stay: organization_closure_conflicts lists them.';
comment on column public.organization_closures.starts_at is 'Start of the closure (inclusive).';
comment on column public.organization_closures.ends_at is 'End of the closure (exclusive); at most 366 days after starts_at.';
comment on column public.organization_closures.reason is 'Shown to members, e.g. "Christmas" (1..200 characters).';
