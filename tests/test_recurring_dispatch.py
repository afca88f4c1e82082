"""The recurring-bookings dispatcher under real concurrency (issue 6): one psycopg connection per
dispatcher, each a service_role request (`acting_as`), released together by a threading.Barrier.

What makes it correct is in the database, not in the timing:
* the claim is `for no key update skip locked`: two dispatchers never handle the same series, so
  each occurrence is booked once (and the unique index on (recurring_booking_id,
  recurring_occurrence_date) refuses a second booking whatever happens);
* a re-run after next_booking_date was moved back finds the bookings and books nothing new;
* shards (p_shard of p_shards) split one run between connections, disjointly and by provider;
* a client booking the provider while the dispatcher runs: the series holds its slot (SLOT_TAKEN
  for the client), and the provider lock orders the client's booking next to it and the dispatch.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import psycopg
import pytest

from sessionkit.testing.acting import acting_as

from .helpers import run_parallel, scalar

SERIES = 30


@pytest.fixture
def run_date(server_today: date) -> date:
    """Weekly series from the server's today + 2: five occurrences each by this date."""
    return server_today + timedelta(days=30)


@dataclass
class Org:
    id: uuid.UUID
    slug: str
    provider: uuid.UUID
    service: uuid.UUID
    series: list[uuid.UUID] = field(default_factory=list)


@pytest.fixture
def make_org(conn: psycopg.Connection) -> Iterator[Callable[[int], Org]]:
    """make_org(n): an organization whose provider has n weekly series (deleted afterwards)."""
    created: list[Org] = []

    def factory(series: int) -> Org:
        slug = f"rd-{uuid.uuid4().hex[:10]}"
        org_id = scalar(conn, "select tests.seed_org(%s, 'Europe/Berlin')", (slug,))
        provider = scalar(conn, "select tests.uid(%s)", (f"{slug}_provider",))
        conn.execute("select tests.seed_weekly_hours(%s, %s, '07:00', '22:00')", (org_id, provider))
        service = scalar(conn, "select tests.seed_bookable_service(%s, 'Weekly', 20)", (org_id,))
        org = Org(org_id, slug, provider, service)
        for i in range(series):
            conn.execute("select tests.add_member(%s, %s, 'client')", (slug, f"{slug}_c{i}"))
            org.series.append(
                scalar(
                    conn,
                    "select tests.seed_series(%s, %s, %s, %s, 'weekly', current_date + 2,"
                    " time '08:00' + make_interval(mins => 25 * %s))",
                    (org_id, f"{slug}_c{i}", f"{slug}_provider", service, i),
                )
            )
        created.append(org)
        return org

    yield factory
    for org in created:
        conn.execute("delete from public.organizations where id = %s", (org.id,))


def dispatch_together(db_url: str, calls: list[tuple[Any, ...]]) -> list[dict[str, Any]]:
    """Each call (args of dispatch_recurring_bookings) on its own connection as service_role, at once."""

    def task(args: tuple[Any, ...]) -> Callable[[threading.Barrier], dict[str, Any]]:
        def run(barrier: threading.Barrier) -> dict[str, Any]:
            with (
                psycopg.connect(db_url, autocommit=True) as connection,
                acting_as(connection, role="service_role") as c,
            ):
                barrier.wait()
                placeholders = ", ".join(["%s"] * len(args))
                return dict(scalar(c, f"select public.dispatch_recurring_bookings({placeholders})", args))

        return run

    return run_parallel([task(args) for args in calls], barrier_timeout=10)


def occurrences(conn: psycopg.Connection, org: Org) -> list[tuple[uuid.UUID, date, int]]:
    """(series, occurrence date, bookings) for every occurrence of the org's series that has one."""
    return conn.execute(
        "select recurring_booking_id, recurring_occurrence_date, count(*)::int from public.bookings"
        " where organization_id = %s and recurring_booking_id is not null group by 1, 2 order by 1, 2",
        (org.id,),
    ).fetchall()


def own(result: dict[str, Any], conn: psycopg.Connection, org: Org) -> set[str]:
    """The booking ids of a dispatcher result that belong to the org."""
    ids = [str(b) for b in result["bookings"]]
    if not ids:
        return set()
    rows = conn.execute(
        "select id::text from public.bookings where organization_id = %s and id = any(%s::uuid[])",
        (org.id, ids),
    ).fetchall()
    return {row[0] for row in rows}


def test_two_dispatchers_at_once_book_each_occurrence_exactly_once(
    conn: psycopg.Connection, db_url: str, make_org: Callable[[int], Org], run_date: date
) -> None:
    org = make_org(SERIES)
    first, second = dispatch_together(db_url, [(run_date,), (run_date,)])

    booked = occurrences(conn, org)
    assert len(booked) == SERIES * 5
    assert all(count == 1 for _, _, count in booked)
    mine = [own(first, conn, org), own(second, conn, org)]
    assert mine[0].isdisjoint(mine[1])
    assert len(mine[0] | mine[1]) == SERIES * 5
    assert not [e for r in (first, second) for e in r["errors"] if uuid.UUID(e["recurring_id"]) in org.series]

    # both runs again, after someone moved the series back: the bookings exist, nothing new
    conn.execute(
        "update public.recurring_bookings set next_booking_date = start_date, is_active = true"
        " where organization_id = %s",
        (org.id,),
    )
    again = dispatch_together(db_url, [(run_date,), (run_date,)])
    assert occurrences(conn, org) == booked
    assert sum(len(own(r, conn, org)) for r in again) == 0
    assert sum(r["already_booked"] for r in again) >= SERIES * 5
    assert (
        scalar(
            conn,
            "select count(*) from public.recurring_bookings"
            " where organization_id = %s and next_booking_date = %s",
            (org.id, run_date + timedelta(days=7)),
        )
        == SERIES
    )


def test_shards_split_one_run_between_connections(
    conn: psycopg.Connection, db_url: str, make_org: Callable[[int], Org], run_date: date
) -> None:
    # shards go by provider (hash of specialist_id): organizations of one provider each until
    # both shards of 2 have at least one
    per_org = SERIES // 3
    orgs: list[Org] = []
    shards: set[int] = set()
    while len(shards) < 2 or len(orgs) < 3:
        assert len(orgs) < 40, "the providers' hashes should fall into both shards"
        orgs.append(make_org(per_org))
        shards.add(scalar(conn, "select abs(hashtextextended(%s::text, 0)) %% 2", (orgs[-1].provider,)))
    left, right = dispatch_together(db_url, [(run_date, 0, 2), (run_date, 1, 2)])
    mine = [set().union(*(own(result, conn, org) for org in orgs)) for result in (left, right)]
    assert mine[0] and mine[1]
    assert mine[0].isdisjoint(mine[1])
    assert len(mine[0] | mine[1]) == len(orgs) * per_org * 5
    for org in orgs:
        assert all(count == 1 for _, _, count in occurrences(conn, org))
        # a provider's occurrences are all booked by one shard
        assert own(left, conn, org) == set() or own(right, conn, org) == set()


def test_a_client_booking_next_to_a_series_while_the_dispatcher_runs_never_takes_its_slot(
    conn: psycopg.Connection, db_url: str, make_org: Callable[[int], Org], run_date: date
) -> None:
    org = make_org(1)
    series = org.series[0]
    local = "select (current_date + 2 + %s::time) at time zone 'Europe/Berlin'"
    # the series' first occurrence (08:00-08:20) and the slot right after it
    held, beside = (scalar(conn, local, (t,)) for t in ("08:00", "08:20"))
    intruder = scalar(conn, "select tests.add_member(%s, %s, 'client')", (org.slug, f"{org.slug}_walkin"))
    book = "select public.book_individual_session(%s, %s, %s)"

    with (
        pytest.raises(psycopg.Error) as refused,
        psycopg.connect(db_url, autocommit=True) as client_conn,
        acting_as(client_conn, user_id=intruder) as c,
    ):
        c.execute(book, (org.service, org.provider, held))
    assert refused.value.diag.message_primary == "SLOT_TAKEN"  # the series holds it

    result: dict[str, Any] = {}
    with psycopg.connect(db_url, autocommit=True) as client_conn:
        with acting_as(client_conn, user_id=intruder) as c:
            # the client's booking holds the provider lock until this transaction ends
            c.execute(book, (org.service, org.provider, beside))

            def dispatcher() -> None:
                with psycopg.connect(db_url, autocommit=True) as d, acting_as(d, role="service_role") as s:
                    result.update(scalar(s, "select public.dispatch_recurring_bookings(%s)", (run_date,)))

            thread = threading.Thread(target=dispatcher)
            thread.start()
            time.sleep(0.5)
            assert thread.is_alive(), "the dispatcher should wait for the provider lock"
        thread.join(timeout=30)
    assert not thread.is_alive()

    confirmed = conn.execute(
        "select start_time, client_id, recurring_booking_id from public.bookings"
        " where organization_id = %s and start_time in (%s, %s) and status = 'confirmed' order by start_time",
        (org.id, held, beside),
    ).fetchall()
    client = scalar(conn, "select user_id from public.recurring_bookings where id = %s", (series,))
    assert confirmed == [(held, client, series), (beside, intruder, None)]
    assert not [e for e in result["errors"] if uuid.UUID(e["recurring_id"]) == series]
    assert len(occurrences(conn, org)) == 5  # every week of the series is booked
