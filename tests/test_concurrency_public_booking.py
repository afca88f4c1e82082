"""Public booking and approval under real concurrency (issue 14): one connection per request, each
a PostgREST-like transaction (the `act_as` fixture), released together by a threading.Barrier.

* Visitors racing for one slot of a published page: the provider lock and the exclusion
  constraint leave exactly one booking, and only its visitor became a client - the refused ones
  left no membership behind (one transaction per request).
* One visitor's first bookings at once: every one is booked and the visitor is one client (the
  membership insert waits for the other's row and finds it).
* Confirming and declining one pending booking at once: the booking row lock orders them, so
  exactly one answer wins and exactly one answer event is written.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Callable
from datetime import datetime

import psycopg

from .helpers import scalar
from .test_concurrency_scheduling import ActAs, Org, make_org, run_together

__all__ = ["make_org"]  # the fixture, shared with the scheduling concurrency tests

BOOK_PUBLIC = "select id from public.book_public_slot(%s, %s, %s)"


def publish(conn: psycopg.Connection, org: Org, requires_approval: bool = False) -> uuid.UUID:
    """Publish the org's page with a listed 60-minute service; returns the service id."""
    service = scalar(conn, "select tests.seed_bookable_service(%s, 'Physio', 60)", (org.id,))
    conn.execute(
        "update public.services set is_public = true, requires_approval = %s where id = %s",
        (requires_approval, service),
    )
    conn.execute(
        "update public.organization_settings set public_booking_enabled = true where organization_id = %s",
        (org.id,),
    )
    return service


def visitors(conn: psycopg.Connection, org: Org, count: int) -> list[uuid.UUID]:
    return [scalar(conn, "select tests.create_user(%s)", (f"{org.slug}_visitor{i}",)) for i in range(count)]


def test_ten_visitors_racing_for_one_public_slot_leave_one_booking_and_one_new_client(
    conn: psycopg.Connection, act_as: ActAs, make_org: Callable[[int], Org]
) -> None:
    org = make_org(0)
    service = publish(conn, org)
    people = visitors(conn, org, 10)
    slot: datetime = scalar(conn, "select tests.slot(0, '10:00')")

    outcome = run_together(
        [(act_as(person), BOOK_PUBLIC, (service, org.provider, slot)) for person in people]
    )

    assert len(outcome.ok) == 1
    assert outcome.codes() == Counter({("PT409", "SLOT_TAKEN"): 9})
    members = conn.execute(
        "select m.user_id from public.organization_members m"
        " where m.organization_id = %s and m.user_id = any(%s)",
        (org.id, people),
    ).fetchall()
    booked = scalar(conn, "select client_id from public.bookings where id = %s", (outcome.ok[0],))
    assert [row[0] for row in members] == [booked]


def test_one_visitor_booking_four_slots_at_once_becomes_one_client(
    conn: psycopg.Connection, act_as: ActAs, make_org: Callable[[int], Org]
) -> None:
    org = make_org(0)
    service = publish(conn, org)
    (person,) = visitors(conn, org, 1)
    slots = [scalar(conn, "select tests.slot(%s, '10:00')", (day,)) for day in range(4)]

    outcome = run_together([(act_as(person), BOOK_PUBLIC, (service, org.provider, slot)) for slot in slots])

    assert len(outcome.ok) == 4, outcome.errors
    membership = conn.execute(
        "select role, status from public.organization_members where organization_id = %s and user_id = %s",
        (org.id, person),
    ).fetchall()
    assert membership == [("client", "accepted")]
    joined = scalar(
        conn,
        "select count(*) from public.outbox_events where organization_id = %s and topic = 'member.joined'"
        " and payload ->> 'user_id' = %s",
        (org.id, str(person)),
    )
    assert joined == 1


def test_confirming_and_declining_one_pending_booking_at_once_gives_one_answer(
    conn: psycopg.Connection, act_as: ActAs, make_org: Callable[[int], Org]
) -> None:
    org = make_org(3)
    service = publish(conn, org, requires_approval=True)
    admin = scalar(conn, "select tests.uid(%s)", (f"{org.slug}_admin",))
    pending = []
    for day, client in enumerate(org.clients):
        with act_as(client) as c:
            row = c.execute(
                "select id, status from public.book_individual_session(%s, %s, tests.slot(%s, '10:00'))",
                (service, org.provider, day),
            ).fetchone()
        assert row is not None and row[1] == "pending"
        pending.append(row[0])

    confirm = "select status from public.confirm_booking(%s)"
    decline = "select r ->> 'cancellation_policy_applied' from public.decline_booking(%s, 'No room') r"
    for booking in pending:
        outcome = run_together(
            [
                (act_as(org.provider), confirm, (booking,)),
                (act_as(admin), confirm, (booking,)),
                (act_as(org.provider), decline, (booking,)),
                (act_as(admin), decline, (booking,)),
            ]
        )
        assert len(outcome.ok) == 1, (outcome.ok, outcome.errors)
        assert set(outcome.codes()) <= {("PT409", "CONFLICT"), ("PT409", "ALREADY_CANCELLED")}
        answers = conn.execute(
            "select topic from public.outbox_events where payload ->> 'booking_id' = %s"
            " and topic in ('booking.confirmed', 'booking.declined')",
            (str(booking),),
        ).fetchall()
        status = scalar(conn, "select status from public.bookings where id = %s", (booking,))
        expected = {"confirmed": "booking.confirmed", "cancelled": "booking.declined"}[status]
        assert answers == [(expected,)]
