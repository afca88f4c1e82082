"""`sessionkit legacy generate`: messy legacy data, deterministic per seed."""

from __future__ import annotations

from datetime import date

import psycopg

from sessionkit import stack
from sessionkit.config import Project
from sessionkit.legacy.generate import LEGACY_BASELINE_VERSION, generate
from tests.helpers import scalar, temporary_database

ANCHOR = date(2026, 6, 1)
FINGERPRINT = """
select md5(string_agg(t, ',' order by t)) from (
  select concat_ws('|', id, organization_id, client_id, provider_id, service_id, start_time, end_time, status,
                   notes, price) as t from public.bookings
  union all select concat_ws('|', id, name, duration, session_count) from public.packages
  union all select concat_ws('|', id, client_id, package_id, status, starts_at, expires_at)
    from public.subscriptions
  union all select concat_ws('|', id, service_id, provider_id, starts_at, current_participants, status)
            from public.service_sessions
) as rows
"""


def generated(project: Project, db_url: str, seed: int) -> str:
    with temporary_database(db_url) as target:
        stack.push_target(project, target, to=LEGACY_BASELINE_VERSION)
        with psycopg.connect(target.url, autocommit=True) as conn:
            result = generate(conn, 600, seed, ANCHOR)
            assert result.counts["bookings"] == 600
            return str(scalar(conn, FINGERPRINT))


def test_the_same_seed_gives_the_same_data_and_another_seed_other_data(project: Project, db_url: str) -> None:
    first = generated(project, db_url, 3)
    assert generated(project, db_url, 3) == first
    assert generated(project, db_url, 4) != first


def test_the_data_holds_every_kind_of_legacy_mess(legacy_template: str, db_url: str) -> None:
    url = db_url.rsplit("/", 1)[0] + "/" + legacy_template
    with psycopg.connect(url) as conn:
        durations = {r[0] for r in conn.execute("select duration from public.packages").fetchall()}
        figures = conn.execute(
            """select
                 (select count(*) from public.bookings where service_id is null),
                 (select count(*) from public.bookings where status = 'cancelled'),
                 (select count(*) from public.bookings where price = 0),
                 (select count(*) from public.bookings where notes ~* 'trial|guest'),
                 (select count(*) from (select 1 from public.subscriptions where status = 'active'
                                        group by organization_id, client_id having count(*) > 1) d),
                 (select count(*) from public.service_sessions ss
                  where ss.current_participants <> (select count(*) from public.bookings b
                                                    where b.service_id = ss.service_id
                                                      and b.start_time = ss.starts_at
                                                      and b.provider_id = ss.provider_id
                                                        and b.status <> 'cancelled')),
                 (select count(*) from public.bookings a join public.bookings b
                    on b.provider_id = a.provider_id and b.id > a.id and b.status <> 'cancelled'
                   and tstzrange(a.start_time, a.end_time) && tstzrange(b.start_time, b.end_time)
                  where a.status <> 'cancelled')"""
        ).fetchone()
    assert {"", "tbd", "3", "1-2h", "3h", "180 min"} <= durations
    assert figures is not None
    without_service, cancelled, free, signals, duplicates, stale, double_booked = figures
    assert without_service > 0 and cancelled > 0 and free > 0 and signals > 0
    assert duplicates > 0, "clients with several active subscriptions"
    assert stale > 0, "group sessions with a stale current_participants"
    assert double_booked > 0, "providers double-booked"
