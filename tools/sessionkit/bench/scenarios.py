"""The benchmark scenarios: each measures a product operation against a plain-SQL baseline."""

from __future__ import annotations

import psycopg

from sessionkit.bench.harness import Result, Scenario, timed

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


SCENARIOS: dict[str, Scenario] = {
    s.name: s
    for s in (
        Scenario(
            "session-types", "seed default session types for many organizations", 2000, session_types_seed
        ),
    )
}
