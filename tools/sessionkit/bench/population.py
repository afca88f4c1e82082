"""A large, consistent database for the read scenarios (slots, integrity) and cancel.

`scale` bookings: 100 per provider, 10 providers and 100 clients per organization (so 1,000,000
bookings = 10,000 providers, 1,000 organizations, 100,000 clients), written by bench.populate
(bench.sql). The first provider of the first organization (the *measured provider*) also gets a
realistic calendar around the coming weeks: working hours, a day off, a partial exception, a
Saturday override, a weekly recurring series and bookings made through the booking core.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import psycopg

from sessionkit.db.connect import connect

SLUG = "pop"
SESSIONS_PER_PROVIDER = 100
PROVIDERS_PER_ORG = 10
CLIENTS_PER_ORG = 100


@dataclass(frozen=True)
class Shape:
    orgs: int
    providers: int
    clients: int
    sessions: int

    @property
    def bookings(self) -> int:
        return self.orgs * self.providers * self.sessions

    @classmethod
    def of(cls, scale: int) -> Shape:
        sessions = min(SESSIONS_PER_PROVIDER, max(1, scale))
        providers = max(1, scale // sessions)
        per_org = min(PROVIDERS_PER_ORG, providers)
        return cls(max(1, providers // per_org), per_org, CLIENTS_PER_ORG, sessions)


# the measured provider's calendar, relative to the next Monday at least two days ahead
DECORATE = """
with d as (
  select current_date + 2 + (8 - extract(isodow from current_date + 2)::integer) % 7 as monday,
         bench.org_id({slug}, 1) as org,
         bench.user_id({slug}, 'provider', 1, 1) as provider
)
insert into public.specialist_availability_exceptions
  (organization_id, specialist_id, exception_date, is_available, reason, all_day, start_time, end_time)
select d.org, d.provider, x.day, x.available, x.reason, x.all_day, x.from_time, x.to_time
from d,
  lateral (values
    (d.monday + 2, false, 'vacation', true, null::time, null::time),
    (d.monday + 3, false, 'personal', false, time '12:00', time '14:00'),
    (d.monday + 5, true, 'other', false, time '10:00', time '14:00'),
    (d.monday + 9, false, 'training', true, null, null),
    (d.monday + 16, false, 'conference', false, time '08:00', time '11:00')
  ) as x (day, available, reason, all_day, from_time, to_time);

-- the series holds its weekly 17:00 (whatever weekday it falls on), which none of the bookings
-- below take: at 16:00 a booking on the series' weekday would be refused (SLOT_TAKEN)
insert into public.recurring_bookings
  (organization_id, user_id, specialist_id, service_id, frequency, start_date, local_time)
select bench.org_id({slug}, 1), bench.user_id({slug}, 'client', 1, 2),
       bench.user_id({slug}, 'provider', 1, 1),
       sv.id, 'weekly', current_date + 3, '17:00'
from public.services sv where sv.organization_id = bench.org_id({slug}, 1);

select private.create_individual_booking(
         sv.id, bench.user_id({slug}, 'provider', 1, 1),
         ((current_date + 2 + (8 - extract(isodow from current_date + 2)::integer) % 7 + w.day) + w.at)
           at time zone 'Europe/Berlin',
         bench.user_id({slug}, 'client', 1, 3 + w.day))
from public.services sv,
  lateral (values (0, time '09:00'), (0, time '11:00'), (1, time '15:00'), (3, time '09:00'),
                  (4, time '16:00'), (7, time '10:00'), (8, time '13:00'), (10, time '09:00'),
                  (14, time '12:00')) as w (day, at)
where sv.organization_id = bench.org_id({slug}, 1);
"""


def arrange(scale: int, cancel_every: int = 20):  # type: ignore[no-untyped-def]
    """The fixture builder of `scale` bookings (every cancel_every-th cancelled)."""
    shape = Shape.of(scale)

    def build(conn: psycopg.Connection) -> None:
        with conn.transaction():
            conn.execute(
                "select bench.populate(%s, %s, %s, %s, %s, %s)",
                (SLUG, shape.orgs, shape.providers, shape.clients, shape.sessions, cancel_every),
            )
        with conn.transaction():
            # a literal slug only, so plain replacement is safe; several statements: simple protocol
            conn.execute(DECORATE.replace("{slug}", f"'{SLUG}'"))

    return build


@dataclass(frozen=True)
class Measured:
    """The measured provider and what a slot search for them needs."""

    provider: str
    service: str
    member: str
    owner: str
    organization: str
    monday: date


def measured(url: str) -> Measured:
    with connect(url) as conn:
        row = conn.execute(
            "select bench.user_id(%(s)s, 'provider', 1, 1), sv.id, bench.user_id(%(s)s, 'client', 1, 1),"
            " bench.user_id(%(s)s, 'owner', 1, 1), bench.org_id(%(s)s, 1),"
            " current_date + 2 + (8 - extract(isodow from current_date + 2)::integer) %% 7"
            " from public.services sv where sv.organization_id = bench.org_id(%(s)s, 1)",
            {"s": SLUG},
        ).fetchone()
    assert row is not None
    provider, service, member, owner, organization, monday = row
    return Measured(str(provider), str(service), str(member), str(owner), str(organization), monday)
