-- A provider's live sessions never overlap: the same guarantee as the btree_gist exclusion
-- constraint, for a third of its write cost (issue 13).
-- Why: the exclusion constraint's GiST index was the most expensive thing about writing a
-- session: measured in one run, 50,000 dispatched sessions took 1.4-1.5 s to insert with it and
-- 0.5 s without it; the GiST insert (penalty/picksplit over (provider, time range)) dominates.
-- A btree already orders each provider's sessions by start (service_sessions_provider_id_starts_at_idx,
-- which the provider foreign key needs anyway), so the guarantee is kept with it instead:
--   * serialise: before checking, a statement bumps the revision of each provider it writes in
--     private.provider_calendars (one row per provider, in provider order). A concurrent writer of
--     the same provider waits for that row lock until the first one commits; under read committed
--     its check then runs on a snapshot that sees the first one's sessions, and under repeatable
--     read or serializable its update of a row changed after its snapshot fails with 40001;
--   * check: every new or moved live session n is compared with its neighbours in start order:
--     no other live session may start in [n.starts_at, n.ends_at), and the closest live session
--     starting before n must end by n.starts_at. If no two live sessions overlapped before the
--     statement, checking the neighbours of every row it wrote covers every pair that is now
--     adjacent in start order (pairs of untouched rows were already apart), and "every adjacent
--     pair apart" is "no two overlap". So the invariant holds after every statement, by induction.
--   * the violation keeps the constraint's SQLSTATE (23P01) and name, so every caller that maps
--     it to SLOT_TAKEN keeps working. Both triggers are `enable always`: a session_replication_role
--     = replica writer (the recurring dispatcher's set-based path) is checked too.
-- Sessions also last at most a day from now on (the longest session type is 1,440 minutes), so a
-- query for the sessions around a time window can bound its index range on both sides
-- (validated by 20261127160200). The triggers are in place before the constraint goes, so every
-- statement of this migration runs under at least one of the two guarantees (the Supabase CLI
-- applies a migration's statements one by one, outside a transaction).

set local lock_timeout = '5s';

alter table public.service_sessions
  add constraint service_sessions_length_check
  check (ends_at <= starts_at + interval '1 day') not valid;

create table private.provider_calendars (
  provider_id uuid primary key references auth.users (id) on delete cascade,
  revision bigint not null default 0
);

comment on table private.provider_calendars is
  'One row per provider whose calendar was written: statements that write a provider''s live sessions bump its revision first, which serialises them (the overlap check of service_sessions).';
comment on column private.provider_calendars.revision is 'Bumped by every statement that places live sessions of the provider.';

revoke all on table private.provider_calendars from public, anon, authenticated;
grant select on table private.provider_calendars to service_role;

-- The check both triggers run: lock the providers' calendars, then look at each row's neighbours.
-- The rows come as parallel arrays (a trigger cannot hand its transition table to a function).
create or replace function private.assert_no_provider_overlap(
  p_ids uuid[],
  p_providers uuid[],
  p_starts timestamptz[],
  p_ends timestamptz[]
)
returns void
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_conflict uuid;
begin
  insert into private.provider_calendars as c (provider_id, revision)
  select distinct p.provider_id, 1
  from unnest(p_providers) as p (provider_id)
  order by 1
  on conflict (provider_id) do update set revision = c.revision + 1;

  -- a new statement: under read committed it sees every session committed before our locks
  select n.id into v_conflict
  from unnest(p_ids, p_providers, p_starts, p_ends) as n (id, provider_id, starts_at, ends_at)
  where exists (
      select 1
      from public.service_sessions as s
      where s.provider_id = n.provider_id
        and s.starts_at >= n.starts_at
        and s.starts_at < n.ends_at
        and s.status <> 'cancelled'
        and s.id <> n.id
    )
    or coalesce((
      select p.ends_at > n.starts_at
      from public.service_sessions as p
      where p.provider_id = n.provider_id
        and p.starts_at < n.starts_at
        and p.status <> 'cancelled'
      order by p.starts_at desc
      limit 1
    ), false)
  limit 1;

  if v_conflict is not null then
    raise exception using
      errcode = 'exclusion_violation',
      message = 'conflicting key value violates exclusion constraint "service_sessions_provider_no_overlap"',
      detail = format('Service session %s overlaps another live session of its provider.', v_conflict),
      schema = 'public',
      table = 'service_sessions',
      constraint = 'service_sessions_provider_no_overlap';
  end if;
end
$$;

comment on function private.assert_no_provider_overlap(uuid[], uuid[], timestamptz[], timestamptz[]) is
  'The no-overlap guarantee of service_sessions for the given live sessions (id, provider, start, end as parallel arrays; new or moved, already written): bumps their providers'' private.provider_calendars rows (serialising writers of a provider), then checks each one against its neighbours in start order. Raises 23P01 naming service_sessions_provider_no_overlap.';

revoke all on function private.assert_no_provider_overlap(uuid[], uuid[], timestamptz[], timestamptz[]) from public, anon, authenticated;

create or replace function private.service_sessions_no_overlap_insert()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  perform private.assert_no_provider_overlap(
    array_agg(n.id), array_agg(n.provider_id), array_agg(n.starts_at), array_agg(n.ends_at)
  )
  from new_rows as n
  where n.status <> 'cancelled'
  having count(*) > 0;
  return null;
end
$$;

comment on function private.service_sessions_no_overlap_insert() is
  'AFTER INSERT statement trigger on service_sessions: the new live sessions keep every provider''s calendar free of overlaps (private.assert_no_provider_overlap).';

revoke all on function private.service_sessions_no_overlap_insert() from public, anon, authenticated;

create or replace function private.service_sessions_no_overlap_update()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  perform private.assert_no_provider_overlap(array[new.id], array[new.provider_id], array[new.starts_at], array[new.ends_at]);
  return null;
end
$$;

comment on function private.service_sessions_no_overlap_update() is
  'AFTER UPDATE row trigger on service_sessions, for a session that becomes live or moves (time or provider): no overlap with the provider''s other live sessions (private.assert_no_provider_overlap).';

revoke all on function private.service_sessions_no_overlap_update() from public, anon, authenticated;

create trigger service_sessions_no_overlap_insert
  after insert on public.service_sessions
  referencing new table as new_rows
  for each statement execute function private.service_sessions_no_overlap_insert();

create trigger service_sessions_no_overlap_update
  after update of provider_id, starts_at, ends_at, status on public.service_sessions
  for each row
  when (
    new.status <> 'cancelled'
    and (old.status = 'cancelled'
         or new.provider_id <> old.provider_id
         or new.starts_at <> old.starts_at
         or new.ends_at <> old.ends_at)
  )
  execute function private.service_sessions_no_overlap_update();

alter table public.service_sessions enable always trigger service_sessions_no_overlap_insert;

alter table public.service_sessions enable always trigger service_sessions_no_overlap_update;

-- the triggers hold the guarantee from here on; its GiST index goes with the constraint
-- squawk-ignore ban-drop-constraint
alter table public.service_sessions drop constraint service_sessions_provider_no_overlap;

comment on constraint service_sessions_length_check on public.service_sessions is
  'A session lasts at most a day (session types: 1..1,440 minutes), so the sessions around a time window start at most a day before it.';
