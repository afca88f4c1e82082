"""Install (and remove) the test-only schema `tests`: auth helpers, then the domain fixtures."""

from __future__ import annotations

from importlib.resources import files

import psycopg

from sessionkit.config import Project

HELPERS_LOCK_KEY = 7_436_201_126
HELPERS_SCHEMA_COMMENT = "sessionkit test helpers: installed by the test runner, never by migrations."


def helpers_sql() -> str:
    return files("sessionkit.testing").joinpath("helpers.sql").read_text()


def install_test_helpers(conn: psycopg.Connection, project: Project) -> None:
    """helpers.sql, then supabase/tests/fixtures/*.sql; serialised across processes."""
    with conn.transaction():
        conn.execute("select pg_advisory_xact_lock(%s)", (HELPERS_LOCK_KEY,))
        conn.execute(helpers_sql())
        for path in sorted(project.fixtures_dir.glob("*.sql")):
            conn.execute(path.read_text())


def remove_test_helpers(conn: psycopg.Connection, drop_pgtap: bool) -> None:
    """Drop schema `tests` (and pgTAP when the install created it), in one transaction."""
    with conn.transaction():
        conn.execute("drop schema if exists tests cascade")
        if drop_pgtap:
            conn.execute("drop extension if exists pgtap")


def helpers_missing(conn: psycopg.Connection) -> list[str]:
    """What the pgTAP suites need and the database lacks: the pgtap extension, schema tests."""
    row = conn.execute(
        "select exists (select 1 from pg_extension where extname = 'pgtap'),"
        " to_regnamespace('tests') is not null"
    ).fetchone()
    has_pgtap, has_schema = row if row else (False, False)
    checks = (("extension pgtap", has_pgtap), ("schema tests", has_schema))
    return [name for name, present in checks if not present]


def tests_schema_is_ours(conn: psycopg.Connection) -> bool | None:
    """None without a schema `tests`; else whether it carries the helpers' comment."""
    row = conn.execute(
        "select obj_description(to_regnamespace('tests'), 'pg_namespace'), to_regnamespace('tests')"
    ).fetchone()
    comment, schema = row or (None, None)
    return None if schema is None else comment == HELPERS_SCHEMA_COMMENT
