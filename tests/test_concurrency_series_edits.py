"""Editing recurring series under real concurrency (issue 14): one psycopg connection per request,
each a PostgREST-like request (`acting_as`), released together by a barrier.

What makes it correct is in the database, not in the timing:
* a move is checked and written under the provider lock, like a booking: clients moving their
  occurrences into one slot while someone books it never both get it;
* every series edit locks the series row first, and the dispatcher claims series (and moved
  occurrences) `skip locked`: a skip racing the nightly run either comes first (the run leaves the
  series for the next night, which does not book the skipped date) or waits for the run and
  cancels the booking it made - never a skipped occurrence with a live booking.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import psycopg
import pytest

from sessionkit.testing.acting import acting_as

from .helpers import run_parallel, scalar

SERIES = 8


@dataclass
class Org:
    id: uuid.UUID
    slug: str
    provider: uuid.UUID
    service: uuid.UUID
    clients: list[uuid.UUID] = field(default_factory=list)
    series: list[uuid.UUID] = field(default_factory=list)


@pytest.fixture
def first_day(server_today: date) -> date:
    """The series' first occurrence: two days after the server's today."""
    return server_today + timedelta(days=2)


@pytest.fixture
def org(conn: psycopg.Connection, first_day: date) -> Iterator[Org]:
    """An organization whose provider runs SERIES weekly series of different clients (deleted afterwards)."""
    slug = f"se-{uuid.uuid4().hex[:10]}"
    org_id = scalar(conn, "select tests.seed_org(%s, 'Europe/Berlin')", (slug,))
    provider = scalar(conn, "select tests.uid(%s)", (f"{slug}_provider",))
    conn.execute("select tests.seed_weekly_hours(%s, %s, '07:00', '22:00')", (org_id, provider))
    service = scalar(conn, "select tests.seed_bookable_service(%s, 'Weekly', 20)", (org_id,))
    made = Org(org_id, slug, provider, service)
    for i in range(SERIES):
        made.clients.append(scalar(conn, "select tests.add_member(%s, %s, 'client')", (slug, f"{slug}_c{i}")))
        made.series.append(
            scalar(
                conn,
                "select tests.seed_series(%s, %s, %s, %s, 'weekly', %s,"
                " time '08:00' + make_interval(mins => 25 * %s))",
                (org_id, f"{slug}_c{i}", f"{slug}_provider", service, first_day, i),
            )
        )
    yield made
    conn.execute("delete from public.organizations where id = %s", (org_id,))


def request(
    db_url: str, sql: str, params: tuple[Any, ...], **actor: Any
) -> Callable[[threading.Barrier], str]:
    """One request at the barrier: 'ok' or the contract code it failed with."""

    def run(barrier: threading.Barrier) -> str:
        with psycopg.connect(db_url, autocommit=True) as connection:
            try:
                with acting_as(connection, **actor) as c:
                    barrier.wait()
                    c.execute(sql, params)
            except psycopg.Error as error:
                return str(error.diag.message_primary)
        return "ok"

    return run


def test_clients_moving_into_one_slot_while_it_is_booked_never_both_get_it(
    conn: psycopg.Connection, db_url: str, org: Org, first_day: date
) -> None:
    target = scalar(conn, "select (%s::date + 1 + time '15:00') at time zone 'Europe/Berlin'", (first_day,))
    walk_in = scalar(conn, "select tests.add_member(%s, %s, 'client')", (org.slug, f"{org.slug}_walkin"))
    move = "select public.move_recurring_occurrence(%s, %s, %s)"
    book = "select public.book_individual_session(%s, %s, %s)"
    tasks = [
        request(db_url, move, (s, first_day, target), user_id=c)
        for s, c in zip(org.series, org.clients, strict=True)
    ]
    tasks.append(request(db_url, book, (org.service, org.provider, target), user_id=walk_in))

    outcomes = run_parallel(tasks)

    assert sorted(outcomes) == ["SLOT_TAKEN"] * SERIES + ["ok"]
    held = scalar(
        conn,
        "select count(*) from private.series_holds("
        " array[%s]::uuid[], tstzrange(%s, %s + interval '20 minutes'))",
        (org.provider, target, target),
    )
    booked = scalar(
        conn,
        "select count(*) from public.bookings"
        " where provider_id = %s and start_time = %s and status = 'confirmed'",
        (org.provider, target),
    )
    assert held + booked == 1


def test_skips_racing_the_dispatcher_never_leave_a_skipped_occurrence_booked(
    conn: psycopg.Connection, db_url: str, org: Org, first_day: date
) -> None:
    skip = "select public.skip_recurring_occurrence(%s, %s)"
    dispatch = "select public.dispatch_recurring_bookings(%s)"
    tasks = [
        request(db_url, skip, (s, first_day), user_id=c) for s, c in zip(org.series, org.clients, strict=True)
    ]
    tasks.append(request(db_url, dispatch, (first_day,), role="service_role"))

    outcomes = run_parallel(tasks)
    assert outcomes == ["ok"] * (SERIES + 1)
    # the next night: series the first run left alone (locked by a skip) are handled now
    with acting_as(conn, role="service_role") as c:
        c.execute(dispatch, (first_day,))

    live = scalar(
        conn,
        "select count(*) from public.bookings where recurring_booking_id = any(%s)"
        " and recurring_occurrence_date = %s and status <> 'cancelled'",
        (org.series, first_day),
    )
    skipped = scalar(
        conn,
        "select count(*) from public.recurring_booking_exceptions where recurring_booking_id = any(%s)"
        " and occurrence_date = %s and kind = 'skipped'",
        (org.series, first_day),
    )
    advanced = scalar(
        conn,
        "select count(*) from public.recurring_bookings where id = any(%s) and next_booking_date > %s",
        (org.series, first_day),
    )
    assert (live, skipped, advanced) == (0, SERIES, SERIES)
