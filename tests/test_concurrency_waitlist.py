"""Waitlists under real concurrency (issue 14): clients cancelling and joining a full workshop at
the same moment, each on its own connection as a PostgREST-like request.

What keeps it right is the session's row lock: a cancellation frees the place and promotes
(private.promote_waitlist) while holding it, and join_waitlist draws its queue number while
holding it, so the queue order is the order of the joins and a promotion always sees every
earlier join. The constraint current_participants <= max_participants backs it up.

After every race:
* never overfilled: current_participants == live bookings <= max_participants;
* never skipped: every promoted client joined before every client still waiting;
* nobody waits for a place that is free: clients still waiting => the session is full;
* each promotion is one confirmed booking and one waitlist.promoted event.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Callable

import psycopg
import pytest

from .helpers import scalar
from .test_concurrency_scheduling import ActAs, Org, make_org, run_together, seats

__all__ = ["make_org"]  # the fixture, shared with the scheduling suite

CAPACITY = 10


def queue(conn: psycopg.Connection, session: uuid.UUID) -> list[tuple[uuid.UUID, str]]:
    """(client, status) of every waitlist entry of the session, in queue order."""
    rows = conn.execute(
        "select client_id, status from public.waitlist_entries"
        " where service_session_id = %s order by queue_number",
        (session,),
    ).fetchall()
    return [(row[0], row[1]) for row in rows]


def full_workshop(conn: psycopg.Connection, org: Org, day: int) -> tuple[uuid.UUID, list[uuid.UUID]]:
    """A workshop of CAPACITY places booked by the first CAPACITY clients; (session, bookings)."""
    service = scalar(conn, "select tests.seed_bookable_service(%s, 'Workshop', 60, %s)", (org.id, CAPACITY))
    session = scalar(
        conn, "select tests.seed_group_session(%s, tests.slot(%s, '18:00'), %s)", (service, day, CAPACITY)
    )
    bookings = [
        scalar(conn, "select id from public.book_session(%s, p_client_id => %s)", (session, client))
        for client in org.clients[:CAPACITY]
    ]
    return session, bookings


def assert_waitlist_invariants(conn: psycopg.Connection, session: uuid.UUID) -> list[tuple[uuid.UUID, str]]:
    current, maximum, live = seats(conn, session)
    assert current == live <= maximum, "never overfilled"
    entries = queue(conn, session)
    statuses = [status for _, status in entries]
    if "waiting" in statuses:
        assert current == maximum, "nobody waits while a place is free"
        first_waiting = statuses.index("waiting")
        assert "promoted" not in statuses[first_waiting:], "a promotion never skips an earlier waiting client"
    promoted = [client for client, status in entries if status == "promoted"]
    booked = scalar(
        conn,
        "select count(*) from public.bookings b join public.waitlist_entries e on e.booking_id = b.id"
        " where e.service_session_id = %s and b.status = 'confirmed' and b.client_id = e.client_id",
        (session,),
    )
    events = scalar(
        conn,
        "select count(*) from public.outbox_events where topic = 'waitlist.promoted'"
        " and payload ->> 'service_session_id' = %s",
        (str(session),),
    )
    assert booked == events == len(promoted), "each promotion is one confirmed booking and one event"
    return entries


@pytest.mark.parametrize("round_", range(3))
def test_twenty_clients_cancelling_and_joining_at_once_never_overfill_nor_skip_the_queue(
    conn: psycopg.Connection, act_as: ActAs, make_org: Callable[[int], Org], round_: int
) -> None:
    org = make_org(CAPACITY + 15)
    session, bookings = full_workshop(conn, org, round_)
    early = org.clients[CAPACITY : CAPACITY + 5]
    for client in early:  # five clients already wait, in this order
        conn.execute("select public.join_waitlist(%s, p_client_id => %s)", (session, client))
    newcomers = org.clients[CAPACITY + 5 :]

    cancel = "select public.cancel_booking(%s, 'race') ->> 'booking_id'"
    join = "select public.join_waitlist(%s) ->> 'status'"
    outcome = run_together(
        [(act_as(c), cancel, (b,)) for c, b in zip(org.clients[:CAPACITY], bookings, strict=True)]
        + [(act_as(client), join, (session,)) for client in newcomers]
    )

    # every cancellation went through; a join finds the queue, or free places (nobody waiting)
    assert len(outcome.ok) == CAPACITY + outcome.ok.count("waiting") + outcome.ok.count("promoted")
    assert set(outcome.codes()) <= {("PT409", "SESSION_NOT_FULL")}
    entries = assert_waitlist_invariants(conn, session)
    assert [client for client, _ in entries[:5]] == early
    assert all(status == "promoted" for _, status in entries[:5]), "those who waited first are booked first"
    current, _, _ = seats(conn, session)
    assert current == sum(1 for _, status in entries if status == "promoted")


def test_places_freed_at_once_go_to_the_waiting_clients_in_queue_order(
    conn: psycopg.Connection, act_as: ActAs, make_org: Callable[[int], Org]
) -> None:
    org = make_org(CAPACITY + 12)
    session, bookings = full_workshop(conn, org, 3)
    waiting = org.clients[CAPACITY:]
    for client in waiting:
        conn.execute("select public.join_waitlist(%s, p_client_id => %s)", (session, client))

    cancel = "select public.cancel_booking(%s, 'race') ->> 'booking_id'"
    outcome = run_together(
        [(act_as(c), cancel, (b,)) for c, b in zip(org.clients[:8], bookings[:8], strict=True)]
    )

    assert len(outcome.ok) == 8 and outcome.codes() == Counter()
    entries = assert_waitlist_invariants(conn, session)
    assert entries == [(c, "promoted") for c in waiting[:8]] + [(c, "waiting") for c in waiting[8:]]
    assert seats(conn, session) == (CAPACITY, CAPACITY, CAPACITY)
