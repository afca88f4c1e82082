"""Read replicas for slot search and reports (docs/scaling.md), proven on this machine: a streaming
hot standby of the local cluster (`pg_basebackup -R`, port SESSIONKIT_DB_PORT + 3: + 1 is the
Supabase-shaped server of test_supabase_shaped.py, + 2 the durable bench cluster; run as the
cluster's OS user) answers get_available_slots and integrity_report while bookings are written
to the primary, catches up with them, and refuses writes.

Supabase read replicas are the same mechanism (physical streaming replication): what holds here
holds there. Skipped when the tests run against another server (SESSIONKIT_DB_URL).
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

import psycopg
import pytest

from sessionkit.config import Project, Target, with_database
from sessionkit.db.admin import database_name
from sessionkit.db.cluster import LocalCluster
from sessionkit.db.connect import connect
from sessionkit.testing.acting import acting_as
from sessionkit.testing.parallel import run_parallel

from .helpers import scalar

STANDBY_PORT_OFFSET = 3
BOOKINGS = 24  # 08:00 to 20:00, inside the provider's hours
CATCH_UP_SECONDS = 30
SLOTS = "select count(*) from public.get_available_slots(%s, %s, %s, %s)"
REPORT = "select (public.integrity_report(%s) ->> 'total_violations')::integer"


@dataclass(frozen=True)
class Practice:
    org: uuid.UUID
    provider: uuid.UUID
    client: uuid.UUID
    owner: uuid.UUID
    service: uuid.UUID
    monday: date


@pytest.fixture(scope="module")
def standby(project: Project, db_url: str) -> Iterator[str]:
    """A hot standby of the local cluster, started for this module; yields the URL of the test
    database on it."""
    if not Target.resolve().is_local:
        pytest.skip("the standby is made from the local cluster")
    replica = LocalCluster(project, name="standby", port_offset=STANDBY_PORT_OFFSET)
    replica.remove()  # a leftover of an interrupted run
    replica.start_standby_of(LocalCluster(project))
    try:
        yield with_database(replica.url, database_name(db_url))
    finally:
        replica.remove()


@pytest.fixture
def practice(conn: psycopg.Connection) -> Iterator[Practice]:
    """An organization whose provider works every day, a client and a 30-minute service."""
    slug = f"sb-{uuid.uuid4().hex[:10]}"
    org = scalar(conn, "select tests.seed_org(%s)", (slug,))
    provider, client, owner = (
        scalar(conn, "select tests.uid(%s)", (f"{slug}_{r}",)) for r in ("provider", "client", "owner")
    )
    conn.execute("select tests.seed_weekly_hours(%s, %s, '06:00', '22:00')", (org, provider))
    service = scalar(conn, "select tests.seed_bookable_service(%s, 'Session', 30)", (org,))
    monday = scalar(conn, "select tests.next_weekday(1)")
    yield Practice(org, provider, client, owner, service, monday)
    conn.execute("delete from public.organizations where id = %s", (org,))


def caught_up(primary: psycopg.Connection, standby_url: str) -> bool:
    """Wait until the standby has replayed everything the primary has written so far."""
    # the insert position: with synchronous_commit off, the last commits may not be written yet
    target = scalar(primary, "select pg_current_wal_insert_lsn()::text")
    deadline = time.monotonic() + CATCH_UP_SECONDS
    with connect(standby_url) as standby:
        while time.monotonic() < deadline:
            if scalar(standby, "select pg_last_wal_replay_lsn() >= %s::pg_lsn", (target,)):
                return True
            time.sleep(0.1)
    return False


def slots(url: str, p: Practice) -> int:
    with connect(url) as conn, acting_as(conn, user_id=p.client) as c:
        return int(scalar(c, SLOTS, (p.provider, p.service, p.monday, p.monday + timedelta(days=6))))


def test_the_standby_is_a_read_only_replica_in_recovery(standby: str) -> None:
    with connect(standby) as conn:
        assert scalar(conn, "select pg_is_in_recovery()") is True
        assert scalar(conn, "show transaction_read_only") == "on"


def test_slot_search_and_reports_run_on_the_standby_while_the_primary_takes_bookings(
    conn: psycopg.Connection, db_url: str, standby: str, practice: Practice
) -> None:
    assert caught_up(conn, standby)
    free_before = slots(standby, practice)
    started, done = threading.Event(), threading.Event()

    def book(barrier: threading.Barrier) -> int:
        booked = 0
        try:
            with connect(db_url) as primary:
                barrier.wait()
                started.set()
                for k in range(BOOKINGS):
                    starts = scalar(
                        primary,
                        "select tests.local_ts(%s, '08:00') + make_interval(mins => 30 * %s)",
                        (practice.monday, k),
                    )
                    with acting_as(primary, user_id=practice.client) as c:
                        c.execute(
                            "select public.book_individual_session(%s, %s, %s)",
                            (practice.service, practice.provider, starts),
                        )
                    booked += 1
        finally:
            done.set()
        return booked

    def read(barrier: threading.Barrier) -> list[tuple[int, int]]:
        answers = []
        with connect(standby) as replica:
            barrier.wait()
            started.wait(timeout=10)
            while not done.is_set():
                with acting_as(replica, user_id=practice.client) as c:
                    free = int(
                        scalar(
                            c,
                            SLOTS,
                            (
                                practice.provider,
                                practice.service,
                                practice.monday,
                                practice.monday + timedelta(days=6),
                            ),
                        )
                    )
                with acting_as(replica, user_id=practice.owner) as c:
                    violations = int(scalar(c, REPORT, (practice.org,)))
                answers.append((free, violations))
        return answers

    booked, answers = run_parallel([book, read], join_timeout=120)
    assert booked == BOOKINGS
    assert answers, "the standby answered while the primary was writing"
    assert all(free <= free_before and violations == 0 for free, violations in answers)

    assert caught_up(conn, standby)
    assert slots(standby, practice) == slots(db_url, practice) == free_before - BOOKINGS
    with connect(standby) as replica, acting_as(replica, user_id=practice.owner) as c:
        assert (
            scalar(c, "select count(*) from public.bookings where organization_id = %s", (practice.org,))
            == BOOKINGS
        )
        assert scalar(c, REPORT, (practice.org,)) == 0


def test_writes_are_refused_on_the_standby(
    conn: psycopg.Connection, standby: str, practice: Practice
) -> None:
    assert caught_up(conn, standby)
    starts = scalar(conn, "select tests.local_ts(%s, '09:00')", (practice.monday,))
    with (
        connect(standby) as replica,
        pytest.raises(psycopg.errors.ReadOnlySqlTransaction),
        acting_as(replica, user_id=practice.client) as c,
    ):
        c.execute(
            "select public.book_individual_session(%s, %s, %s)",
            (practice.service, practice.provider, starts),
        )
