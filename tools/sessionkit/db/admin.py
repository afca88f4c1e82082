"""Whole-database operations: recreate a database, apply seeds, read server facts."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import psycopg
from psycopg import sql

from sessionkit.config import with_database
from sessionkit.db.connect import connect

MAINTENANCE_DATABASE = "template1"


def database_name(url: str) -> str:
    with connect(url) as conn:
        row = conn.execute("select current_database()").fetchone()
        assert row is not None
        return str(row[0])


def recreate_database(url: str) -> None:
    """Drop (terminating its sessions, pg_cron's included) and create the URL's database."""
    name = url.partition("?")[0].rsplit("/", 1)[1]
    with connect(with_database(url, MAINTENANCE_DATABASE)) as conn:
        conn.execute(sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(name)))
        conn.execute(sql.SQL("create database {}").format(sql.Identifier(name)))


def create_database(url: str, name: str) -> str:
    """Create a fresh database on the URL's server; returns its URL."""
    with connect(with_database(url, MAINTENANCE_DATABASE)) as conn:
        conn.execute(sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(name)))
        conn.execute(sql.SQL("create database {}").format(sql.Identifier(name)))
    return with_database(url, name)


def drop_database(url: str, name: str) -> None:
    with connect(with_database(url, MAINTENANCE_DATABASE)) as conn:
        conn.execute(sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(name)))


def run_sql_file(conn: psycopg.Connection, path: Path) -> None:
    with conn.transaction():
        conn.execute(path.read_text())


def server_version(conn: psycopg.Connection) -> str:
    row = conn.execute("show server_version").fetchone()
    return str(row[0]) if row else "?"


def cron_jobs(conn: psycopg.Connection) -> list[tuple[str, str, str, bool]]:
    """(name, schedule, command, active) of every pg_cron job, or [] without pg_cron."""
    has_cron = conn.execute("select to_regclass('cron.job') is not null").fetchone()
    if not has_cron or not has_cron[0]:
        return []
    rows = conn.execute("select jobname, schedule, command, active from cron.job order by jobname")
    return [(str(n), str(s), str(c), bool(a)) for n, s, c, a in rows.fetchall()]


def server_today(url: str) -> date:
    """The server's current_date: its clock (maybe moved with `db start --clock`), its time zone."""
    with connect(url) as conn:
        row = conn.execute("select current_date").fetchone()
    assert row is not None
    today: date = row[0]
    return today


def server_clock_offset(conn: psycopg.Connection) -> tuple[datetime, timedelta]:
    """The server's clock and how far it is from this machine's (a fake clock, or drift)."""
    before = datetime.now(UTC)
    row = conn.execute("select clock_timestamp()").fetchone()
    after = datetime.now(UTC)
    assert row is not None
    server: datetime = row[0]
    return server, server - (before + (after - before) / 2)
