"""Root pytest configuration: every suite (pytest and pgTAP) runs against one migrated database.

The target is SESSIONKIT_DB_URL or the local stack. On the local stack the session starts it
if needed, applies pending migrations, and installs the test-only `tests` schema; any other
database is only checked (`sessionkit test --db-url` runs the pgTAP suites there).
pytest-pgtap's connection fixture is pointed at the same database. With --calendar, every
pgTAP file runs again at each moment of the calendar matrix (sessionkit.testing.calendar).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import psycopg
import pytest
from pytest_pgtap.plugin.core import report_tap
from pytest_pgtap.plugin.sql_files import PgTapItem

from sessionkit import stack
from sessionkit.config import Project, Target
from sessionkit.db.connect import connect
from sessionkit.testing.calendar import (
    CalendarMatrix,
    Moment,
    calendar_matrix,
    matrix_moments,
    reproduce_hint,
)
from sessionkit.testing.install import install_test_helpers
from sessionkit.testing.remote import require_ready


@pytest.fixture(scope="session")
def project() -> Project:
    return Project.discover()


@pytest.fixture(scope="session")
def target(project: Project) -> Target:
    """The local stack is brought up to date with the helpers installed; any other database
    is only checked (`sessionkit test --db-url` migrates nothing and installs helpers only
    with --install-test-helpers)."""
    target = Target.resolve()
    if not target.is_local:
        with connect(target.url) as conn:
            require_ready(conn, project, target)
        return target
    stack.ensure_reachable(project, target)
    stack.push_target(project, target)
    with connect(target.url) as conn:
        install_test_helpers(conn, project)
    return target


@pytest.fixture(scope="session")
def db_url(target: Target) -> str:
    return target.url


@pytest.fixture(scope="session")
def pgtap_connection(target: Target) -> Iterator[psycopg.Connection]:
    """pytest-pgtap runs every test_*.sql file on this connection (each in a transaction)."""
    with psycopg.connect(target.url) as conn:
        yield conn


# -- the calendar matrix (`sessionkit test --calendar`, run by `make test`) -----------------------
def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--calendar",
        action="store_true",
        help="Also run every pgTAP suite under moved clocks (next 7 days, calendar edges) on clusters "
        "whose database holds other tenants' data.",
    )


MATRIX = pytest.StashKey[list[Moment]]()


class CalendarPgTapItem(PgTapItem):
    """A pgTAP file run on the calendar cluster with its clock at one moment of the matrix."""

    moment: Moment

    def runtest(self) -> None:
        matrix: CalendarMatrix = self._request.getfixturevalue("calendar")
        self.add_report_section("call", "calendar", reproduce_hint(self.moment))
        report_tap(self, matrix.tap(self.moment, self.path), self.name)


class CalendarPgTapFile(pytest.File):
    def collect(self) -> Iterator[CalendarPgTapItem]:
        for moment in self.config.stash[MATRIX]:
            item = CalendarPgTapItem.from_parent(self, name=f"{self.path.name}[calendar-{moment.name}]")
            item.moment = moment
            yield item


def pytest_configure(config: pytest.Config) -> None:
    if config.getoption("--calendar"):
        config.stash[MATRIX] = matrix_moments(datetime.now(UTC))


def pytest_collect_file(parent: pytest.Collector, file_path: Path) -> CalendarPgTapFile | None:
    """With --calendar: every collected pgTAP file once more per moment of the matrix."""
    if MATRIX in parent.config.stash and file_path.suffix == ".sql" and file_path.name.startswith("test"):
        return CalendarPgTapFile.from_parent(parent, path=file_path)
    return None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The matrix runs last, moment after moment (the order its clusters work in)."""
    if MATRIX not in config.stash:
        return
    order = {moment: index for index, moment in enumerate(config.stash[MATRIX])}
    items.sort(key=lambda item: order[item.moment] + 1 if isinstance(item, CalendarPgTapItem) else 0)


@pytest.fixture(scope="session")
def calendar(request: pytest.FixtureRequest, project: Project) -> Iterator[CalendarMatrix]:
    """The matrix of the calendar tests selected in this session, under way in the background."""
    runs = [(item.moment, item.path) for item in request.session.items if isinstance(item, CalendarPgTapItem)]
    with calendar_matrix(project, runs) as matrix:
        yield matrix
