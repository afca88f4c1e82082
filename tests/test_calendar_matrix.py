"""The calendar matrix of `sessionkit test --calendar`: which moments, and the cluster it moves."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import psycopg
import pytest

from sessionkit.config import Project
from sessionkit.errors import SessionkitError
from sessionkit.testing import calendar
from sessionkit.testing.calendar import (
    CalendarCluster,
    Moment,
    calendar_edges,
    calendar_matrix,
    matrix_moments,
)
from sessionkit.testing.runner import pytest_args

from .helpers import scalar

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
NOW = datetime(2026, 11, 27, 14, 5, tzinfo=UTC)
LEAP_NIGHT = datetime(2028, 2, 29, 23, 30, tzinfo=UTC)
YEAR_END = datetime(2027, 12, 31, 23, 30, tzinfo=UTC)


def edge(label: str, today: date) -> datetime:
    return next(m.at for m in calendar_edges(today) if m.label == label)


def test_the_matrix_is_each_of_the_next_seven_days_then_the_edges() -> None:
    moments = matrix_moments(NOW)
    assert [m.at for m in moments[:7]] == [NOW + timedelta(days=n) for n in range(1, 8)]
    assert moments[7:] == calendar_edges(NOW.date())


def test_the_seven_days_cover_every_weekday() -> None:
    assert {m.at.weekday() for m in matrix_moments(NOW)[:7]} == set(range(7))


def test_edges_are_the_next_ones_after_today() -> None:
    assert {m.name for m in calendar_edges(NOW.date())} == {
        "2026-12-31T23:30Z-year-end",
        "2027-03-14T06:30Z-dst-america-spring",
        "2027-03-28T00:30Z-dst-europe-spring",
        "2027-04-30T22:30Z-end-of-april",
        "2027-10-31T00:30Z-dst-europe-autumn",
        "2027-11-07T05:30Z-dst-america-autumn",
        "2028-02-29T23:30Z-leap-day",
    }


@pytest.mark.parametrize("year", range(2026, 2034))
def test_dst_edges_are_half_an_hour_before_the_clocks_change(year: int) -> None:
    today = date(year, 1, 1)
    for label, zone in (
        ("dst-europe-spring", BERLIN),
        ("dst-europe-autumn", BERLIN),
        ("dst-america-spring", NEW_YORK),
        ("dst-america-autumn", NEW_YORK),
    ):
        at = edge(label, today)
        before = at.astimezone(zone).utcoffset()
        assert (at + timedelta(hours=1)).astimezone(zone).utcoffset() != before, f"{label} {at}: no change"
        assert (at + timedelta(minutes=29)).astimezone(zone).utcoffset() == before, f"{label} {at}: too late"


def test_date_edges_fall_where_utc_and_local_dates_differ() -> None:
    today = NOW.date()
    leap = edge("leap-day", today)
    assert (leap.date(), leap.astimezone(BERLIN).date()) == (date(2028, 2, 29), date(2028, 3, 1))
    april = edge("end-of-april", today)
    assert april.astimezone(BERLIN).date() == date(2027, 5, 1)
    year_end = edge("year-end", today)
    assert year_end.astimezone(BERLIN).date() == date(2027, 1, 1)
    assert year_end.astimezone(NEW_YORK).date() == date(2026, 12, 31)


def test_a_moment_becomes_the_clock_that_reaches_it() -> None:
    moment = Moment("x", datetime.now(UTC) + timedelta(days=10))
    assert abs(moment.clock.offset - timedelta(days=10)) < timedelta(seconds=5)
    assert moment.clock.requested == moment.spec


def test_a_failure_says_how_to_reproduce_it() -> None:
    hint = calendar.reproduce_hint(Moment("leap-day", datetime(2028, 2, 29, 23, 30, tzinfo=UTC)))
    assert hint.startswith("reproduce: sessionkit db start --clock 2028-02-29T23:30Z && sessionkit test")


def test_calendar_runs_the_pgtap_suites_so_not_with_pytest_only(project: Project) -> None:
    assert pytest_args(project, False, False, [], calendar=True)[-1] == "--calendar"
    with pytest.raises(SessionkitError, match="--calendar runs the pgTAP suites"):
        pytest_args(project, False, True, [], calendar=True)


def test_the_calendar_clusters_are_stopped_on_real_time_even_after_ctrl_c(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    # prepared without a database (speed): only the clocks and the clean-up are under test
    def start_only(self: CalendarCluster) -> None:
        calendar.stack.start_cluster_at(self.cluster, None)

    def clock_of(self: CalendarCluster, path: Path) -> list[str]:
        with psycopg.connect(self.cluster.url) as conn:
            return [str(scalar(conn, "select current_date"))]

    monkeypatch.setattr(CalendarCluster, "prepare", start_only)
    monkeypatch.setattr(CalendarCluster, "run_pgtap", clock_of)
    leap, year_end = (Moment(label, at) for label, at in (("leap", LEAP_NIGHT), ("year-end", YEAR_END)))
    runs = [(leap, Path("a.sql")), (year_end, Path("a.sql"))]
    with pytest.raises(KeyboardInterrupt), calendar_matrix(project, runs) as matrix:
        assert matrix.tap(leap, Path("a.sql")) == ["2028-02-29"]
        assert matrix.tap(year_end, Path("a.sql")) == ["2027-12-31"]
        assert len({c.cluster.port for c in matrix.clusters}) == 2, "two clusters, side by side"
        raise KeyboardInterrupt
    for cluster in matrix.clusters:
        assert not cluster.cluster.is_running()
        assert cluster.cluster.clock is None
