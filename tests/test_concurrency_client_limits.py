"""A client's limit per period under real concurrency (issue 14): one client booking a limited
service with several providers at the same moment, each request on its own connection.

The provider lock serialises one provider's schedule, not one client's bookings: what keeps the
count exact is the (client, service) transaction lock private.assert_client_limit takes before
counting, held until the booking commits.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

import psycopg

from .helpers import scalar
from .test_concurrency_scheduling import ActAs, Org, make_org, run_together

__all__ = ["make_org"]  # the fixture, shared with the scheduling suite

PROVIDERS = 8


def test_one_client_booking_a_limited_service_with_eight_providers_at_once_gets_exactly_the_limit(
    conn: psycopg.Connection, act_as: ActAs, make_org: Callable[[int], Org]
) -> None:
    org = make_org(1)
    client = org.clients[0]
    providers = [org.provider] + [
        scalar(conn, "select tests.add_member(%s, %s, 'provider')", (org.slug, f"{org.slug}_p{i}"))
        for i in range(PROVIDERS - 1)
    ]
    for provider in providers[1:]:
        conn.execute("select tests.seed_weekly_hours(%s, %s)", (org.id, provider))
    service = scalar(conn, "select tests.seed_bookable_service(%s, 'Physio', 60)", (org.id,))
    conn.execute(
        "update public.services set max_bookings_per_client = 3, max_bookings_per_client_period = 'week'"
        " where id = %s",
        (service,),
    )

    book = "select id from public.book_individual_session(%s, %s, tests.slot(2, '10:00'))"
    outcome = run_together([(act_as(client), book, (service, provider)) for provider in providers])

    assert len(outcome.ok) == 3
    assert outcome.codes() == Counter({("PT422", "CLIENT_LIMIT_REACHED"): PROVIDERS - 3})
    live = scalar(
        conn,
        "select count(*) from public.bookings"
        " where client_id = %s and service_id = %s and status <> 'cancelled'",
        (client, service),
    )
    assert live == 3
