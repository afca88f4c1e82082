"""Root pytest configuration: every suite (pytest and pgTAP) runs against one migrated database.

The target is SESSIONKIT_DB_URL or the local stack. On the local stack the session starts it
if needed, applies pending migrations, and installs the test-only `tests` schema; any other
database is only checked (`sessionkit test --db-url` runs the pgTAP suites there).
pytest-pgtap's connection fixture is pointed at the same database.
"""

from __future__ import annotations

from collections.abc import Iterator

import psycopg
import pytest

from sessionkit import stack
from sessionkit.config import Project, Target
from sessionkit.db.connect import connect
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
