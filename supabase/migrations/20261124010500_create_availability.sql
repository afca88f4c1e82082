-- Scheduling core 6/10: provider availability: weekly hours and dated exceptions (seed 002).
-- Why: seed 002 checked availability only in the browser; here the database is the authority:
-- get_available_slots() and every booking path compute availability from these tables.
-- Local times are wall-clock times in the rule's time zone (default: the organization's), so a
-- 09:00-17:00 rule stays 09:00-17:00 across DST changes.

set local lock_timeout = '5s';

create table public.availability_rules (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null references public.organizations (id) on delete cascade,
  provider_id uuid not null references auth.users (id) on delete cascade,
  weekday integer not null,
  start_time time not null,
  end_time time not null,
  timezone text,
  valid_from date,
  valid_until date,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint availability_rules_weekday_check check (weekday between 0 and 6),
  constraint availability_rules_time_range_check check (start_time < end_time),
  constraint availability_rules_valid_range_check check (valid_until is null or valid_from is null or valid_until >= valid_from)
);

create index availability_rules_organization_id_provider_id_weekday_idx
  on public.availability_rules (organization_id, provider_id, weekday);

create index availability_rules_provider_id_idx on public.availability_rules (provider_id);

alter table public.availability_rules enable row level security;

comment on table public.availability_rules is 'Weekly working hours of a provider in an organization: on weekday, from start_time to end_time local time, optionally only between valid_from and valid_until. Several rules per day add up.';
comment on column public.availability_rules.provider_id is 'auth.users id of the provider (a provider, admin or owner member of the organization).';
comment on column public.availability_rules.weekday is '0 = Sunday … 6 = Saturday (extract(dow)).';
comment on column public.availability_rules.end_time is 'Exclusive end, local time; 24:00 means until midnight.';
comment on column public.availability_rules.timezone is 'IANA time zone of start_time/end_time; null = the organization''s time zone.';
comment on column public.availability_rules.valid_from is 'First local date the rule applies (inclusive); null = always.';
comment on column public.availability_rules.valid_until is 'Last local date the rule applies (inclusive); null = open-ended.';

create table public.specialist_availability_exceptions (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null references public.organizations (id) on delete cascade,
  specialist_id uuid not null references auth.users (id) on delete cascade,
  exception_date date not null,
  is_available boolean not null default false,
  reason text not null default 'other',
  all_day boolean not null default true,
  start_time time,
  end_time time,
  notes text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint specialist_availability_exceptions_reason_check
    check (reason in ('vacation', 'sick_leave', 'personal', 'training', 'conference', 'other')),
  constraint specialist_availability_exceptions_time_range_check
    check (all_day or (start_time is not null and end_time is not null and start_time < end_time))
);

create index specialist_availability_exceptions_org_specialist_date_idx
  on public.specialist_availability_exceptions (organization_id, specialist_id, exception_date);

create index specialist_availability_exceptions_specialist_id_idx
  on public.specialist_availability_exceptions (specialist_id, exception_date);

alter table public.specialist_availability_exceptions enable row level security;

comment on table public.specialist_availability_exceptions is 'Dated exceptions to a provider''s weekly hours (seed 002), in the organization''s time zone. is_available = false blocks the day (all_day) or start_time..end_time; is_available = true replaces that day''s weekly hours with start_time..end_time (the whole day when all_day).';
comment on column public.specialist_availability_exceptions.specialist_id is 'auth.users id of the provider concerned.';
comment on column public.specialist_availability_exceptions.is_available is 'false = unavailable during the window; true = available only during the window(s) of that date (a working-hours override).';
comment on column public.specialist_availability_exceptions.reason is 'vacation | sick_leave | personal | training | conference | other.';
comment on column public.specialist_availability_exceptions.all_day is 'The exception covers the whole local day; otherwise start_time..end_time (start < end).';
