"""Credits under real concurrency (issue 5): one psycopg connection per thread, each request a
PostgREST-like transaction (`acting_as`, what the `act_as` fixture is built on), released
together by a threading.Barrier.

The database must serialise credit spending on the subscription's row lock: no interleaving of
bookings, cancellations, completions and no-shows may overspend a subscription or break
completed + scheduled + forfeited + remaining = total.
"""

from __future__ import annotations

import random
import threading
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import psycopg
import pytest

from sessionkit.testing.acting import acting_as

from .helpers import run_parallel, scalar

# Every failure a request may legitimately meet in the random workload (contract codes).
EXPECTED_CODES = {
    "NO_CREDITS_LEFT",
    "CAPACITY_REACHED",
    "CONFLICT",
    "ALREADY_CANCELLED",
    "BOOKING_IN_PAST",
}


@dataclass
class Org:
    id: uuid.UUID
    slug: str
    provider: uuid.UUID
    service: uuid.UUID
    clients: list[uuid.UUID] = field(default_factory=list)
    next_start: datetime | None = None


@pytest.fixture
def make_org(conn: psycopg.Connection) -> Iterator[Callable[..., Org]]:
    """make_org(clients=n, capacity=c): a fresh organization (deleted afterwards)."""
    created: list[Org] = []

    def factory(clients: int = 1, capacity: int = 10) -> Org:
        slug = f"cc-{uuid.uuid4().hex[:10]}"
        org_id = scalar(conn, "select tests.seed_org(%s)", (slug,))
        provider = scalar(conn, "select tests.uid(%s)", (f"{slug}_provider",))
        service = scalar(
            conn, "select tests.seed_service(%s, 'Group', %s, %s, 25)", (org_id, provider, capacity)
        )
        org = Org(org_id, slug, provider, service)
        org.clients = [
            scalar(conn, "select tests.add_member(%s, %s, 'client')", (slug, f"{slug}_c{i}"))
            for i in range(clients)
        ]
        created.append(org)
        return org

    yield factory
    for org in created:
        conn.execute("delete from public.organizations where id = %s", (org.id,))


def add_sessions(
    conn: psycopg.Connection, org: Org, starts: list[datetime], capacity: int = 10
) -> list[uuid.UUID]:
    return [
        scalar(
            conn,
            "select tests.seed_service_session(%s, %s, %s, 60, null, %s)",
            (org.service, org.provider, start, capacity),
        )
        for start in starts
    ]


def hourly(first: datetime, count: int, step_hours: int = 2) -> list[datetime]:
    return [first + timedelta(hours=step_hours * i) for i in range(count)]


def future(now: datetime, hours: float) -> datetime:
    """A whole hour `hours` from the server's now (its clock, not this machine's)."""
    return now.replace(minute=0, second=0, microsecond=0) + timedelta(hours=hours)


def subscribe(conn: psycopg.Connection, org: Org, client: uuid.UUID, total: int) -> uuid.UUID:
    return scalar(conn, "select tests.seed_subscription(%s, %s, %s)", (org.id, client, total))


def balance(conn: psycopg.Connection, subscription_id: uuid.UUID) -> dict[str, int]:
    return scalar(conn, "select tests.balance(%s)", (subscription_id,))


def error_code(exc: psycopg.Error) -> str:
    return exc.diag.message_primary or type(exc).__name__


def connect(db_url: str) -> psycopg.Connection:
    return psycopg.connect(db_url, autocommit=True)


def book_task(db_url: str, client: uuid.UUID, session: uuid.UUID) -> Callable[[threading.Barrier], str]:
    """One client request on the thread's own connection, released by the barrier."""

    def task(barrier: threading.Barrier) -> str:
        with connect(db_url) as own:
            try:
                with acting_as(own, client) as c:
                    barrier.wait()
                    c.execute("select public.book_session(%s)", (session,)).fetchone()
                return "booked"
            except psycopg.Error as exc:
                return error_code(exc)

    return task


def book(client_conn: psycopg.Connection, client: uuid.UUID, session: uuid.UUID) -> uuid.UUID:
    with acting_as(client_conn, client) as c:
        return scalar(c, "select (public.book_session(%s)).id", (session,))


def test_three_credits_left_and_ten_concurrent_bookings(
    conn: psycopg.Connection, db_url: str, make_org: Callable[..., Org], server_now: datetime
) -> None:
    org = make_org(clients=1)
    client = org.clients[0]
    sessions = add_sessions(conn, org, hourly(future(server_now, 48), 12))
    subscription = subscribe(conn, org, client, 5)
    with connect(db_url) as client_conn:
        for session in sessions[:2]:  # two credits already booked: three left
            book(client_conn, client, session)
    assert balance(conn, subscription)["remaining"] == 3

    results = run_parallel([book_task(db_url, client, s) for s in sessions[2:]])

    assert Counter(results) == {"booked": 3, "NO_CREDITS_LEFT": 7}
    assert balance(conn, subscription) == {
        "total": 5,
        "completed": 0,
        "scheduled": 5,
        "forfeited": 0,
        "remaining": 0,
    }
    live = scalar(
        conn,
        "select count(*) from public.bookings where subscription_id = %s and status = 'confirmed'",
        (subscription,),
    )
    assert live == 5
    report = scalar(conn, "select public.integrity_report(%s)", (org.id,))
    assert report["total_violations"] == 0


def test_concurrent_cancel_and_book_keep_the_math_exact(
    conn: psycopg.Connection, db_url: str, make_org: Callable[..., Org], server_now: datetime
) -> None:
    org = make_org(clients=1)
    client = org.clients[0]
    rounds, bookers = 5, 4
    sessions = add_sessions(conn, org, hourly(future(server_now, 72), 3 + rounds * (bookers + 1)))
    subscription = subscribe(conn, org, client, 3)
    client_conn = connect(db_url)
    held = [book(client_conn, client, s) for s in sessions[:3]]  # every credit booked, restorable
    pool = iter(sessions[3:])

    for _ in range(rounds):
        victim = held.pop(0)

        def cancel(barrier: threading.Barrier, booking: uuid.UUID = victim) -> str:
            with connect(db_url) as own, acting_as(own, client) as c:
                barrier.wait()
                result = scalar(c, "select public.cancel_booking(%s, 'round')", (booking,))
            return str(result["cancellation_policy_applied"])

        tasks = [cancel] + [book_task(db_url, client, next(pool)) for _ in range(bookers)]
        outcome = run_parallel(tasks)

        assert outcome[0] == "credit_restored"
        booked = outcome[1:].count("booked")
        assert booked <= 1, outcome  # only the restored credit can be spent
        assert set(outcome[1:]) <= {"booked", "NO_CREDITS_LEFT"}, outcome
        now = balance(conn, subscription)
        assert now["completed"] + now["scheduled"] + now["forfeited"] + now["remaining"] == now["total"]
        assert now["remaining"] >= 0
        assert now["scheduled"] == 2 + booked
        # keep three credits in use for the next round
        held = [
            row[0]
            for row in conn.execute(
                """select id from public.bookings
                   where subscription_id = %s and status = 'confirmed' order by start_time""",
                (subscription,),
            ).fetchall()
        ]
        while len(held) < 3:
            held.append(book(client_conn, client, next(pool)))

    client_conn.close()
    report = scalar(conn, "select public.integrity_report(%s)", (org.id,))
    assert report["total_violations"] == 0, report


def test_200_random_operations_in_parallel_leave_no_violation(
    conn: psycopg.Connection, db_url: str, make_org: Callable[..., Org], server_now: datetime
) -> None:
    rng = random.Random(20261124)
    org = make_org(clients=5, capacity=4)
    subscribed = org.clients[:4]  # the fifth client pays per session
    subscriptions = {client: subscribe(conn, org, client, rng.randint(10, 16)) for client in subscribed}

    # "past" sessions: booked while in the future, then moved into the past (as postgres), so
    # that they can be completed or marked no-show during the run
    past = add_sessions(conn, org, hourly(future(server_now, 24 * 20), 14), capacity=4)
    with connect(db_url) as setup:
        for session in past:
            for client in rng.sample(org.clients, 4):
                try:
                    book(setup, client, session)
                except psycopg.Error as exc:
                    assert error_code(exc) == "NO_CREDITS_LEFT", exc
    for index, session in enumerate(past):
        conn.execute("select tests.move_session(%s, %s)", (session, future(server_now, -6 - 2 * index)))
    # upcoming sessions: the first few within the 24-hour notice (forfeit), the rest beyond (restore)
    upcoming = add_sessions(conn, org, hourly(future(server_now, 3), 30, step_hours=3), capacity=4)

    def worker(seed: int) -> Callable[[threading.Barrier], Counter[str]]:
        def task(barrier: threading.Barrier) -> Counter[str]:
            local = random.Random(seed)
            tally: Counter[str] = Counter()
            with connect(db_url) as own, connect(db_url) as lookup:

                def pick(client: uuid.UUID | None, sessions: list[uuid.UUID]) -> uuid.UUID | None:
                    row = lookup.execute(
                        """select id from public.bookings
                           where organization_id = %s and status = 'confirmed'
                             and service_session_id = any(%s)
                             and (%s::uuid is null or client_id = %s::uuid)
                           order by random() limit 1""",
                        (org.id, sessions, client, client),
                    ).fetchone()
                    return row[0] if row else None

                barrier.wait()
                for _ in range(25):
                    op = local.choice(["book", "book", "cancel", "complete", "no_show"])
                    client = local.choice(org.clients)
                    try:
                        if op == "book":
                            with acting_as(own, client) as c:
                                c.execute("select public.book_session(%s)", (local.choice(upcoming),))
                        elif op == "cancel":
                            booking = pick(client, upcoming + past)
                            if booking is None:
                                tally["cancel:nothing to cancel"] += 1
                                continue
                            with acting_as(own, client) as c:
                                c.execute("select public.cancel_booking(%s, 'random')", (booking,))
                        else:
                            booking = pick(None, past)
                            if booking is None:
                                tally[f"{op}:nothing to finish"] += 1
                                continue
                            rpc = "complete_booking" if op == "complete" else "mark_no_show"
                            with acting_as(own, org.provider) as c:
                                c.execute(f"select public.{rpc}(%s)", (booking,))
                        tally[f"{op}:ok"] += 1
                    except psycopg.Error as exc:
                        code = error_code(exc)
                        if code not in EXPECTED_CODES:
                            raise AssertionError(
                                f"{op} failed unexpectedly: {code} ({exc.sqlstate})"
                            ) from exc
                        tally[f"{op}:{code}"] += 1
            return tally

        return task

    tallies = run_parallel([worker(seed) for seed in range(8)])
    total: Counter[str] = sum(tallies, Counter())
    assert sum(total.values()) == 200, total
    assert total["book:ok"] > 0 and total["cancel:ok"] > 0, total
    assert total["complete:ok"] + total["no_show:ok"] > 0, total

    report = scalar(conn, "select public.integrity_report(%s)", (org.id,))
    assert report["total_violations"] == 0, [i for i in report["invariants"] if i["violations"]]
    for client, subscription in subscriptions.items():
        b = balance(conn, subscription)
        assert b["completed"] + b["scheduled"] + b["forfeited"] + b["remaining"] == b["total"], (client, b)
        assert b["remaining"] >= 0, (client, b)
    paid = scalar(
        conn,
        "select count(*) from public.bookings where client_id = %s and subscription_id is not null",
        (org.clients[4],),
    )
    assert paid == 0, "the client without a subscription never spends a credit"
