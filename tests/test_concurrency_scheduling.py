"""Scheduling under real concurrency (issue 4): one psycopg connection per client, each request a
PostgREST-like transaction (the `act_as` fixture), all released at once by a threading.Barrier.

Correctness comes from database mechanisms, not from luck in timing:
* the same provider slot: the provider lock + the btree_gist exclusion constraint -> exactly one
  booking, everyone else SLOT_TAKEN - also when the provider works for two organizations and
  both book that hour at once (one person, one calendar);
* the same workshop: `select ... for update` on the service session row -> never more bookings
  than places, current_participants equal to the live bookings;
* a cancellation racing a booking for the last place: whichever order the database picks, the
  counts agree.
"""

from __future__ import annotations

import threading
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import psycopg
import pytest

from .helpers import run_parallel, scalar

ActAs = Callable[..., AbstractContextManager[psycopg.Connection]]


@dataclass
class Org:
    id: uuid.UUID
    slug: str
    provider: uuid.UUID
    clients: list[uuid.UUID] = field(default_factory=list)


@dataclass
class Outcome:
    ok: list[Any] = field(default_factory=list)
    errors: list[tuple[str | None, str | None]] = field(default_factory=list)

    def codes(self) -> Counter[tuple[str | None, str | None]]:
        return Counter(self.errors)


@pytest.fixture
def make_org(conn: psycopg.Connection) -> Iterator[Callable[[int], Org]]:
    """make_org(n): a fresh organization with weekly hours and n clients (deleted afterwards)."""
    created: list[Org] = []

    def factory(clients: int) -> Org:
        slug = f"cs-{uuid.uuid4().hex[:10]}"
        org_id = scalar(conn, "select tests.seed_org(%s)", (slug,))
        provider = scalar(conn, "select tests.uid(%s)", (f"{slug}_provider",))
        conn.execute("select tests.seed_weekly_hours(%s, %s)", (org_id, provider))
        org = Org(org_id, slug, provider)
        org.clients = [
            scalar(conn, "select tests.add_member(%s, %s, 'client')", (slug, f"{slug}_c{i}"))
            for i in range(clients)
        ]
        created.append(org)
        return org

    yield factory
    for org in created:
        conn.execute("delete from public.organizations where id = %s", (org.id,))


Request = tuple[AbstractContextManager[psycopg.Connection], str, tuple[Any, ...]]


def run_together(requests: list[Request]) -> Outcome:
    """Run each (acting context, sql, params) on its own connection in its own thread, released together."""

    def task(request: Request) -> Callable[[threading.Barrier], tuple[bool, Any]]:
        ctx, sql, params = request

        def run(barrier: threading.Barrier) -> tuple[bool, Any]:
            try:
                with ctx as c:
                    barrier.wait()
                    row = c.execute(sql, params).fetchone()
                return True, row[0] if row else None
            except psycopg.Error as exc:
                return False, (exc.sqlstate, exc.diag.message_primary)

        return run

    outcome = Outcome()
    for succeeded, value in run_parallel([task(r) for r in requests], barrier_timeout=10, join_timeout=30):
        (outcome.ok if succeeded else outcome.errors).append(value)
    return outcome


def seats(conn: psycopg.Connection, session_id: uuid.UUID) -> tuple[int, int, int]:
    """(current_participants, max_participants, live bookings) of a service session."""
    row = conn.execute(
        "select ss.current_participants, ss.max_participants,"
        " (select count(*)::int from public.bookings b"
        "  where b.service_session_id = ss.id and b.status <> 'cancelled')"
        " from public.service_sessions ss where ss.id = %s",
        (session_id,),
    ).fetchone()
    assert row is not None
    return row


def test_twenty_clients_booking_the_same_provider_slot_get_exactly_one_booking(
    conn: psycopg.Connection, act_as: ActAs, make_org: Callable[[int], Org]
) -> None:
    org = make_org(20)
    service = scalar(conn, "select tests.seed_bookable_service(%s, 'Physio', 60)", (org.id,))
    slot: datetime = scalar(conn, "select tests.slot(0, '10:00')")

    book = "select id from public.book_individual_session(%s, %s, %s)"
    outcome = run_together([(act_as(client), book, (service, org.provider, slot)) for client in org.clients])

    assert len(outcome.ok) == 1
    assert outcome.codes() == Counter({("PT409", "SLOT_TAKEN"): 19})
    live = conn.execute(
        "select count(*), count(distinct b.service_session_id) from public.bookings b"
        " where b.service_id = %s and b.status <> 'cancelled'",
        (service,),
    ).fetchone()
    assert live == (1, 1)
    sessions = scalar(
        conn,
        "select count(*) from public.service_sessions where provider_id = %s and status <> 'cancelled'",
        (org.provider,),
    )
    assert sessions == 1


def test_a_provider_of_two_organizations_booked_at_once_in_both_gets_exactly_one_booking(
    conn: psycopg.Connection, act_as: ActAs, make_org: Callable[[int], Org]
) -> None:
    # one person, one calendar: the provider works for both organizations (accepted memberships)
    clinic, gym = make_org(6), make_org(6)
    conn.execute("select tests.add_member(%s, %s, 'provider')", (gym.slug, f"{clinic.slug}_provider"))
    conn.execute("select tests.seed_weekly_hours(%s, %s)", (gym.id, clinic.provider))
    physio = scalar(conn, "select tests.seed_bookable_service(%s, 'Physio', 60)", (clinic.id,))
    training = scalar(conn, "select tests.seed_bookable_service(%s, 'Training', 60)", (gym.id,))
    slot: datetime = scalar(conn, "select tests.slot(0, '10:00')")

    book = "select id from public.book_individual_session(%s, %s, %s)"
    outcome = run_together(
        [(act_as(client), book, (physio, clinic.provider, slot)) for client in clinic.clients]
        + [(act_as(client), book, (training, clinic.provider, slot)) for client in gym.clients]
    )

    assert len(outcome.ok) == 1
    assert outcome.codes() == Counter({("PT409", "SLOT_TAKEN"): 11})
    sessions = scalar(
        conn,
        "select count(*) from public.service_sessions where provider_id = %s and status <> 'cancelled'",
        (clinic.provider,),
    )
    assert sessions == 1


def test_thirty_clients_joining_a_ten_seat_workshop_fill_it_exactly(
    conn: psycopg.Connection, act_as: ActAs, make_org: Callable[[int], Org]
) -> None:
    org = make_org(30)
    service = scalar(conn, "select tests.seed_bookable_service(%s, 'Workshop', 90, 10)", (org.id,))
    session = scalar(conn, "select tests.seed_group_session(%s, tests.slot(0, '18:00'), 10)", (service,))

    outcome = run_together(
        [(act_as(client), "select id from public.book_session(%s)", (session,)) for client in org.clients]
    )

    assert len(outcome.ok) == 10
    assert outcome.codes() == Counter({("PT409", "CAPACITY_REACHED"): 20})
    assert seats(conn, session) == (10, 10, 10)


@pytest.mark.parametrize("round_", range(4))
def test_a_cancellation_racing_a_booking_for_the_last_seat_keeps_counts_consistent(
    conn: psycopg.Connection, act_as: ActAs, make_org: Callable[[int], Org], round_: int
) -> None:
    org = make_org(11)
    service = scalar(conn, "select tests.seed_bookable_service(%s, 'Workshop', 60, 10)", (org.id,))
    session = scalar(
        conn, "select tests.seed_group_session(%s, tests.slot(%s, '18:00'), 10)", (service, round_)
    )
    booked = [
        scalar(conn, "select id from public.book_session(%s, p_client_id => %s)", (session, client))
        for client in org.clients[:10]
    ]
    assert seats(conn, session) == (10, 10, 10)
    newcomer = org.clients[10]

    outcome = run_together(
        [
            (act_as(org.clients[0]), "select public.cancel_booking(%s, 'race')::text", (booked[0],)),
            (act_as(newcomer), "select id::text from public.book_session(%s)", (session,)),
        ]
    )

    current, maximum, live = seats(conn, session)
    assert current == live <= maximum
    cancelled = scalar(
        conn, "select count(*) from public.booking_cancellations where booking_id = %s", (booked[0],)
    )
    assert cancelled == 1, "the cancellation always goes through"
    joined = scalar(
        conn,
        "select count(*) from public.bookings"
        " where service_session_id = %s and client_id = %s and status <> 'cancelled'",
        (session, newcomer),
    )
    if joined:
        assert (current, outcome.codes()) == (10, Counter())
    else:
        assert (current, outcome.codes()) == (9, Counter({("PT409", "CAPACITY_REACHED"): 1}))


def test_many_cancellations_and_bookings_on_a_full_workshop_keep_counts_consistent(
    conn: psycopg.Connection, act_as: ActAs, make_org: Callable[[int], Org]
) -> None:
    org = make_org(20)
    service = scalar(conn, "select tests.seed_bookable_service(%s, 'Workshop', 60, 10)", (org.id,))
    session = scalar(conn, "select tests.seed_group_session(%s, tests.slot(5, '18:00'), 10)", (service,))
    booked = [
        scalar(conn, "select id from public.book_session(%s, p_client_id => %s)", (session, client))
        for client in org.clients[:10]
    ]

    cancel = "select public.cancel_booking(%s, 'race')::text"
    join = "select id::text from public.book_session(%s)"
    outcome = run_together(
        [(act_as(c), cancel, (b,)) for c, b in zip(org.clients[:5], booked[:5], strict=True)]
        + [(act_as(client), join, (session,)) for client in org.clients[10:]]
    )

    current, maximum, live = seats(conn, session)
    assert current == live <= maximum
    joined = len(outcome.ok) - 5
    assert 0 <= joined <= 5
    assert current == 5 + joined
    assert outcome.codes() == Counter({("PT409", "CAPACITY_REACHED"): 10 - joined})
