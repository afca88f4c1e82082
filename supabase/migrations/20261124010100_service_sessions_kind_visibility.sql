-- Scheduling core 2/10 (expand): every booking goes through a service session.
-- Why: service sessions become the single source of truth for schedules (seed 001): they get a
-- kind (individual | workshop | course_session) and a visibility (public | private | unlisted),
-- and a provider can never be in two overlapping non-cancelled sessions (exclusion constraint).
-- Legacy rows keep kind/visibility null until the service_sessions backfill classifies them;
-- new rows get the defaults below (the booking RPCs always set both explicitly).

set local lock_timeout = '5s';

alter table public.service_sessions add column kind text;

alter table public.service_sessions alter column kind set default 'workshop';

alter table public.service_sessions add column visibility text;

alter table public.service_sessions alter column visibility set default 'public';

alter table public.service_sessions
  add constraint service_sessions_kind_check
  check (kind in ('individual', 'workshop', 'course_session')) not valid;

alter table public.service_sessions
  add constraint service_sessions_visibility_check
  check (visibility in ('public', 'private', 'unlisted')) not valid;

alter table public.service_sessions
  add constraint service_sessions_individual_capacity_check
  check (kind is distinct from 'individual' or max_participants = 1) not valid;

comment on column public.service_sessions.kind is 'individual (a private 1-to-1 session created with its booking) | workshop | course_session. Null only on legacy rows not yet classified by the service_sessions backfill.';
comment on column public.service_sessions.visibility is 'public (listed, any member joins) | private (only staff book clients into it) | unlisted (joinable by id, not listed). Null only on unclassified legacy rows.';

-- target of the tenant-safe composite foreign keys from bookings, notes and recordings
create unique index service_sessions_organization_id_id_key on public.service_sessions (organization_id, id);

-- A fresh database passes trivially; a legacy one with double-booked providers must be
-- cleaned up first (nothing is changed when this fails).
do $$
declare
  v_count bigint;
begin
  select count(*) into v_count
  from public.service_sessions a
  join public.service_sessions b
    on b.provider_id = a.provider_id
   and b.id > a.id
   and b.status <> 'cancelled'
   and tstzrange(b.starts_at, b.ends_at) && tstzrange(a.starts_at, a.ends_at)
  where a.status <> 'cancelled';
  if v_count > 0 then
    raise exception using
      errcode = 'PT409',
      message = 'CONFLICT',
      detail = format('%s pair(s) of overlapping non-cancelled service sessions of the same provider exist.', v_count),
      hint = 'Cancel or move the overlapping sessions (see the integrity report), then re-run the migration.';
  end if;
end
$$;

-- Postgres cannot add an exclusion constraint not valid; legacy service_sessions holds only
-- workshops and courses (small), so the one-off index build under lock is acceptable.
alter table public.service_sessions
  -- squawk-ignore constraint-missing-not-valid
  add constraint service_sessions_provider_no_overlap exclude using gist (provider_id with =, tstzrange(starts_at, ends_at) with &&)
  where (status <> 'cancelled');

comment on constraint service_sessions_provider_no_overlap on public.service_sessions is
  'A provider is never in two overlapping non-cancelled sessions. Its GiST index also serves overlap and slot searches.';
