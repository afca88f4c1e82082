"""Legacy databases for the backfill tests: the legacy baseline with generated data, copied
from one template database per test session (CREATE DATABASE … TEMPLATE is a file copy)."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg
from psycopg import sql

from sessionkit import stack
from sessionkit.backfill import practice
from sessionkit.backfill.runner import Outcome, RunOptions
from sessionkit.config import Project, Target, with_database
from sessionkit.db.admin import MAINTENANCE_DATABASE, create_database, drop_database
from sessionkit.db.connect import connect
from sessionkit.legacy.generate import LEGACY_BASELINE_VERSION, generate
from sessionkit.migrate.push import MigrationRefused

SCALE = 1500
SEED = 7

# what identifies a legacy booking for its users: who, with whom, when, in which state
BOOKING_FINGERPRINTS = """
select b.id::text, md5(concat_ws('|', b.client_id, b.provider_id, b.start_time, b.end_time, b.status))
from public.bookings b
"""


def make_template(project: Project, server_url: str, scale: int = SCALE, seed: int = SEED) -> str:
    """A database at the legacy baseline holding `scale` generated bookings; returns its name."""
    name = f"sk_legacy_tpl_{uuid.uuid4().hex[:8]}"
    url = create_database(server_url, name)
    stack.push_target(project, Target(url=url, is_local=True), to=LEGACY_BASELINE_VERSION)
    with connect(url) as conn:
        generate(conn, scale, seed)
    return name


def clone_database(server_url: str, source: str, name: str) -> str:
    """CREATE DATABASE name TEMPLATE source (retried while an autovacuum worker holds the source)."""
    with connect(with_database(server_url, MAINTENANCE_DATABASE)) as conn:
        for attempt in range(10):
            conn.execute(
                """select pg_terminate_backend(pid) from pg_stat_activity
                   where datname = %s and pid <> pg_backend_pid()""",
                (source,),
            )
            try:
                conn.execute(
                    sql.SQL("create database {} template {}").format(
                        sql.Identifier(name), sql.Identifier(source)
                    )
                )
                break
            except psycopg.errors.ObjectInUse:
                if attempt == 9:
                    raise
                time.sleep(0.2 * (attempt + 1))
    return with_database(server_url, name)


@contextmanager
def legacy_copy(server_url: str, template: str) -> Iterator[str]:
    """A throwaway copy of the template database; yields its URL."""
    name = f"sk_legacy_{uuid.uuid4().hex[:10]}"
    url = clone_database(server_url, template, name)
    try:
        yield url
    finally:
        drop_database(server_url, name)


def push(project: Project, url: str) -> MigrationRefused | None:
    """`db push`: None when everything applied, else the guard's refusal (where it stopped)."""
    return practice.push(project, Target(url=url, is_local=True))


def run(project: Project, url: str, name: str, **options: Any) -> Outcome:
    return practice.run(project.bundle_dir, url, name, RunOptions(**options))


def run_all(project: Project, url: str, **options: Any) -> dict[str, Outcome]:
    return practice.run_all(project.bundle_dir, url, RunOptions(**options))


resolve_conflicts = practice.resolve_conflicts
resolve_credits = practice.restore_credits


def fingerprints(url: str) -> dict[str, str]:
    """Booking id -> digest of its client, provider, times and status."""
    with psycopg.connect(url) as conn:
        return {str(k): str(v) for k, v in conn.execute(BOOKING_FINGERPRINTS).fetchall()}


def applied(url: str, version: str) -> bool:
    """The migration is recorded as applied."""
    with psycopg.connect(url) as conn:
        row = conn.execute(
            "select exists (select 1 from supabase_migrations.schema_migrations where version = %s)",
            (version,),
        ).fetchone()
    return bool(row and row[0])


def without_duplicate_subscriptions(url: str) -> None:
    """Pause every duplicate active subscription, so the first guard to refuse is one of issue 12."""
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(
            """update public.subscriptions s set status = 'paused'
               where s.status = 'active' and exists (
                 select 1 from public.subscriptions o where o.organization_id = s.organization_id
                   and o.client_id = s.client_id and o.status = 'active' and o.id < s.id)"""
        )
