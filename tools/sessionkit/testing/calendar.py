"""The calendar matrix: the pgTAP suites "as if today were" other days, on a database holding
other tenants' data.

A suite that passes only on some days guards nothing, and one that counts rows its fixtures did
not make passes only on an empty database. `sessionkit test --calendar` (what `make test` runs)
therefore runs every pgTAP suite once more per moment of a matrix, on two more local clusters
(`.sessionkit/calendar-1/` and `-2/`, ports SESSIONKIT_DB_PORT + 9 and + 7, one moment at a
time each, side by side) whose database holds the demo seed and three other organizations
(`tests.seed_other_tenants()`), with the server's clock moved (libfaketime) to each of the
next seven days and to the next calendar edges: both DST changes in Europe and in America,
29 February, a month end and a year end near midnight UTC. The developer's own stack is never
restarted; the calendar clusters are stopped at the end, whatever happened.
"""

from __future__ import annotations

import calendar as cal
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
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
# one cluster per core of a two-core machine: .sessionkit/calendar-1/ on port + 9, calendar-2/ on + 7
CLUSTER_PORT_OFFSETS = (9, 7)
SUNDAY = 6


@dataclass(frozen=True)
class Moment:
    """One run of the matrix: a label and the UTC moment the server's clock is moved to."""

    label: str
    at: datetime

    @property
    def spec(self) -> str:
        """The moment as `--clock` takes it: `2027-03-28T00:30Z`."""
        return f"{self.at:%Y-%m-%dT%H:%MZ}"

    @property
    def name(self) -> str:
        """How the moment appears in test ids: `2027-03-28T00:30Z-dst-europe-spring`."""
        return f"{self.spec}-{self.label}"

    @property
    def clock(self) -> Clock:
        return Clock(requested=self.spec, offset=self.at - datetime.now(UTC))


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
    summer or winter), the year's last day at 23:30 UTC (already 1 January in Berlin, still 31
    December in New York).
    """
    edges: list[tuple[str, Callable[[int], date | None], int, int]] = [
        ("dst-europe-spring", lambda y: _nth_sunday(y, 3, -1), 0, 30),
        ("dst-europe-autumn", lambda y: _nth_sunday(y, 10, -1), 0, 30),
        ("dst-america-spring", lambda y: _nth_sunday(y, 3, 2), 6, 30),
        ("dst-america-autumn", lambda y: _nth_sunday(y, 11, 1), 5, 30),
        ("leap-day", lambda y: date(y, 2, 29) if cal.isleap(y) else None, 23, 30),
        ("end-of-april", lambda y: date(y, 4, 30), 22, 30),
        ("year-end", lambda y: date(y, 12, 31), 23, 30),
    ]
    moments = [Moment(label, _utc(_next_yearly(today, pick), h, m)) for label, pick, h, m in edges]
    return sorted(moments, key=lambda moment: moment.name)


def matrix_moments(now: datetime) -> list[Moment]:
    """Each of the next seven days (at now's time of day), then the edges.

    Today itself is the normal run's. The other tenants' rows cover the suites' slots of those
    seven days too (they reach three weeks ahead), so those runs also prove the isolation.
    """
    days = [Moment(f"day+{n}", now.astimezone(UTC) + timedelta(days=n)) for n in range(1, 8)]
    return [*days, *calendar_edges(now.astimezone(UTC).date())]


class CalendarCluster:
    """One calendar cluster: prepared once at real time, then restarted under each moment's clock."""

    def __init__(self, project: Project, name: str, port_offset: int) -> None:
        self.project = project
        self.cluster = LocalCluster(project, name, port_offset)
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
            # the suites run here, not the scheduler: a job due at some moment's minute would
            # write beside them (and could deadlock with them) in the middle of a run
            conn.execute("update cron.job set active = false")
        self.current = None

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


Run = tuple[Moment, Path]


class CalendarMatrix:
    """Every (moment, pgTAP file) run, shared out between the calendar clusters.

    Each cluster works through its moments in the background (moment after moment: one restart
    each), so the matrix takes about half the time on two free cores; a test asks
    for its run's TAP lines with `tap()` and waits for them.
    """

    def __init__(self, project: Project, runs: list[Run]) -> None:
        moments = list(dict.fromkeys(moment for moment, _ in runs))
        self.clusters = [
            CalendarCluster(project, f"{CALENDAR_CLUSTER}-{i + 1}", offset)
            for i, offset in enumerate(CLUSTER_PORT_OFFSETS)
        ]
        # moment i goes to cluster i mod n
        self.share = [
            [r for r in runs if moments.index(r[0]) % len(self.clusters) == i]
            for i in range(len(self.clusters))
        ]
        self.results: dict[Run, Future[list[str]]] = {run: Future() for run in runs}
        self.stopping = threading.Event()
        self.pool = ThreadPoolExecutor(max_workers=len(self.clusters), thread_name_prefix="calendar")

    def start(self) -> None:
        for cluster, runs in zip(self.clusters, self.share, strict=True):
            self.pool.submit(self._work, cluster, runs)

    def _work(self, cluster: CalendarCluster, runs: list[Run]) -> None:
        try:
            cluster.prepare()
            for moment, path in runs:
                if self.stopping.is_set():
                    break
                cluster.move_to(moment)
                future = self.results[(moment, path)]
                try:
                    future.set_result(cluster.run_pgtap(path))
                except Exception as exc:  # reported by the test of this run
                    future.set_exception(exc)
        except Exception as exc:  # the cluster itself failed: every run left fails with it
            for run in runs:
                if not self.results[run].done():
                    self.results[run].set_exception(exc)

    def tap(self, moment: Moment, path: Path) -> list[str]:
        return self.results[(moment, path)].result()

    def close(self) -> None:
        self.stopping.set()
        self.pool.shutdown(wait=True, cancel_futures=True)
        for cluster in self.clusters:
            cluster.close()


@contextmanager
def calendar_matrix(project: Project, runs: list[Run]) -> Iterator[CalendarMatrix]:
    """The matrix under way; afterwards its clusters are stopped on real time, even after Ctrl-C."""
    matrix = CalendarMatrix(project, runs)
    try:
        matrix.start()
        yield matrix
    finally:
        matrix.close()


def reproduce_hint(moment: Moment) -> str:
    return (
        f"reproduce: sessionkit db start --clock {moment.spec} && sessionkit test --pgtap-only"
        " (the matrix's database also holds other tenants' data: select tests.seed_other_tenants())"
    )
