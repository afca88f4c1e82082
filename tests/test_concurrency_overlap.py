"""The overlap guarantee of service_sessions under real concurrency (migration 20261127160100):
no GiST exclusion constraint any more, but a provider still never ends up with two overlapping
live sessions, whatever the writers do at the same moment and at every isolation level.

Each writer is its own connection writing the table directly as service_role (as backfills and
jobs do: signed-in users' direct writes also pass the scheduling rules' own provider lock, which
would hide this guarantee), all released together by a barrier after their snapshot is taken. What
makes it correct: every statement bumps the provider's private.provider_calendars row before it
checks its rows' neighbours, so writers of one provider queue there; the one that waited checks
on a snapshot that sees the winner (read committed) or fails with 40001 because the row changed
after its snapshot (repeatable read, serializable).
"""

from __future__ import annotations

import threading
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

import psycopg
import pytest
from psycopg import IsolationLevel

from sessionkit.testing.acting import acting_as

from .helpers import run_parallel, scalar

LEVELS = [IsolationLevel.READ_COMMITTED, IsolationLevel.REPEATABLE_READ, IsolationLevel.SERIALIZABLE]
INSERT = (
    "insert into public.service_sessions (organization_id, service_id, provider_id, starts_at, ends_at)"
    " select %s, %s, %s, s, s + interval '30 minutes' from unnest(%s::timestamptz[]) as s"
)
REFUSED = {"23P01", "40001"}  # the overlap guarantee, or a serialization failure to retry


@dataclass(frozen=True)
class Calendar:
    org: uuid.UUID
    provider: uuid.UUID
    service: uuid.UUID
    start: datetime


@pytest.fixture
def calendar(conn: psycopg.Connection) -> Iterator[Calendar]:
    """A fresh organization with a provider and a 30-minute service (deleted afterwards)."""
    slug = f"ov-{uuid.uuid4().hex[:10]}"
    org = scalar(conn, "select tests.seed_org(%s)", (slug,))
    service = scalar(conn, "select tests.seed_bookable_service(%s, 'Session', 30)", (org,))
    provider = scalar(conn, "select tests.uid(%s)", (f"{slug}_provider",))
    yield Calendar(org, provider, service, scalar(conn, "select tests.slot(2, '10:00')"))
    conn.execute("delete from public.organizations where id = %s", (org,))


def writer(
    db_url: str, level: IsolationLevel, sql: str, params: tuple[object, ...]
) -> Callable[[threading.Barrier], str | None]:
    """A task for run_parallel: one transaction at `level` as service_role, released by the
    barrier after its snapshot is taken; returns None on success, else the SQLSTATE."""

    def task(barrier: threading.Barrier) -> str | None:
        with psycopg.connect(db_url) as conn:
            conn.isolation_level = level
            try:
                with acting_as(conn, role="service_role") as c:
                    c.execute("select count(*) from public.service_sessions").fetchone()  # the snapshot
                    barrier.wait()
                    c.execute(sql, params)
            except psycopg.Error as exc:
                return exc.sqlstate
        return None

    return task


def overlapping_pairs(conn: psycopg.Connection, provider: uuid.UUID) -> int:
    return int(
        scalar(
            conn,
            "select count(*) from public.service_sessions a join public.service_sessions b"
            " on b.provider_id = a.provider_id and b.id > a.id and b.status <> 'cancelled'"
            " and tstzrange(a.starts_at, a.ends_at) && tstzrange(b.starts_at, b.ends_at)"
            " where a.provider_id = %s and a.status <> 'cancelled'",
            (provider,),
        )
    )


def outcomes(results: list[str | None]) -> Counter[str]:
    return Counter("ok" if r is None else r for r in results)


@pytest.mark.parametrize("level", LEVELS, ids=lambda lv: lv.name.lower())
def test_sixteen_writers_of_overlapping_sessions_leave_exactly_one(
    conn: psycopg.Connection, db_url: str, calendar: Calendar, level: IsolationLevel
) -> None:
    # session i starts i minutes after 10:00 and lasts 30 minutes: every pair overlaps
    tasks = [
        writer(db_url, level, INSERT, (calendar.org, calendar.service, calendar.provider, [at]))
        for at in (calendar.start + timedelta(minutes=i) for i in range(16))
    ]
    result = outcomes(run_parallel(tasks))
    assert result["ok"] == 1, result
    assert set(result) - {"ok"} <= REFUSED, result
    assert overlapping_pairs(conn, calendar.provider) == 0


@pytest.mark.parametrize("level", LEVELS, ids=lambda lv: lv.name.lower())
def test_bulk_statements_interleaving_their_sessions_never_leave_an_overlap(
    conn: psycopg.Connection, db_url: str, calendar: Calendar, level: IsolationLevel
) -> None:
    # four writers, twenty back-to-back sessions each, shifted by 10 minutes from one another
    starts = [[calendar.start + timedelta(minutes=10 * w + 30 * k) for k in range(20)] for w in range(4)]
    tasks = [
        writer(db_url, level, INSERT, (calendar.org, calendar.service, calendar.provider, s)) for s in starts
    ]
    result = outcomes(run_parallel(tasks))
    assert result["ok"] == 1, result
    assert overlapping_pairs(conn, calendar.provider) == 0
    assert (
        scalar(
            conn, "select count(*) from public.service_sessions where provider_id = %s", (calendar.provider,)
        )
        == 20
    )


@pytest.mark.parametrize("level", LEVELS, ids=lambda lv: lv.name.lower())
def test_a_session_moved_onto_a_time_someone_books_at_once_leaves_one_of_them(
    conn: psycopg.Connection, db_url: str, calendar: Calendar, level: IsolationLevel
) -> None:
    early = scalar(
        conn,
        "insert into public.service_sessions (organization_id, service_id, provider_id, starts_at, ends_at)"
        " values (%s, %s, %s, %s, %s) returning id",
        (
            calendar.org,
            calendar.service,
            calendar.provider,
            calendar.start - timedelta(hours=3),
            calendar.start - timedelta(hours=2, minutes=30),
        ),
    )
    move = (
        "update public.service_sessions set starts_at = %s, ends_at = %s + interval '30 minutes'"
        " where id = %s"
    )
    booked = [calendar.start + timedelta(minutes=5)]
    tasks = [
        writer(db_url, level, move, (calendar.start, calendar.start, early)),
        writer(db_url, level, INSERT, (calendar.org, calendar.service, calendar.provider, booked)),
    ]
    result = outcomes(run_parallel(tasks))
    assert result["ok"] == 1, result
    assert overlapping_pairs(conn, calendar.provider) == 0
