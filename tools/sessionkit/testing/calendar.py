"""The calendar matrix: the pgTAP suites "as if today were" other days, on a database holding
other tenants' data.

A suite that passes only on some days guards nothing, and one that counts rows its fixtures did
not make passes only on an empty database. `sessionkit test --calendar` (what `make test` runs)
therefore runs every pgTAP suite once more on a second local cluster (`.sessionkit/calendar/`,
port SESSIONKIT_DB_PORT + 9) holding the demo seed and three other organizations
(`tests.seed_other_tenants()`): first at the real time, then with the server's clock moved
(libfaketime) to each of the next seven days and to the next calendar edges: both DST changes
in Europe and in America, 29 February, month ends and a year end near midnight UTC. The
developer's own stack is never restarted; the calendar cluster is stopped at the end, whatever
happened.
"""

from __future__ import annotations

import calendar as cal
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import psycopg
from pytest_pgtap.pgtap import Runner

from sessionkit import stack
from sessionkit.config import Project, Target
from sessionkit.db.admin import recreate_database
from sessionkit.db.clock import Clock
from sessionkit.db.cluster import LocalCluster
from sessionkit.db.connect import connect
from sessionkit.testing.install import install_test_helpers

CALENDAR_CLUSTER = "calendar"
CALENDAR_PORT_OFFSET = 9
SUNDAY = 6


@dataclass(frozen=True)
class Moment:
    """One run of the matrix: a label and the UTC moment the server's clock shows (None = real time)."""

    label: str
    at: datetime | None

    @property
    def name(self) -> str:
        """How the moment appears in test ids: `2027-03-28T00:30Z-dst-europe-spring`."""
        return self.label if self.at is None else f"{self.at:%Y-%m-%dT%H:%MZ}-{self.label}"

    @property
    def clock(self) -> Clock | None:
        if self.at is None:
            return None
        return Clock(requested=f"{self.at:%Y-%m-%dT%H:%MZ}", offset=self.at - datetime.now(UTC))


def _utc(day: date, hour: int, minute: int) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=UTC)


def _nth_sunday(year: int, month: int, n: int) -> date:
    """The n-th Sunday of the month (n = -1: the last)."""
    days = (date(year, month, d) for d in range(1, cal.monthrange(year, month)[1] + 1))
    sundays = [d for d in days if d.weekday() == SUNDAY]
    return sundays[n if n < 0 else n - 1]


def _next_yearly(after: date, pick: Callable[[int], date | None]) -> date:
    """The first date after `after` that pick(year) gives (None: not that year)."""
    days = (pick(year) for year in range(after.year, after.year + 9))
    return next(d for d in days if d is not None and d > after)


def calendar_edges(today: date) -> list[Moment]:
    """The next occurrence (after today) of each edge, at the time of day that makes it one.

    DST changes: half an hour before the clocks move (Europe: 01:00 UTC on the last Sunday of
    March and October; America/New_York: 07:00 UTC on the second Sunday of March, 06:00 UTC on
    the first Sunday of November). Dates whose UTC day differs from local days: 29 February at
    23:30 UTC (1 March in Berlin), a 30-day month's end at 22:30 UTC (the 1st in Berlin,
    summer or winter), 31 January at 12:00 (a series anchored on the 31st meets February), the
    year's last day at 23:30 UTC (already 1 January in Berlin, still 31 December in New York).
    """
    edges: list[tuple[str, Callable[[int], date | None], int, int]] = [
        ("dst-europe-spring", lambda y: _nth_sunday(y, 3, -1), 0, 30),
        ("dst-europe-autumn", lambda y: _nth_sunday(y, 10, -1), 0, 30),
        ("dst-america-spring", lambda y: _nth_sunday(y, 3, 2), 6, 30),
        ("dst-america-autumn", lambda y: _nth_sunday(y, 11, 1), 5, 30),
        ("leap-day", lambda y: date(y, 2, 29) if cal.isleap(y) else None, 23, 30),
        ("end-of-april", lambda y: date(y, 4, 30), 22, 30),
        ("end-of-january", lambda y: date(y, 1, 31), 12, 0),
        ("year-end", lambda y: date(y, 12, 31), 23, 30),
    ]
    moments = [Moment(label, _utc(_next_yearly(today, pick), h, m)) for label, pick, h, m in edges]
    return sorted(moments, key=lambda moment: moment.name)


def matrix_moments(now: datetime) -> list[Moment]:
    """Real time first, then each of the next seven days (same time of day), then the edges."""
    days = [Moment(f"day+{n}", now.astimezone(UTC) + timedelta(days=n)) for n in range(1, 8)]
    return [Moment("today", None), *days, *calendar_edges(now.astimezone(UTC).date())]


class CalendarStack:
    """The calendar cluster: prepared once at real time, then restarted under each moment's clock."""

    def __init__(self, project: Project) -> None:
        self.project = project
        self.cluster = LocalCluster(project, CALENDAR_CLUSTER, CALENDAR_PORT_OFFSET)
        self.current: Moment | None = None

    def prepare(self) -> None:
        """Real time, a fresh database: every migration, the seeds, the test helpers, other tenants."""
        stack.start_cluster_at(self.cluster, None)
        # a cluster of the toolkit's own, like the stack: it gets the compatibility layer
        target = Target(url=self.cluster.url, is_local=True)
        recreate_database(target.url)
        self.cluster.restart()  # pg_cron's scheduler stops for good when its database is dropped
        stack.push_target(self.project, target)
        stack.seed(self.project, target)
        with connect(target.url) as conn:
            install_test_helpers(conn, self.project)
            conn.execute("select tests.seed_other_tenants()")
        self.current = Moment("today", None)

    def move_to(self, moment: Moment) -> None:
        if moment == self.current:
            return
        stack.start_cluster_at(self.cluster, moment.clock)
        self.current = moment

    def run_pgtap(self, path: Path) -> list[str]:
        """One pgTAP file on a fresh connection (it runs in its own transaction): its TAP lines."""
        with psycopg.connect(self.cluster.url) as conn:
            return Runner(conn).run(path.read_text())

    def close(self) -> None:
        self.cluster.set_clock(None)
        self.cluster.stop()


@contextmanager
def calendar_stack(project: Project) -> Iterator[CalendarStack]:
    """The prepared calendar cluster, stopped (and back on real time) at the end, even on Ctrl-C."""
    calendar = CalendarStack(project)
    try:
        calendar.prepare()
        yield calendar
    finally:
        calendar.close()


def reproduce_hint(moment: Moment) -> str:
    clock = f"sessionkit db start --clock {moment.at:%Y-%m-%dT%H:%MZ} && " if moment.at else ""
    return f"reproduce: {clock}sessionkit test --pgtap-only (on a database holding other tenants' data)"
