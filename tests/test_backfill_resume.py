"""kill -9 at several points of each backfill, then resume: the result is identical to an
uninterrupted run (issue 12).

The runner is the real CLI in a subprocess. To kill it at a known point - inside a batch, after
some batches committed - the test holds a row lock on a row the backfill reaches a third (then
two thirds) of the way through; once the runner's server session waits on that lock, the runner
is killed with SIGKILL and the lock released. `resume` then finishes the same run.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest

from sessionkit.backfill.practice import runnable
from sessionkit.backfill.registry import backfills
from sessionkit.config import Project
from sessionkit.db.admin import drop_database
from tests.helpers import scalar
from tests.legacy import clone_database, legacy_copy, push, resolve_conflicts, run, run_all

BATCH = "50"

# per backfill: the rows its batches lock or update, in the order it reaches them
TARGETS = {
    # a 1-to-1 booking of one of its organization's package lengths (75 minutes is none): typed
    "session_types": """select b.id from public.bookings b
                        left join public.services sv on sv.id = b.service_id
                        where b.end_time - b.start_time <> interval '75 minutes'
                          and coalesce(sv.capacity, 1) = 1
                        order by b.id""",
    "booking_kinds": """select b.id from public.bookings b join public.services sv on sv.id = b.service_id
                        where sv.name ~* 'trial|guest' order by b.id""",
    "service_sessions": "select id from public.bookings where service_session_id is null order by id",
    "subscription_links": "select id from public.subscriptions order by id",
    "cancellations": "select id from public.bookings where status = 'cancelled' order by id",
}
TABLES = {
    "session_types": "public.bookings",
    "booking_kinds": "public.bookings",
    "service_sessions": "public.bookings",
    "subscription_links": "public.subscriptions",
    "cancellations": "public.bookings",
}

# what a backfill may change, compared row by row (timestamps written with now() left out)
SNAPSHOT = {
    "session_types": """select organization_id, name, duration_minutes, is_active, sort_order
                        from public.session_types""",
    "settings": "select organization_id, default_session_type_id from public.organization_settings",
    "services": "select id, name, session_type_id, is_active from public.services",
    "sessions": """select id, kind, visibility, session_type_id, status, current_participants, starts_at,
                          ends_at, provider_id, service_id, max_participants from public.service_sessions""",
    "bookings": """select id, service_session_id, session_type_id, booking_kind, subscription_id, status,
                          start_time, end_time, service_id from public.bookings""",
    "subscriptions": "select id, status from public.subscriptions",
    "cancellations": """select id, booking_id, reason, cancellation_policy_applied, cancelled_by, created_at
                        from public.booking_cancellations""",
    "conflicts": "select backfill, kind, row_key, resolution, payload from ops.backfill_conflicts",
    "readings": """select package_id, raw_duration, minutes, outcome, session_type_id
                   from ops.legacy_package_durations""",
}


def snapshot(url: str) -> dict[str, str]:
    with psycopg.connect(url) as conn:
        return {
            name: str(
                scalar(
                    conn, f"select md5(coalesce(string_agg(t::text, ',' order by t::text), '')) from ({q}) t"
                )
            )
            for name, q in SNAPSHOT.items()
        }


@dataclass(frozen=True)
class Before:
    """A database template holding the state right before each backfill."""

    server_url: str
    names: dict[str, str]


@pytest.fixture(scope="module")
def before(project: Project, db_url: str, legacy_template: str) -> Iterator[Before]:
    names: dict[str, str] = {}
    with legacy_copy(db_url, legacy_template) as url:
        assert push(project, url) is not None  # stopped at the duplicate-subscription guard
        for backfill in backfills():
            if backfill.name not in runnable(project.bundle_dir, url):  # waits for the whole push
                resolve_conflicts(url)
                run_all(project, url)
                assert push(project, url) is None
            name = f"sk_before_{backfill.name}_{os.getpid()}"
            clone_database(db_url, url.rsplit("/", 1)[1], name)
            names[backfill.name] = name
            run(project, url, backfill.name)
    yield Before(db_url, names)
    for name in names.values():
        drop_database(db_url, name)


def cli(project: Project) -> list[str]:
    return [str(Path(project.root, ".venv", "bin", "sessionkit"))]


def runner_backend(conn: psycopg.Connection, name: str) -> tuple[int, str | None] | None:
    row = conn.execute(
        """select pid, wait_event_type from pg_stat_activity
           where application_name = %s and datname = current_database()""",
        (f"sessionkit backfill {name}",),
    ).fetchone()
    return (int(row[0]), row[1]) if row else None


def kill_while_waiting(project: Project, url: str, name: str, command: str, key: str) -> None:
    """Start `sessionkit backfill COMMAND NAME`, hold `key` locked until it waits on it, kill -9."""
    with psycopg.connect(url) as holder:  # a transaction: the row lock stays until rollback
        holder.execute(f"select 1 from {TABLES[name]} where id = %s for update", (key,))
        process = subprocess.Popen(
            [*cli(project), "backfill", command, name, "--batch-size", BATCH, "--db-url", url],
            cwd=project.root,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            with psycopg.connect(url, autocommit=True) as watcher:
                deadline = time.monotonic() + 60
                while (backend := runner_backend(watcher, name)) is None or backend[1] != "Lock":
                    assert process.poll() is None, "the runner finished before reaching the locked row"
                    assert time.monotonic() < deadline, "the runner never reached the locked row"
                    time.sleep(0.05)
                os.kill(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
                holder.rollback()
                while runner_backend(watcher, name) is not None:  # its session ends with its batch
                    assert time.monotonic() < deadline + 30
                    time.sleep(0.05)
        finally:
            if process.poll() is None:
                process.kill()


@pytest.mark.parametrize("name", list(TARGETS))
def test_killed_twice_then_resumed_ends_like_an_uninterrupted_run(
    project: Project, before: Before, name: str
) -> None:
    with legacy_copy(before.server_url, before.names[name]) as reference:
        outcome = run(project, reference, name, batch_size=int(BATCH))
        assert outcome.status == "succeeded"
        expected = snapshot(reference)

    with legacy_copy(before.server_url, before.names[name]) as url:
        with psycopg.connect(url) as conn:
            keys = [str(r[0]) for r in conn.execute(TARGETS[name]).fetchall()]
        assert len(keys) >= 6
        kill_while_waiting(project, url, name, "run", keys[len(keys) // 3])
        with psycopg.connect(url) as conn:
            state = conn.execute(
                "select status, batches from ops.backfill_runs where backfill = %s order by id desc limit 1",
                (name,),
            ).fetchone()
        assert state is not None and state[0] == "running" and state[1] > 0, (
            "killed mid-run after some batches"
        )

        kill_while_waiting(project, url, name, "resume", keys[2 * len(keys) // 3])
        finished = subprocess.run(
            [*cli(project), "backfill", "resume", name, "--batch-size", BATCH, "--db-url", url, "--json"],
            cwd=project.root,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert finished.returncode == 0, finished.stderr
        with psycopg.connect(url) as conn:
            runs = conn.execute(
                "select status from ops.backfill_runs where backfill = %s", (name,)
            ).fetchall()
        assert runs == [("succeeded",)], "the killed run was resumed, not restarted"
        assert snapshot(url) == expected
