-- Bench-only helpers (schema `bench`), installed by `sessionkit bench` into its own throwaway
-- databases, never by migrations: a generator of large, consistent populations.

create schema if not exists bench;

-- a version 7 uuid for a given moment (private.uuid_generate_v7() makes one for now): generated
-- rows get the ids they would have had if they had been created at their created_at
create or replace function bench.uuid_v7_at(p_at timestamptz)
returns uuid
language sql
volatile
as $$
  select encode(
    set_bit(set_bit(
      overlay(uuid_send(gen_random_uuid())
              placing substring(int8send(floor(extract(epoch from p_at) * 1000)::bigint) from 3)
              from 1 for 6),
      52, 1), 53, 1),
    'hex')::uuid
$$;

-- bench.populate: p_orgs organizations, each with p_providers providers and p_clients clients,
-- one 60-minute session type, one service, one package; every provider works Monday to Friday
-- 08:00-18:00 and has p_sessions individual sessions 73 hours apart around now (past ones
-- completed, future ones confirmed), one booking each; every p_cancel_every-th booking is
-- cancelled with its booking_cancellations row; every third client holds an active
-- subscription that the client's regular bookings spend. Written set-based with triggers off
-- (as postgres, for speed), but consistent: integrity_report() finds nothing.
-- Ids: users md5('<slug>:<role>:<org>:<n>')::uuid, organizations md5('<slug>:org:<org>')::uuid.
-- Returns the number of bookings written.
create or replace function bench.populate(
  p_slug text,
  p_orgs integer,
  p_providers integer,
  p_clients integer,
  p_sessions integer,
  p_cancel_every integer default 20
)
returns bigint
language plpgsql
as $$
declare
  v_bookings bigint;
  v_credits integer := 2 * ceil(p_providers * p_sessions::numeric / p_clients)::integer + 5;
begin
  perform set_config('session_replication_role', 'replica', true);

  create temp table pop_orgs on commit drop as
  select o as n,
         md5(p_slug || ':org:' || o)::uuid as id,
         md5(p_slug || ':owner:' || o || ':1')::uuid as owner_id,
         gen_random_uuid() as type_id,
         gen_random_uuid() as service_id,
         gen_random_uuid() as package_id
  from generate_series(1, p_orgs) as o;

  create temp table pop_people on commit drop as
  select o.n as org_n, o.id as organization_id, r.role, g as n,
         md5(p_slug || ':' || r.role || ':' || o.n || ':' || g)::uuid as user_id
  from pop_orgs as o
  cross join (values ('owner', 1), ('provider', p_providers), ('client', p_clients)) as r (role, how_many)
  cross join lateral generate_series(1, r.how_many) as g;

  insert into auth.users (id, email, aud, role)
  select p.user_id, p_slug || '-' || p.role || '-' || p.org_n || '-' || p.n || '@bench.local', 'authenticated', 'authenticated'
  from pop_people as p
  on conflict do nothing;

  insert into public.organizations (id, name, slug, timezone, created_by)
  select o.id, 'Bench ' || p_slug || ' ' || o.n, p_slug || '-' || o.n, 'Europe/Berlin', o.owner_id
  from pop_orgs as o;

  insert into public.organization_members (organization_id, user_id, role, status)
  select p.organization_id, p.user_id, p.role, 'accepted' from pop_people as p;

  insert into public.session_types (id, organization_id, name, duration_minutes)
  select o.type_id, o.id, 'Session (60 min)', 60 from pop_orgs as o;

  insert into public.organization_settings (organization_id, default_session_type_id)
  select o.id, o.type_id from pop_orgs as o;

  insert into public.services (id, organization_id, name, price, session_type_id)
  select o.service_id, o.id, 'Consultation', 50, o.type_id from pop_orgs as o;

  insert into public.packages (id, organization_id, name, session_count, price)
  select o.package_id, o.id, v_credits || ' sessions', v_credits, 500 from pop_orgs as o;

  insert into public.subscriptions (organization_id, client_id, package_id, status, total_sessions, starts_at)
  select p.organization_id, p.user_id, o.package_id, 'active', v_credits, now() - interval '3 years'
  from pop_people as p
  join pop_orgs as o on o.id = p.organization_id
  where p.role = 'client' and p.n % 3 = 0;

  insert into public.availability_rules (organization_id, provider_id, weekday, start_time, end_time)
  select p.organization_id, p.user_id, w, '08:00', '18:00'
  from pop_people as p
  cross join generate_series(1, 5) as w
  where p.role = 'provider';

  create temp table pop_sessions on commit drop as
  select
    bench.uuid_v7_at(s.created_at) as session_id,
    bench.uuid_v7_at(s.created_at) as booking_id,
    s.*,
    case when s.cancelled then 'cancelled' when s.starts_at < now() then 'completed' else 'scheduled' end as session_status,
    case when s.cancelled then 'cancelled' when s.starts_at < now() then 'completed' else 'confirmed' end as booking_status
  from (
    select
      o.id as organization_id,
      o.service_id,
      o.type_id,
      p.user_id as provider_id,
      c.user_id as client_id,
      sub.id as subscription_id,
      t.starts_at,
      t.starts_at + interval '60 minutes' as ends_at,
      least(now(), t.starts_at - interval '7 days') as created_at,
      ((p.org_n * p_providers + p.n) * p_sessions + k) % p_cancel_every = 0 as cancelled
    from pop_people as p
    join pop_orgs as o on o.id = p.organization_id
    cross join generate_series(0, p_sessions - 1) as k
    cross join lateral (
      select date_trunc('hour', now()) + make_interval(hours => (k - p_sessions / 2) * 73 + p.n % 5) as starts_at
    ) as t
    join pop_people as c
      on c.organization_id = p.organization_id
     and c.role = 'client'
     and c.n = 1 + ((p.n * p_sessions + k) % p_clients)
    left join public.subscriptions as sub
      on sub.organization_id = c.organization_id and sub.client_id = c.user_id and sub.status = 'active'
    where p.role = 'provider'
  ) as s;

  insert into public.service_sessions
    (id, organization_id, service_id, provider_id, session_type_id, kind, visibility, starts_at, ends_at,
     max_participants, current_participants, status)
  select s.session_id, s.organization_id, s.service_id, s.provider_id, s.type_id, 'individual', 'private',
         s.starts_at, s.ends_at, 1, case when s.cancelled then 0 else 1 end, s.session_status
  from pop_sessions as s
  order by s.created_at;

  insert into public.bookings
    (id, organization_id, client_id, provider_id, service_id, service_session_id, session_type_id,
     start_time, end_time, status, booking_kind, price, subscription_id, created_at)
  select s.booking_id, s.organization_id, s.client_id, s.provider_id, s.service_id, s.session_id, s.type_id,
         s.starts_at, s.ends_at, s.booking_status, 'regular', 50, s.subscription_id, s.created_at
  from pop_sessions as s
  order by s.created_at;

  insert into public.booking_cancellations (booking_id, organization_id, cancelled_by, reason, cancellation_policy_applied, created_at)
  select s.booking_id, s.organization_id, s.client_id, 'bench',
         case when s.subscription_id is null then 'no_refund' else 'credit_restored' end,
         least(now(), s.starts_at - interval '2 days')
  from pop_sessions as s
  where s.cancelled
  order by s.starts_at;

  select count(*) into v_bookings from pop_sessions;
  perform set_config('session_replication_role', 'origin', true);
  return v_bookings;
end
$$;

comment on function bench.populate(text, integer, integer, integer, integer, integer) is
  'Bench data generator: organizations, providers, clients, subscriptions and p_sessions individual sessions + bookings per provider (triggers off, consistent). Returns the bookings written.';

create or replace function bench.user_id(p_slug text, p_role text, p_org integer, p_n integer)
returns uuid
language sql
immutable
as $$
  select md5(p_slug || ':' || p_role || ':' || p_org || ':' || p_n)::uuid
$$;

create or replace function bench.org_id(p_slug text, p_org integer)
returns uuid
language sql
immutable
as $$
  select md5(p_slug || ':org:' || p_org)::uuid
$$;
