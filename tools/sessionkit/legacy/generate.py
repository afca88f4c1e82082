"""`sessionkit legacy generate`: production-like, messy legacy data, deterministic per seed.

The database must be migrated only up to the legacy baseline (`db push --to` the last 2025…
version) and hold no bookings yet. Everything is written set-based on the server: every
"random" choice is `hashint8extended(index, seed + salt)` of the row's index, so the same
(scale, seed, anchor) gives the same rows whatever order Postgres executes in, and a million
bookings take well under a minute.

What makes it messy (what the backfills of issue 12 must cope with):
  * packages.duration strings: "3h", "180 min", "90min", "1h30", "1.5 hours", "45m", "",
    "tbd", "3" (hours or minutes?), "1-2h" (a range); some organizations hold both "3h" and
    "180 min";
  * 1-to-1 bookings carrying start_time/end_time and no service session, of the package
    lengths (plus some 75-minute ones no package names);
  * workshops and courses: service_sessions with several bookings each and a stale
    current_participants;
  * bookings without a service; a few providers double-booked (overlapping live bookings);
  * clients with 2-3 overlapping active subscriptions, some over-spent, some still active
    after their expiry;
  * trial and guest bookings recognisable only by price, notes or service name (and a few
    ambiguous ones);
  * cancelled bookings without a cancellation record (the legacy app had none).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

import psycopg

from sessionkit.errors import SessionkitError

LEGACY_BASELINE_VERSION = "20250101000400"
MAX_SCALE = 2_000_000

# (label, minutes it denotes; None = unparseable or ambiguous): the durations legacy packages hold
DURATIONS: tuple[tuple[str, int | None], ...] = (
    ("60 min", 60),
    ("1h", 60),
    ("1 hour", 60),
    ("90 min", 90),
    ("90min", 90),
    ("1h30", 90),
    ("1.5 hours", 90),
    ("3h", 180),
    ("180 min", 180),
    ("45m", 45),
    ("45 minutes", 45),
    ("2 hours", 120),
    ("120min", 120),
    ("30 min", 30),
    ("", None),
    ("tbd", None),
    ("3", None),
    ("1-2h", None),
)
GOOD_DURATIONS = sum(1 for _, minutes in DURATIONS if minutes is not None)


@dataclass(frozen=True)
class Plan:
    """How many of everything a scale gives (scale = bookings, approximately exactly)."""

    seed: int
    anchor: date
    bookings: int
    orgs: int
    providers: int
    clients: int
    group_sessions: int
    double_bookings: int

    @classmethod
    def for_scale(cls, scale: int, seed: int, anchor: date) -> Plan:
        if scale < 100 or scale > MAX_SCALE:
            raise SessionkitError(f"--scale must be between 100 and {MAX_SCALE:,} bookings, not {scale}")
        orgs = max(4, scale // 5000)
        return cls(
            seed=seed,
            anchor=anchor,
            bookings=scale,
            orgs=orgs,
            providers=max(orgs * 2, scale // 250),
            clients=max(orgs * 20, scale // 20),
            group_sessions=max(orgs * 2, scale // 100),
            double_bookings=max(3, scale // 2000),
        )

    def params(self) -> dict[str, Any]:
        return asdict(self)


# pg_temp helpers: a uniform number in [0, 1) and a stable uuid per (kind, index)
HELPERS = """
create function pg_temp.rnd(p_seed bigint, p_k bigint, p_salt integer) returns float8
language sql immutable parallel safe as
$$ select (hashint8extended(p_k, p_seed * 1009 + p_salt) & 9007199254740991)::float8 / 9007199254740992.0 $$;
create function pg_temp.pick(p_seed bigint, p_k bigint, p_salt integer, p_n integer) returns integer
language sql immutable parallel safe as
$$ select least(floor(pg_temp.rnd(p_seed, p_k, p_salt) * p_n)::integer, p_n - 1) $$;
create function pg_temp.uid(p_seed bigint, p_kind text, p_k bigint) returns uuid
language sql immutable parallel safe as
$$ select md5('legacy:' || p_seed || ':' || p_kind || ':' || p_k)::uuid $$;
"""

THEMES = """
create temporary table legacy_themes (theme integer, slot integer, name text, capacity integer, price numeric)
on commit drop;
insert into legacy_themes values
  (0, 0, 'Physiotherapy', 1, 80), (0, 1, 'Manual Therapy', 1, 110), (0, 2, 'Trial Treatment', 1, 0),
  (0, 3, 'Guest Pass', 1, 35), (0, 4, 'Back School Workshop', 12, 35), (0, 5, 'Pilates Course', 10, 150),
  (1, 0, 'Driving Lesson', 1, 60), (1, 1, 'Motorway Lesson', 1, 90), (1, 2, 'Free Trial Lesson', 1, 0),
  (1, 3, 'Guest Driver Session', 1, 40), (1, 4, 'First Aid Workshop', 16, 45), (1, 5, 'Theory Course', 14,
    120),
  (2, 0, 'Private Yoga', 1, 70), (2, 1, 'Yoga Therapy', 1, 95), (2, 2, 'Trial Class', 1, 0),
  (2, 3, 'Guest Pass', 1, 25), (2, 4, 'Meditation Workshop', 15, 30), (2, 5, 'Beginner Yoga Course', 12, 140),
  (3, 0, 'Therapy Session', 1, 100), (3, 1, 'Couples Therapy', 1, 140), (3, 2, 'Intro Session (trial)', 1, 0),
  (3, 3, 'Guest Session', 1, 60), (3, 4, 'Stress Workshop', 10, 50), (3, 5, 'Mindfulness Course', 8, 200),
  (4, 0, 'Coaching Session', 1, 120), (4, 1, 'Career Coaching', 1, 150), (4, 2, 'Trial Coaching', 1, 0),
  (4, 3, 'Guest Coaching', 1, 60), (4, 4, 'Leadership Workshop', 12, 80), (4, 5, 'Coaching Course', 10, 300);
create temporary table legacy_durations (k integer, label text, minutes integer) on commit drop;
"""

USERS = """
insert into auth.users (id, aud, role, email, raw_user_meta_data)
select pg_temp.uid(%(seed)s, u.kind, u.k), 'authenticated', 'authenticated',
       u.kind || u.k || '.' || %(seed)s || '@legacy.example',
       jsonb_build_object('full_name', initcap(u.kind) || ' ' || u.k)
from (
  select 'owner' as kind, g as k from generate_series(0, %(orgs)s - 1) g
  union all select 'provider', g from generate_series(0, %(providers)s - 1) g
  union all select 'client', g from generate_series(0, %(clients)s - 1) g
) u
"""

ORGANIZATIONS = """
insert into public.organizations (id, name, slug, timezone, created_by, created_at)
select pg_temp.uid(%(seed)s, 'org', o),
       (array['Praxis Physio', 'Drive Right', 'Studio Flow', 'Calm Minds', 'Peak Coaching'])[o %% 5 + 1]
         || ' ' || o,
       'legacy-' || %(seed)s || '-' || o,
       (array['Europe/Berlin', 'America/New_York', 'UTC', 'Europe/London', 'Australia/Sydney',
         'America/Los_Angeles'])[o %% 6 + 1],
       pg_temp.uid(%(seed)s, 'owner', o),
       %(anchor)s::date - 800
from generate_series(0, %(orgs)s - 1) o;

insert into public.organization_members (organization_id, user_id, role, display_name)
select pg_temp.uid(%(seed)s, 'org', o), pg_temp.uid(%(seed)s, 'owner', o), 'owner', 'Owner ' || o
from generate_series(0, %(orgs)s - 1) o
union all
select pg_temp.uid(%(seed)s, 'org', p %% %(orgs)s), pg_temp.uid(%(seed)s, 'provider', p), 'provider',
  'Provider ' || p
from generate_series(0, %(providers)s - 1) p
union all
select pg_temp.uid(%(seed)s, 'org', c %% %(orgs)s), pg_temp.uid(%(seed)s, 'client', c), 'client',
  'Client ' || c
from generate_series(0, %(clients)s - 1) c
union all
-- every 25th client is also a client of the next organization
select pg_temp.uid(%(seed)s, 'org', (c + 1) %% %(orgs)s), pg_temp.uid(%(seed)s, 'client', c), 'client',
  'Client ' || c
from generate_series(0, %(clients)s - 1, 25) c;

-- the legacy app created settings lazily: half the organizations have a row
insert into public.organization_settings (organization_id, cancellation_notice_hours)
select pg_temp.uid(%(seed)s, 'org', o), (array[12, 24, 48])[o %% 3 + 1]
from generate_series(0, %(orgs)s - 1) o
where o %% 2 = 0;
"""

CATALOG = """
insert into public.services (id, organization_id, provider_id, name, price, capacity, created_at)
select pg_temp.uid(%(seed)s, 'service', o * 6 + t.slot), pg_temp.uid(%(seed)s, 'org', o),
       -- the extended service is run by one named provider; every other by any provider
       case when t.slot = 1 then pg_temp.uid(%(seed)s, 'provider', o) end,
       t.name, t.price, t.capacity, %(anchor)s::date - 790
from generate_series(0, %(orgs)s - 1) o
join legacy_themes t on t.theme = o %% 5;

insert into public.packages
  (id, organization_id, name, duration, session_count, price, valid_for_days, is_active, created_at)
select pg_temp.uid(%(seed)s, 'package', o * 4 + n), pg_temp.uid(%(seed)s, 'org', o),
       (array['Starter', 'Standard', 'Intensive', 'Flex'])[n + 1] || ' ' || (array[5, 10, 20, 10])[n + 1]
         || 'x',
       d.label,
       (array[5, 10, 20, 10])[n + 1],
       (array[5, 10, 20, 10])[n + 1] * 55,
       (array[90, 180, 365, null])[n + 1],
       not (n = 3 and o %% 3 = 0),
       %(anchor)s::date - 780
from generate_series(0, %(orgs)s - 1) o
cross join generate_series(0, 3) n
join legacy_durations d on d.k = case
  -- "3h" next to "180 min" in every fourth organization (the dedupe case)
  when o %% 4 = 0 and n = 0 then 7
  when o %% 4 = 0 and n = 1 then 8
  -- the first package always has a usable duration; the last one of the first four and of
  -- every odd organization is junk ("", "tbd", "3", "1-2h" in turn); the others may be
  when n = 0 then pg_temp.pick(%(seed)s, o, 11, %(good)s)
  when n = 3 and (o < 4 or o %% 2 = 1) then %(good)s + o %% 4
  else pg_temp.pick(%(seed)s, o * 4 + n, 12, %(durations)s)
end;
"""

# per organization: the session lengths its packages denote (what 1-to-1 bookings last)
LENGTHS = """
create temporary table legacy_org_lengths on commit drop as
select o, coalesce(
         (select array_agg(distinct d.minutes order by d.minutes)
          from public.packages p join legacy_durations d on d.label = p.duration
          where p.organization_id = pg_temp.uid(%(seed)s, 'org', o) and d.minutes is not null),
         array[60]) as lengths
from generate_series(0, %(orgs)s - 1) o;
"""

SUBSCRIPTIONS = """
insert into public.subscriptions
  (id, organization_id, client_id, package_id, status, total_sessions, starts_at, expires_at, created_at)
select pg_temp.uid(%(seed)s, 'subscription', s.c * 3 + s.n), s.org, pg_temp.uid(%(seed)s, 'client', s.c),
       p.id,
       case
         when pg_temp.rnd(%(seed)s, s.c, 23) < 0.05 and s.n = 0 then 'cancelled'
         when s.starts_at + make_interval(days => p.valid_for_days) < %(anchor)s::date
           then case when pg_temp.rnd(%(seed)s, s.c, 24) < 0.1 then 'active' else 'expired' end
         else 'active'
       end,
       p.session_count, s.starts_at,
       s.starts_at + make_interval(days => p.valid_for_days),
       s.starts_at
from (
  select c, n, pg_temp.uid(%(seed)s, 'org', c %% %(orgs)s) as org,
         (%(anchor)s::date - 60 - pg_temp.pick(%(seed)s, c, 21, 400)
           + n * (20 + pg_temp.pick(%(seed)s, c, 25, 40)))::timestamptz as starts_at
  from generate_series(0, %(clients)s - 1) c
  -- 40%% of clients subscribe; a tenth of them (and the first few) hold 2 or 3 overlapping ones
  cross join lateral generate_series(0, case
    when pg_temp.rnd(%(seed)s, c, 20) >= 0.4 and c >= 3 * %(orgs)s then -1
    when pg_temp.rnd(%(seed)s, c, 22) < 0.1 or c < 3 * %(orgs)s then 1 + pg_temp.pick(%(seed)s, c, 26, 2)
    else 0 end) n
) s
join lateral (
  select pk.id, pk.session_count, pk.valid_for_days
  from public.packages pk
  where pk.organization_id = s.org
  order by pk.id
  offset pg_temp.pick(%(seed)s, s.c * 3 + s.n, 27, 4) limit 1
) p on true;
"""

GROUP_SESSIONS = """
create temporary table legacy_groups on commit drop as
select g, p, o, t.slot, t.capacity, t.price,
       -- a provider's group sessions spread over the whole period, on distinct days, the first
       -- one in the coming weeks
       ((%(anchor)s::date + 89 - floor((g / %(providers)s) * 630.0 / %(groups_per_provider)s)::integer
          - (po.p / %(orgs)s) %% 7) + time '18:00')
         at time zone tz.timezone as starts_at,
       2 + pg_temp.pick(%(seed)s, g, 31, t.capacity - 1) as participants
from generate_series(0, %(group_sessions)s - 1) g
cross join lateral (select g %% %(providers)s as p, (g %% %(providers)s) %% %(orgs)s as o) po
join legacy_themes t on t.theme = po.o %% 5 and t.slot = 4 + g %% 2
join public.organizations tz on tz.id = pg_temp.uid(%(seed)s, 'org', po.o);

insert into public.service_sessions
  (id, organization_id, service_id, provider_id, starts_at, ends_at, max_participants,
   current_participants, status, location, created_at)
select pg_temp.uid(%(seed)s, 'group', lg.g), pg_temp.uid(%(seed)s, 'org', lg.o),
       pg_temp.uid(%(seed)s, 'service', lg.o * 6 + lg.slot), pg_temp.uid(%(seed)s, 'provider', lg.p),
       lg.starts_at, lg.starts_at + interval '2 hours', lg.capacity,
       -- stale: whatever the legacy app last wrote
       pg_temp.pick(%(seed)s, lg.g, 32, lg.capacity + 1),
       case
         when pg_temp.rnd(%(seed)s, lg.g, 33) < 0.1 then 'cancelled'
         when lg.starts_at < %(anchor)s::date and pg_temp.rnd(%(seed)s, lg.g, 34) < 0.75 then 'completed'
         else 'scheduled'
       end,
       'Room ' || (1 + lg.g %% 4), lg.starts_at - interval '30 days'
from legacy_groups lg;

insert into public.bookings
  (id, organization_id, client_id, provider_id, service_id, start_time, end_time, status, notes, price,
   created_at, updated_at)
select pg_temp.uid(%(seed)s, 'group-booking', lg.g * 100 + m), ss.organization_id,
       pg_temp.uid(%(seed)s, 'client', lg.o + %(orgs)s * ((pg_temp.pick(%(seed)s, lg.g, 35,
         %(clients_per_org)s) + m) %% %(clients_per_org)s)),
       ss.provider_id, ss.service_id, ss.starts_at, ss.ends_at,
       case
         when ss.status = 'cancelled' then 'cancelled'
         when pg_temp.rnd(%(seed)s, lg.g * 100 + m, 36) < 0.1 then 'cancelled'
         when ss.starts_at < %(anchor)s::date
           then case when pg_temp.rnd(%(seed)s, lg.g * 100 + m, 37) < 0.1 then 'no_show' else 'completed' end
         else 'confirmed'
       end,
       null, lg.price, ss.starts_at - interval '10 days', ss.starts_at - interval '10 days'
from legacy_groups lg
join public.service_sessions ss on ss.id = pg_temp.uid(%(seed)s, 'group', lg.g)
cross join lateral generate_series(0, lg.participants - 1) m;
"""

# 1-to-1 bookings: the k-th booking of provider p falls on its own day (providers are never
# double-booked by construction), between 08:00 and 14:00 local time, for at most 3 hours
INDIVIDUAL_BOOKINGS = """
insert into public.bookings
  (id, organization_id, client_id, provider_id, service_id, start_time, end_time, status, notes, price,
   created_at, updated_at)
select pg_temp.uid(%(seed)s, 'booking', b.i), b.org, b.client, b.provider, sv.id, b.starts_at,
       b.starts_at + make_interval(mins => b.minutes),
       case
         when b.starts_at < %(anchor)s::date then case
           when b.r < 0.75 then 'completed' when b.r < 0.80 then 'no_show'
           when b.r < 0.92 then 'cancelled' else 'confirmed' end
         else case when b.r < 0.60 then 'confirmed' when b.r < 0.85 then 'pending' else 'cancelled' end
       end,
       case
         when b.rn < 0.010 then 'trial session'
         when b.rn < 0.020 then 'guest of Client ' || b.i %% 997
         when b.rn < 0.022 then 'trial for a guest'
         when b.rn < 0.150 then (array['Bring comfortable clothes', 'Follow-up', 'Parking at the back',
                                       'Knee', 'Rescheduled by phone'])[1 + b.i %% 5]
       end,
       -- a free session of a paid service: 1%%; bookings without a service cost 60
       case when sv.price = 0 or pg_temp.rnd(%(seed)s, b.i, 45) < 0.01 then 0 else coalesce(sv.price, 60) end,
       least(b.starts_at - make_interval(days => 1 + pg_temp.pick(%(seed)s, b.i, 48, 30)), %(anchor)s::date),
       least(b.starts_at, %(anchor)s::date) + make_interval(hours => pg_temp.pick(%(seed)s, b.i, 49, 20))
from (
  select x.*,
         -- each service has its usual length (91%%), some sessions run another package length
         -- (5%%) or 75 minutes, which no package names (4%%)
         case
           when x.rl < 0.04 then 75
           when x.rl < 0.09 then x.lengths[1 + pg_temp.pick(%(seed)s, x.i, 44, cardinality(x.lengths))]
           when x.slot = 1 then x.lengths[cardinality(x.lengths)]
           when x.slot = 0 then x.lengths[1 + x.o %% cardinality(x.lengths)]
           else x.lengths[1]
         end as minutes
  from (
    select i, pp.p, pp.o, l.lengths,
           pg_temp.uid(%(seed)s, 'org', pp.o) as org,
           pg_temp.uid(%(seed)s, 'provider', pp.p) as provider,
           pg_temp.uid(%(seed)s, 'client', pp.o + %(orgs)s * pg_temp.pick(%(seed)s, i, 41,
             %(clients_per_org)s)) as client,
           ((%(anchor)s::date - 540 + floor((i / %(providers)s) * 630.0 / %(per_provider)s)::integer)
             + time '08:00' + make_interval(mins => 60 * pg_temp.pick(%(seed)s, i, 42, 7)))
             at time zone o.timezone as starts_at,
           -- 2%% without a service, 5%% trial service, 3%% guest, 20%% extended (its provider), else main
           case
             when pg_temp.rnd(%(seed)s, i, 40) < 0.02 then -1
             when pg_temp.rnd(%(seed)s, i, 40) < 0.07 then 2
             when pg_temp.rnd(%(seed)s, i, 40) < 0.10 then 3
             when pg_temp.rnd(%(seed)s, i, 40) < 0.30 and pp.p < %(orgs)s then 1
             else 0
           end as slot,
           pg_temp.rnd(%(seed)s, i, 43) as rl,
           pg_temp.rnd(%(seed)s, i, 46) as r,
           pg_temp.rnd(%(seed)s, i, 47) as rn
    from generate_series(0, %(individual)s - 1) i
    cross join lateral (select i %% %(providers)s as p, (i %% %(providers)s) %% %(orgs)s as o) pp
    join public.organizations o on o.id = pg_temp.uid(%(seed)s, 'org', pp.o)
    join legacy_org_lengths l on l.o = pp.o
  ) x
) b
left join public.services sv on b.slot >= 0 and sv.id = pg_temp.uid(%(seed)s, 'service', b.o * 6 + b.slot);
"""

# a provider double-booked: a second live booking 30 minutes into an existing one
DOUBLE_BOOKINGS = """
insert into public.bookings
  (id, organization_id, client_id, provider_id, service_id, start_time, end_time, status, price,
   created_at, updated_at)
select pg_temp.uid(%(seed)s, 'double-booking', d), b.organization_id,
       pg_temp.uid(%(seed)s, 'client',
         (b.organization_id_index) + %(orgs)s * ((d * 7) %% %(clients_per_org)s)),
       b.provider_id, b.service_id, b.start_time + interval '30 minutes', b.end_time + interval '30 minutes',
       case when b.start_time < %(anchor)s::date then 'completed' else 'confirmed' end,
       b.price, b.created_at, b.updated_at
from generate_series(0, %(double_bookings)s - 1) d
cross join lateral (
  select bk.*, (pg_temp.pick(%(seed)s, d, 51,
    %(individual)s) %% %(providers)s) %% %(orgs)s as organization_id_index
  from public.bookings bk
  where bk.id = pg_temp.uid(%(seed)s, 'booking', pg_temp.pick(%(seed)s, d, 51, %(individual)s))
) b;
"""


@dataclass(frozen=True)
class Generated:
    plan: Plan
    counts: dict[str, int]


def ensure_legacy_baseline(conn: psycopg.Connection) -> None:
    """Refuse anything but an empty database at the legacy baseline."""
    row = conn.execute(
        """select to_regclass('public.bookings') is not null,
                  exists (select 1 from information_schema.columns
                          where table_schema = 'public' and table_name = 'bookings'
                            and column_name = 'service_session_id')"""
    ).fetchone()
    assert row is not None
    has_bookings, restructured = row
    if not has_bookings:
        raise SessionkitError(
            f"no legacy schema here: run `sessionkit db push --to {LEGACY_BASELINE_VERSION}` "
            "on an empty database first"
        )
    if restructured:
        raise SessionkitError(
            f"this database is past the legacy baseline ({LEGACY_BASELINE_VERSION}); "
            "generate legacy data on a database migrated only that far"
        )
    found = conn.execute("select exists (select 1 from public.organizations)").fetchone()
    if found and found[0]:
        raise SessionkitError("this database already holds organizations; generate into an empty one")


def generate(
    conn: psycopg.Connection,
    scale: int,
    seed: int = 1,
    anchor: date | None = None,
    on_step: Callable[[str], None] | None = None,
) -> Generated:
    """Fill the legacy baseline with `scale` bookings (one transaction; nothing on failure)."""
    if seed < 0 or seed > 2**31:
        raise SessionkitError(f"--seed must be between 0 and {2**31}, not {seed}")
    if anchor is None:
        row = conn.execute("select current_date").fetchone()  # the database's today, not this machine's
        anchor = row[0] if row else date.today()
    plan = Plan.for_scale(scale, seed, anchor)
    with conn.transaction():
        ensure_legacy_baseline(conn)
        conn.execute("set local synchronous_commit = off")
        steps = _steps(conn, plan)
        for label, run in steps:
            if on_step:
                on_step(label)
            run()
    conn.execute("analyze")
    return Generated(plan, _counts(conn))


def _steps(conn: psycopg.Connection, plan: Plan) -> list[tuple[str, Callable[[], None]]]:
    params = plan.params() | {
        "good": GOOD_DURATIONS,
        "durations": len(DURATIONS),
        "clients_per_org": plan.clients // plan.orgs,
        "groups_per_provider": math.ceil(plan.group_sessions / plan.providers),
    }

    def script(sql: str) -> Callable[[], None]:
        def run() -> None:
            for statement in (s for s in sql.split(";\n") if s.strip()):
                conn.execute(statement, params)

        return run

    def durations() -> None:
        # good ones first, so `good` indexes only usable durations
        ordered = sorted(DURATIONS, key=lambda d: d[1] is None)
        with conn.cursor() as cur:
            cur.executemany(
                "insert into legacy_durations values (%s, %s, %s)",
                [(k, label, minutes) for k, (label, minutes) in enumerate(ordered)],
            )

    def individual() -> None:
        row = conn.execute("select count(*) from public.bookings").fetchone()
        group_bookings = int(row[0]) if row else 0
        params["individual"] = max(plan.providers, plan.bookings - group_bookings - plan.double_bookings)
        params["per_provider"] = math.ceil(params["individual"] / plan.providers)
        script(INDIVIDUAL_BOOKINGS)()

    return [
        ("helpers", script(HELPERS + THEMES)),
        ("durations", durations),
        ("users", script(USERS)),
        ("organizations and members", script(ORGANIZATIONS)),
        ("services and packages", script(CATALOG + LENGTHS)),
        ("subscriptions", script(SUBSCRIPTIONS)),
        ("workshops and courses", script(GROUP_SESSIONS)),
        ("1-to-1 bookings", individual),
        ("double bookings", script(DOUBLE_BOOKINGS)),
    ]


def _counts(conn: psycopg.Connection) -> dict[str, int]:
    row = conn.execute(
        """select (select count(*) from public.organizations),
                  (select count(*) from public.services),
                  (select count(*) from public.packages),
                  (select count(*) from public.subscriptions),
                  (select count(*) from public.service_sessions),
                  (select count(*) from public.bookings),
                  (select count(*) from public.bookings where status = 'cancelled')"""
    ).fetchone()
    assert row is not None
    names = (
        "organizations",
        "services",
        "packages",
        "subscriptions",
        "service_sessions",
        "bookings",
        "cancelled",
    )
    return dict(zip(names, (int(v) for v in row), strict=True))
