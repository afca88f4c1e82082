"""Install the test-only schema `tests`: auth helpers, then the domain fixtures."""

from __future__ import annotations

from importlib.resources import files

import psycopg

from sessionkit.config import Project

HELPERS_LOCK_KEY = 7_436_201_126


def helpers_sql() -> str:
    return files("sessionkit.testing").joinpath("helpers.sql").read_text()


def install_test_helpers(conn: psycopg.Connection, project: Project) -> None:
    """helpers.sql, then supabase/tests/fixtures/*.sql; serialised across processes."""
    with conn.transaction():
        conn.execute("select pg_advisory_xact_lock(%s)", (HELPERS_LOCK_KEY,))
        conn.execute(helpers_sql())
        for path in sorted(project.fixtures_dir.glob("*.sql")):
            conn.execute(path.read_text())
