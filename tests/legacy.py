"""Legacy databases for the backfill tests: the legacy baseline with generated data, copied
from one template database per test session (CREATE DATABASE … TEMPLATE is a file copy)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg
from psycopg import sql

from sessionkit import stack
from sessionkit.backfill.registry import backfills, get
from sessionkit.backfill.runner import Outcome, Runner, RunOptions
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


@contextmanager
def legacy_copy(server_url: str, template: str) -> Iterator[str]:
    """A throwaway copy of the template database; yields its URL."""
    name = f"sk_legacy_{uuid.uuid4().hex[:10]}"
    with connect(with_database(server_url, MAINTENANCE_DATABASE)) as conn:
        conn.execute(
            sql.SQL("create database {} template {}").format(sql.Identifier(name), sql.Identifier(template))
        )
    try:
        yield with_database(server_url, name)
    finally:
        drop_database(server_url, name)


def push(project: Project, url: str) -> MigrationRefused | None:
    """`db push`: None when everything applied, else the guard's refusal (where it stopped)."""
    try:
        stack.push_target(project, Target(url=url, is_local=True))
    except MigrationRefused as refused:
        return refused
    return None


def run(project: Project, url: str, name: str, **options: Any) -> Outcome:
    with psycopg.connect(url, autocommit=True) as conn:
        return Runner(conn, get(name), project.bundle_dir, RunOptions(**options)).run()


def run_all(project: Project, url: str, **options: Any) -> dict[str, Outcome]:
    return {b.name: run(project, url, b.name, **options) for b in backfills()}


def resolve_conflicts(url: str) -> set[str]:
    """What the runbook tells an operator to do about every open blocking conflict; returns the
    bookings whose client/provider/time/status the operator changed."""
    touched: set[str] = set()
    with psycopg.connect(url, autocommit=True) as conn:
        # legacy double-bookings: the later of each overlapping pair is cancelled (as postgres)
        rows = conn.execute(
            """select c.row_key, c.payload from ops.backfill_conflicts c
               where c.backfill = 'service_sessions' and c.kind = 'provider_double_booked'
                 and c.resolved_at is null"""
        ).fetchall()
        for key, payload in rows:
            others = payload.get("bookings") or []
            if payload.get("sessions") or any(other < key for other in others):
                conn.execute("update public.bookings set status = 'cancelled' where id = %s", (key,))
                touched.add(key)
        # package durations the backfill could not read: "3" meant three hours, the rest are cleared
        conn.execute(
            """update public.packages p
               set duration = case when p.duration = '3' then '3h' end
               from ops.backfill_conflicts c
               where c.backfill = 'session_types' and c.resolved_at is null and c.row_key = p.id::text
                 and c.kind in ('unparseable_duration', 'ambiguous_duration')"""
        )
    return touched


def resolve_credits(url: str) -> None:
    """Cancelled bookings that had spent a credit: the credit is restored (runbook)."""
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(
            """update public.bookings b set subscription_id = null
               from ops.backfill_conflicts c
               where c.backfill = 'cancellations' and c.kind = 'cancelled_booking_with_credit'
                 and c.resolved_at is null and c.row_key = b.id::text"""
        )


def fingerprints(url: str) -> dict[str, str]:
    """Booking id -> digest of its client, provider, times and status."""
    with psycopg.connect(url) as conn:
        return {str(k): str(v) for k, v in conn.execute(BOOKING_FINGERPRINTS).fetchall()}
