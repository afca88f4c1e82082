"""Rescheduling under real concurrency (issue 11): one booking moved by many connections at once,
each a PostgREST-like request (the `act_as` fixture), all released together by a threading.Barrier.

reschedule_booking locks the booking row before it reads anything about it, so concurrent moves
run one after the other and each starts from where the previous one left the booking: the
booking.rescheduled events form one chain (each previous_starts_at is the start the event before
it set), never two events from the same start. Refused inputs ('infinity') are refused before the
provider's lock is taken, so they never wait behind another booking of that provider.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from datetime import datetime

import psycopg
import pytest

from .helpers import scalar
from .test_concurrency_scheduling import ActAs, Org, make_org, run_together

__all__ = ["make_org"]  # the fixture, shared with the scheduling concurrency tests

MOVERS = 12


def seed_booking(conn: psycopg.Connection, org: Org, client: uuid.UUID, day: int, at: str) -> uuid.UUID:
    """A confirmed 1-to-1 booking of the org's Physio service (created on first use)."""
    service = scalar(conn, "select tests.service_id(%s, 'Physio')", (org.id,)) or scalar(
        conn, "select tests.seed_bookable_service(%s, 'Physio', 60)", (org.id,)
    )
    return scalar(conn, "select tests.seed_booking(%s, %s, tests.slot(%s, %s))", (service, client, day, at))


def rescheduled_events(conn: psycopg.Connection, booking: uuid.UUID) -> list[tuple[datetime, datetime]]:
    """(previous_starts_at, starts_at) of the booking's booking.rescheduled events, in the order written."""
    rows = conn.execute(
        "select (payload ->> 'previous_starts_at')::timestamptz, (payload ->> 'starts_at')::timestamptz"
        " from public.outbox_events where topic = 'booking.rescheduled' and payload ->> 'booking_id' = %s"
        " order by id",
        (str(booking),),
    ).fetchall()
    return [(row[0], row[1]) for row in rows]


def test_twelve_concurrent_moves_into_one_slot_move_the_booking_once(
    conn: psycopg.Connection, act_as: ActAs, make_org: Callable[[int], Org]
) -> None:
    org = make_org(1)
    client = org.clients[0]
    booking = seed_booking(conn, org, client, 0, "09:00")
    start, target = (scalar(conn, "select tests.slot(0, %s)", (at,)) for at in ("09:00", "13:00"))

    movers = [act_as(client) if i % 2 else act_as(org.provider) for i in range(MOVERS)]
    move = "select start_time from public.reschedule_booking(%s, %s)"
    outcome = run_together([(mover, move, (booking, target)) for mover in movers])

    assert outcome.errors == []
    assert outcome.ok == [target] * MOVERS  # the later ones found it already there
    assert rescheduled_events(conn, booking) == [(start, target)]
    audits = "select count(*) from public.audit_log where action = 'booking.rescheduled' and entity_id = %s"
    assert scalar(conn, audits, (booking,)) == 1


def test_concurrent_moves_into_different_slots_form_one_chain_of_events(
    conn: psycopg.Connection, act_as: ActAs, make_org: Callable[[int], Org]
) -> None:
    org = make_org(1)
    client = org.clients[0]
    booking = seed_booking(conn, org, client, 0, "09:00")
    start = scalar(conn, "select tests.slot(0, '09:00')")
    targets = [scalar(conn, "select tests.slot(%s, '10:00')", (day,)) for day in range(1, MOVERS + 1)]

    move = "select start_time from public.reschedule_booking(%s, %s)"
    outcome = run_together([(act_as(client), move, (booking, target)) for target in targets])

    assert outcome.errors == []
    assert sorted(outcome.ok) == targets
    events = rescheduled_events(conn, booking)
    assert len(events) == MOVERS
    # each move started where the one before it left the booking
    assert [previous for previous, _ in events] == [start] + [moved_to for _, moved_to in events[:-1]]
    final = scalar(conn, "select start_time from public.bookings where id = %s", (booking,))
    assert final == events[-1][1]
    live_sessions = scalar(
        conn,
        "select count(*) from public.service_sessions where provider_id = %s and status <> 'cancelled'",
        (org.provider,),
    )
    assert live_sessions == 1


def test_an_infinite_start_is_refused_without_waiting_for_the_providers_lock(
    conn: psycopg.Connection, act_as: ActAs, make_org: Callable[[int], Org]
) -> None:
    org = make_org(2)
    booker, other = org.clients
    booking = seed_booking(conn, org, other, 1, "09:00")
    service = scalar(conn, "select tests.service_id(%s, 'Physio')", (org.id,))
    slot = scalar(conn, "select tests.slot(0, '10:00')")
    requests = [
        ("select public.book_individual_session(%s, %s, 'infinity')", (service, org.provider)),
        ("select public.reschedule_booking(%s, 'infinity')", (booking,)),
        ("select public.book_individual_session(%s, %s, '-infinity')", (service, org.provider)),
    ]

    with act_as(booker) as holder:
        # an open booking transaction holds the provider's lock until it ends
        holder.execute("select public.book_individual_session(%s, %s, %s)", (service, org.provider, slot))
        for sql, params in requests:
            request = act_as(other)
            began = time.perf_counter()
            with pytest.raises(psycopg.Error) as refused, request as c:
                c.execute("set local lock_timeout = '3s'")  # waiting would end as 55P03
                c.execute(sql, params)
            elapsed = time.perf_counter() - began
            diag = refused.value.diag
            assert (refused.value.sqlstate, diag.message_primary) == ("PT400", "INVALID_REQUEST")
            assert diag.message_hint in ("p_starts_at", "p_new_starts_at")
            assert elapsed < 1.0, "refused before the provider lock, not after waiting for it"
