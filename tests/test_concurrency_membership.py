"""A client leaving (or removed) at the same moment as a booking is made for them, under real
concurrency: one psycopg connection per request, each a PostgREST-like transaction, released
together by a barrier.

What makes it correct is in the database, not in the timing: every path that creates a booking
or a series for a client locks that client's accepted membership for share before it asks the
booking rules (private.lock_memberships: the booking core, the dispatcher for all its due series
at once, waitlist promotions, series edits and creation); a leave or removal locks the row for
update and then looks for live bookings. So one of them waits for the other: either the booking
commits first and the leave is refused (CONFLICT), or the leave commits first and the booking is
refused (NOT_FOUND) - never a booking for someone who is no longer a member, never a deadlock.
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

CLIENTS = 8


def stagger(i: int) -> float:
    """How long the i-th leave waits after the barrier: a leave is quicker than a booking, so
    without it the leaves would nearly always win; staggered, both orders happen in one run."""
    return 0.006 * i


@dataclass
class Org:
    id: uuid.UUID
    slug: str
    owner: uuid.UUID
    provider: uuid.UUID
    service: uuid.UUID
    clients: list[uuid.UUID] = field(default_factory=list)


@pytest.fixture
def make_org(conn: psycopg.Connection) -> Iterator[Callable[..., Org]]:
    """make_org(capacity=1): an organization (Europe/Berlin) with a provider working 07-22 every
    day, a service of that capacity and CLIENTS clients (deleted afterwards)."""
    created: list[uuid.UUID] = []

    def factory(capacity: int = 1) -> Org:
        slug = f"cm-{uuid.uuid4().hex[:10]}"
        org_id = scalar(conn, "select tests.seed_org(%s, 'Europe/Berlin')", (slug,))
        created.append(org_id)
        provider = scalar(conn, "select tests.uid(%s)", (f"{slug}_provider",))
        conn.execute("select tests.seed_weekly_hours(%s, %s, '07:00', '22:00')", (org_id, provider))
        service = scalar(
            conn, "select tests.seed_bookable_service(%s, 'Session', 30, %s)", (org_id, capacity)
        )
        org = Org(org_id, slug, scalar(conn, "select tests.uid(%s)", (f"{slug}_owner",)), provider, service)
        org.clients = [
            scalar(conn, "select tests.add_member(%s, %s, 'client')", (slug, f"{slug}_c{i}"))
            for i in range(CLIENTS)
        ]
        return org

    yield factory
    for org_id in created:
        conn.execute("delete from public.organizations where id = %s", (org_id,))


def request(
    db_url: str, sql: str, params: tuple[Any, ...], delay: float = 0.0, **actor: Any
) -> Callable[[threading.Barrier], str]:
    """One request at the barrier (sent `delay` seconds after it): 'ok' or the contract code
    (message) it failed with, or the SQLSTATE of anything else (a deadlock would be 40P01)."""

    def run(barrier: threading.Barrier) -> str:
        with psycopg.connect(db_url, autocommit=True) as connection:
            try:
                with acting_as(connection, **actor) as c:
                    barrier.wait()
                    time.sleep(delay)
                    c.execute(sql, params)
            except psycopg.Error as error:
                if error.sqlstate is not None and error.sqlstate.startswith("PT"):
                    return str(error.diag.message_primary)
                return f"sqlstate {error.sqlstate}: {error.diag.message_primary}"
        return "ok"

    return run


def is_member(conn: psycopg.Connection, org: Org, client: uuid.UUID) -> bool:
    return bool(
        scalar(
            conn,
            "select exists (select 1 from public.organization_members"
            " where organization_id = %s and user_id = %s and status = 'accepted')",
            (org.id, client),
        )
    )


def live_bookings(conn: psycopg.Connection, org: Org, client: uuid.UUID) -> int:
    return int(
        scalar(
            conn,
            "select count(*) from public.bookings"
            " where organization_id = %s and client_id = %s and status in ('pending', 'confirmed')",
            (org.id, client),
        )
    )


def assert_one_side_won(
    conn: psycopg.Connection,
    org: Org,
    booking: list[str],
    leave: list[str],
    refused_booking: str = "NOT_FOUND",
) -> None:
    """Per client: booked and the leave refused, or left and the booking refused - never both."""
    for client, booked, left in zip(org.clients, booking, leave, strict=True):
        member, live = is_member(conn, org, client), live_bookings(conn, org, client)
        if booked == "ok":
            assert (left, member, live) == ("CONFLICT", True, 1), (booked, left)
        else:
            assert (booked, left, member, live) == (refused_booking, "ok", False, 0)


def slot(conn: psycopg.Connection, i: int) -> Any:
    """A distinct slot per client: 30 minutes apart on day 0 of the test week, from 08:00 Berlin."""
    return scalar(
        conn, "select tests.slot(0, time '08:00' + make_interval(mins => 30 * %s), 'Europe/Berlin')", (i,)
    )


@pytest.mark.parametrize("round_", range(3))
def test_a_booking_made_by_the_provider_while_the_client_leaves_never_outlives_the_membership(
    conn: psycopg.Connection, db_url: str, make_org: Callable[..., Org], round_: int
) -> None:
    org = make_org()
    book = "select public.book_individual_session(%s, %s, %s, p_client_id => %s)"
    leave = "select public.leave_organization(%s)"
    tasks = []
    for i, client in enumerate(org.clients):
        tasks.append(
            request(db_url, book, (org.service, org.provider, slot(conn, i), client), user_id=org.provider)
        )
        tasks.append(request(db_url, leave, (org.id,), stagger(i), user_id=client))

    outcomes = run_parallel(tasks)

    assert_one_side_won(conn, org, outcomes[0::2], outcomes[1::2])


@pytest.mark.parametrize("round_", range(2))
def test_a_client_joining_a_workshop_while_leaving_ends_up_either_booked_or_gone(
    conn: psycopg.Connection, db_url: str, make_org: Callable[..., Org], round_: int
) -> None:
    org = make_org(capacity=CLIENTS)
    session = scalar(
        conn,
        "select tests.seed_group_session(%s, tests.slot(1, '18:00', 'Europe/Berlin'), %s)",
        (org.service, CLIENTS),
    )
    join = "select public.book_session(%s)"
    leave = "select public.leave_organization(%s)"
    tasks = []
    for i, client in enumerate(org.clients):
        tasks.append(request(db_url, join, (session,), user_id=client))
        tasks.append(request(db_url, leave, (org.id,), stagger(i), user_id=client))

    outcomes = run_parallel(tasks)

    assert_one_side_won(conn, org, outcomes[0::2], outcomes[1::2])
    participants = scalar(
        conn, "select current_participants from public.service_sessions where id = %s", (session,)
    )
    assert participants == outcomes[0::2].count("ok")


@pytest.mark.parametrize("round_", range(2))
def test_an_owner_removing_clients_while_the_provider_books_them_never_leaves_a_booking_behind(
    conn: psycopg.Connection, db_url: str, make_org: Callable[..., Org], round_: int
) -> None:
    org = make_org()
    book = "select public.book_individual_session(%s, %s, %s, p_client_id => %s)"
    # a direct delete through PostgREST (RLS: owners/admins manage the list)
    remove = "delete from public.organization_members where organization_id = %s and user_id = %s"
    tasks = []
    for i, client in enumerate(org.clients):
        tasks.append(
            request(db_url, book, (org.service, org.provider, slot(conn, i), client), user_id=org.provider)
        )
        tasks.append(request(db_url, remove, (org.id, client), stagger(i), user_id=org.owner))

    outcomes = run_parallel(tasks)

    assert_one_side_won(conn, org, outcomes[0::2], outcomes[1::2])


@pytest.mark.parametrize("round_", range(3))
def test_the_dispatcher_racing_clients_leaving_books_only_those_who_stay(
    conn: psycopg.Connection, db_url: str, make_org: Callable[..., Org], server_today: date, round_: int
) -> None:
    org = make_org()
    first_day = server_today + timedelta(days=2)
    series = [
        scalar(
            conn,
            "select tests.seed_series(%s, %s, %s, %s, 'weekly', %s,"
            " time '08:00' + make_interval(mins => 30 * %s))",
            (org.id, f"{org.slug}_c{i}", f"{org.slug}_provider", org.service, first_day, i),
        )
        for i in range(CLIENTS)
    ]
    dispatch = "select public.dispatch_recurring_bookings(%s)"
    leave = "select public.leave_organization(%s)"
    tasks = [request(db_url, leave, (org.id,), stagger(i), user_id=c) for i, c in enumerate(org.clients)]
    tasks.append(request(db_url, dispatch, (first_day,), role="service_role"))

    outcomes = run_parallel(tasks)

    assert outcomes[-1] == "ok"
    for client, series_id, left in zip(org.clients, series, outcomes[:-1], strict=True):
        member, live = is_member(conn, org, client), live_bookings(conn, org, client)
        active = scalar(conn, "select is_active from public.recurring_bookings where id = %s", (series_id,))
        if left == "ok":
            # left first: the series ended with the membership, nothing was booked
            assert (member, live, active) == (False, 0, False)
        else:
            # dispatched first: the occurrence is booked, and so the leave was refused
            assert (left, member, live) == ("CONFLICT", True, 1)


def test_a_waitlist_promotion_racing_the_first_waiting_clients_leave_books_someone_still_a_member(
    conn: psycopg.Connection, db_url: str, make_org: Callable[..., Org]
) -> None:
    org = make_org(capacity=1)
    session = scalar(
        conn,
        "select tests.seed_group_session(%s, tests.slot(2, '18:00', 'Europe/Berlin'), 1)",
        (org.service,),
    )
    holder, *waiting = org.clients
    booking = scalar(conn, "select id from public.book_session(%s, p_client_id => %s)", (session, holder))
    for client in waiting:
        with acting_as(conn, user_id=client) as c:
            c.execute("select public.join_waitlist(%s)", (session,))
    leavers = waiting[:3]
    tasks = [request(db_url, "select public.leave_organization(%s)", (org.id,), user_id=c) for c in leavers]
    tasks.append(request(db_url, "select public.cancel_booking(%s, 'race')", (booking,), user_id=holder))

    outcomes = run_parallel(tasks)

    assert outcomes[-1] == "ok"
    assert all(outcome in ("ok", "CONFLICT") for outcome in outcomes[:-1]), outcomes
    promoted = conn.execute(
        "select b.client_id from public.bookings b"
        " where b.service_session_id = %s and b.status in ('pending', 'confirmed')",
        (session,),
    ).fetchall()
    assert len(promoted) == 1
    (client,) = promoted[0]
    assert is_member(conn, org, client)
    # whoever left is gone with their entry; whoever was promoted could not leave
    for leaver, outcome in zip(leavers, outcomes[:-1], strict=True):
        assert is_member(conn, org, leaver) == (outcome == "CONFLICT")
        assert (outcome == "CONFLICT") == (leaver == client)


@pytest.mark.parametrize("round_", range(2))
def test_the_dispatcher_racing_providers_leaving_books_only_those_who_stay(
    conn: psycopg.Connection, db_url: str, make_org: Callable[..., Org], server_today: date, round_: int
) -> None:
    # the provider side of the same order: the dispatcher locks its series' providers' memberships
    # before it claims the series, which a provider's leave ends after its own check
    org = make_org()
    first_day = server_today + timedelta(days=2)
    providers = []
    for i in range(CLIENTS):
        name = f"{org.slug}_p{i}"
        provider = scalar(conn, "select tests.add_member(%s, %s, 'provider')", (org.slug, name))
        conn.execute("select tests.seed_weekly_hours(%s, %s, '07:00', '22:00')", (org.id, provider))
        conn.execute(
            "select tests.seed_series(%s, %s, %s, %s, 'weekly', %s, time '09:00')",
            (org.id, f"{org.slug}_c{i}", name, org.service, first_day),
        )
        providers.append(provider)
    tasks = [
        request(db_url, "select public.leave_organization(%s)", (org.id,), stagger(i), user_id=p)
        for i, p in enumerate(providers)
    ]
    tasks.append(
        request(db_url, "select public.dispatch_recurring_bookings(%s)", (first_day,), role="service_role")
    )

    outcomes = run_parallel(tasks)

    assert outcomes[-1] == "ok"
    for provider, left in zip(providers, outcomes[:-1], strict=True):
        sessions = scalar(
            conn,
            "select count(*) from public.service_sessions"
            " where organization_id = %s and provider_id = %s and status = 'scheduled'",
            (org.id, provider),
        )
        member = is_member(conn, org, provider)
        assert (left, member, sessions) in (("ok", False, 0), ("CONFLICT", True, 1)), (left, member, sessions)
