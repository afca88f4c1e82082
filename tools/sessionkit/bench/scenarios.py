"""The benchmark scenarios: each measures a product operation against a plain-SQL baseline."""

from __future__ import annotations

import time

import psycopg
from psycopg.conninfo import make_conninfo

from sessionkit.bench.harness import Measurement, Result, Scenario, timed
from sessionkit.recurring.cli import dispatch

ORG_FIXTURE = """
insert into auth.users (id, email)
select ('00000000-0000-4000-8000-' || lpad(g::text, 12, '0'))::uuid, 'bench' || g || '@bench.local'
from generate_series(1, 3) g on conflict do nothing;
"""


def session_types_seed(conn: psycopg.Connection, scale: int) -> Result:
    """ensure_default_session_types_for_org over `scale` organizations vs a plain insert."""
    conn.execute(ORG_FIXTURE)
    conn.execute(
        "insert into public.organizations (name, slug, timezone, created_by)"
        " select 'Bench ' || g, 'bench-' || g, 'UTC', '00000000-0000-4000-8000-000000000001'"
        " from generate_series(1, %s) g",
        (scale,),
    )
    operation = timed(
        conn,
        "ensure_default_session_types_for_org per org",
        "select count(*) from public.organizations o,"
        " lateral public.ensure_default_session_types_for_org(o.created_by, o.id)",
    )
    operation = type(operation)(operation.label, operation.seconds, scale * 3)
    conn.execute("delete from public.organization_settings")
    conn.execute("delete from public.session_types")
    baseline = timed(
        conn,
        "plain insert … select of the same rows",
        "insert into public.session_types (organization_id, user_id, name, duration_minutes, sort_order)"
        " select o.id, o.created_by, m || ' Minute Session', m, m"
        " from public.organizations o cross join (values (30), (60), (90)) v(m)",
    )
    return Result("session-types", operation, baseline)


DISPATCH_FIXTURE = """
select tests.seed_org('bench', 'Europe/Berlin');
insert into auth.users (id, email, aud, role)
select md5('bench-user:' || g)::uuid, 'bench' || g || '@bench.local', 'authenticated', 'authenticated'
from generate_series(1, %(series)s + %(providers)s) g on conflict do nothing;
insert into public.organization_members (organization_id, user_id, role, status)
select tests.org_id('bench'), md5('bench-user:' || g)::uuid,
       case when g <= %(providers)s then 'provider' else 'client' end, 'accepted'
from generate_series(1, %(series)s + %(providers)s) g on conflict do nothing;
insert into public.availability_rules (organization_id, provider_id, weekday, start_time, end_time)
select tests.org_id('bench'), md5('bench-user:' || g)::uuid, w, '00:00', '24:00'
from generate_series(1, %(providers)s) g, generate_series(0, 6) w;
insert into public.recurring_bookings
  (user_id, specialist_id, service_id, frequency, start_date, local_time)
select md5('bench-user:' || (%(providers)s + 1 + g))::uuid,
       md5('bench-user:' || (1 + g %% %(providers)s))::uuid,
       svc.id, 'weekly', current_date + 2,
       time '00:00' + make_interval(mins => 10 * (g / %(providers)s))
from generate_series(0, %(series)s - 1) g,
     (select tests.seed_bookable_service(tests.org_id('bench'), 'Quick', 10) as id) svc;
"""

COPY_DISPATCHED = """
insert into public.service_sessions
  (organization_id, service_id, provider_id, session_type_id, kind, visibility, starts_at, ends_at,
   max_participants, status)
select organization_id, service_id, provider_id, session_type_id, kind, visibility,
       starts_at + interval '364 days', ends_at + interval '364 days', max_participants, status
from public.service_sessions;
insert into public.bookings
  (organization_id, client_id, provider_id, service_id, start_time, end_time, status, price,
   session_type_id, service_session_id, booking_kind)
select b.organization_id, b.client_id, b.provider_id, b.service_id, c.starts_at, c.ends_at,
       b.status, b.price, b.session_type_id, c.id, b.booking_kind
from public.bookings b
join public.service_sessions s on s.id = b.service_session_id
join public.service_sessions c
  on c.provider_id = s.provider_id and c.starts_at = s.starts_at + interval '364 days'
"""


DISPATCH = "select (public.dispatch_recurring_bookings(current_date + 2, %s, %s) ->> 'count')::int"


def arrange_due_series(conn: psycopg.Connection, scale: int) -> int:
    """`scale` weekly series due in two days, 50 per provider; returns the provider count."""
    providers = max(1, scale // 50)
    with conn.transaction():
        # integers only, so plain formatting is safe; several statements need the simple protocol
        conn.execute(DISPATCH_FIXTURE % {"series": int(scale), "providers": int(providers)})
    conn.execute("analyze")
    return providers


def dispatch_in_shards(conn: psycopg.Connection, shards: int) -> float:
    """Wall time of `shards` concurrent dispatcher calls (as the pg_cron shard jobs run them)."""
    url = make_conninfo(conn.info.dsn, password=conn.info.password)
    row = conn.execute("select current_date + 2").fetchone()
    assert row is not None
    start = time.perf_counter()
    dispatch(url, row[0], shards=shards)
    return time.perf_counter() - start


def dispatch_result(conn: psycopg.Connection, name: str, label: str, seconds: float) -> Result:
    row = conn.execute("select count(*) from public.bookings").fetchone()
    operation = Measurement(label, seconds, int(row[0]) if row else 0)
    baseline = timed(conn, "plain insert … select of the same sessions and bookings", COPY_DISPATCHED)
    return Result(name, operation, baseline)


def recurring_dispatch(conn: psycopg.Connection, scale: int) -> Result:
    """One dispatch_recurring_bookings call for `scale` due weekly series vs writing the same
    service sessions and bookings with plain INSERT … SELECT (same triggers, no checks)."""
    providers = arrange_due_series(conn, scale)
    call = timed(conn, "", DISPATCH, (0, 1), role="service_role")
    label = f"dispatch_recurring_bookings, one call ({providers} providers)"
    return dispatch_result(conn, "recurring-dispatch", label, call.seconds)


def recurring_dispatch_sharded(conn: psycopg.Connection, scale: int) -> Result:
    """The nightly configuration: two concurrent shard calls (split by provider)."""
    providers = arrange_due_series(conn, scale)
    seconds = dispatch_in_shards(conn, shards=2)
    label = f"dispatch_recurring_bookings, 2 concurrent shards ({providers} providers)"
    return dispatch_result(conn, "recurring-dispatch-2-shards", label, seconds)


SCENARIOS: dict[str, Scenario] = {
    s.name: s
    for s in (
        Scenario(
            "session-types", "seed default session types for many organizations", 2000, session_types_seed
        ),
        Scenario(
            "recurring-dispatch",
            "dispatch due weekly series (set-based fast path, per-row fallback)",
            100_000,
            recurring_dispatch,
        ),
        Scenario(
            "recurring-dispatch-2-shards",
            "the nightly pg_cron configuration: two shard jobs at once",
            100_000,
            recurring_dispatch_sharded,
        ),
    )
}
