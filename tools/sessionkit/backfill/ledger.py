"""The backfill ledger in `ops`: runs, checkpoints, conflicts and stored reports.

The tables come from migration `*_create_backfill_ledger.sql`. On a legacy database `db push`
stops at the first guard that refuses, which can be before that migration; `ensure_ledger`
then applies the same (idempotent) file under the push lock, so the push later finds its
tables in place and records the migration as usual.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import psycopg
from psycopg.rows import dict_row

from sessionkit.backfill.base import ledger_exists
from sessionkit.errors import SessionkitError
from sessionkit.migrate.push import PUSH_LOCK_KEY

LEDGER_MIGRATION = "_create_backfill_ledger.sql"
UNFINISHED = ("running", "paused", "interrupted", "failed")


@dataclass
class Run:
    id: int
    backfill: str
    status: str
    step: str | None
    cursor: list[str] | None
    pass_: int
    pass_started_xid: int | None
    pass_since_xid: int | None
    rows_total: int | None
    rows_done: int
    batches: int
    changes: dict[str, int]
    conflicts: int
    batch_size: int
    sleep_seconds: float
    started_by: str
    started_at: datetime
    updated_at: datetime
    finished_at: datetime | None
    seconds_running: float
    last_error: str | None

    @property
    def finished(self) -> bool:
        return self.status == "succeeded"

    def as_json(self) -> dict[str, Any]:
        data = {k.rstrip("_"): v for k, v in self.__dict__.items()}
        return json.loads(json.dumps(data, default=str))


@dataclass(frozen=True)
class ConflictRow:
    id: int
    backfill: str
    kind: str
    row_key: str
    reason: str
    payload: dict[str, Any]
    first_seen_at: datetime
    last_seen_at: datetime
    resolved_at: datetime | None
    resolution: str | None
    resolution_note: str | None

    def as_json(self) -> dict[str, Any]:
        return json.loads(json.dumps(self.__dict__, default=str))


RUN_COLUMNS = """id, backfill, status, step, cursor, pass as pass_,
  pass_started_xid::text::bigint as pass_started_xid,
  pass_since_xid::text::bigint as pass_since_xid, rows_total, rows_done, batches, changes, conflicts,
    batch_size,
  sleep_seconds::float8 as sleep_seconds, started_by, started_at, updated_at, finished_at, seconds_running,
  last_error"""


def ledger_migration(bundle_dir: Path) -> Path:
    found = sorted(bundle_dir.glob(f"*{LEDGER_MIGRATION}"))
    if not found:
        raise SessionkitError(f"no *{LEDGER_MIGRATION} in {bundle_dir}: run `sessionkit build`")
    return found[-1]


def ensure_ledger(conn: psycopg.Connection, bundle_dir: Path) -> bool:
    """Create the ledger tables if `db push` has not reached their migration yet; True if it did."""
    if ledger_exists(conn):
        return False
    sql = ledger_migration(bundle_dir).read_text()
    with conn.transaction():
        conn.execute("select pg_advisory_xact_lock(%s)", (PUSH_LOCK_KEY,))
        if not ledger_exists(conn):
            conn.execute(sql)
            return True
    return False


@contextmanager
def read_view(conn: psycopg.Connection, bundle_dir: Path) -> Iterator[None]:
    """A transaction that is always rolled back, in which the ledger tables exist even where
    `db push` has not created them yet (backfills' queries look conflicts up in them)."""
    with conn.transaction(force_rollback=True):
        if not ledger_exists(conn):
            conn.execute(ledger_migration(bundle_dir).read_text())
        yield


def _run(row: dict[str, Any] | None) -> Run | None:
    if row is None:
        return None
    return Run(**row)


def latest_run(conn: psycopg.Connection, backfill: str) -> Run | None:
    if not ledger_exists(conn):
        return None
    with conn.cursor(row_factory=dict_row) as cur:
        row = cur.execute(
            f"select {RUN_COLUMNS} from ops.backfill_runs where backfill = %s order by id desc limit 1",
            (backfill,),
        ).fetchone()
    return _run(row)


def succeeded_once(conn: psycopg.Connection, backfill: str) -> bool:
    if not ledger_exists(conn):
        return False
    row = conn.execute(
        "select exists (select 1 from ops.backfill_runs where backfill = %s and status = 'succeeded')",
        (backfill,),
    ).fetchone()
    return bool(row and row[0])


def create_run(
    conn: psycopg.Connection, backfill: str, batch_size: int, sleep: float, started_by: str
) -> Run:
    with conn.cursor(row_factory=dict_row) as cur:
        row = cur.execute(
            f"""insert into ops.backfill_runs (backfill, batch_size, sleep_seconds, started_by)
                values (%s, %s, %s, %s) returning {RUN_COLUMNS}""",
            (backfill, batch_size, sleep, started_by),
        ).fetchone()
    run = _run(row)
    assert run is not None
    return run


def save_progress(conn: psycopg.Connection, run: Run, seconds: float) -> None:
    """The checkpoint: written in the batch's own transaction, so both commit or neither."""
    conn.execute(
        """update ops.backfill_runs
           set step = %s, cursor = %s, pass = %s,
               pass_started_xid = %s::text::xid8, pass_since_xid = %s::text::xid8,
               rows_total = %s, rows_done = %s, batches = %s, changes = %s, conflicts = %s,
               batch_size = %s, sleep_seconds = %s, status = %s,
               seconds_running = seconds_running + %s, updated_at = now()
           where id = %s""",
        (
            run.step,
            json.dumps(run.cursor) if run.cursor is not None else None,
            run.pass_,
            run.pass_started_xid,
            run.pass_since_xid,
            run.rows_total,
            run.rows_done,
            run.batches,
            json.dumps(run.changes),
            run.conflicts,
            run.batch_size,
            run.sleep_seconds,
            run.status,
            seconds,
            run.id,
        ),
    )


def finish(conn: psycopg.Connection, run: Run, status: str, error: str | None = None) -> None:
    run.status = status
    run.last_error = error
    conn.execute(
        """update ops.backfill_runs
           set status = %s, last_error = coalesce(%s, last_error), updated_at = now(),
               finished_at = case when %s = 'succeeded' then now() end
           where id = %s""",
        (status, error, status, run.id),
    )


def snapshot_xmin(conn: psycopg.Connection) -> int:
    row = conn.execute("select pg_snapshot_xmin(pg_current_snapshot())::text::bigint").fetchone()
    assert row is not None
    return int(row[0])


def resolve_unseen(conn: psycopg.Connection, backfill: str, run_id: int) -> int:
    """After a complete run: open conflicts it did not meet again are fixed."""
    cursor = conn.execute(
        """update ops.backfill_conflicts
           set resolved_at = now(), resolution = 'fixed'
           where backfill = %s and resolved_at is null and last_run_id is distinct from %s""",
        (backfill, run_id),
    )
    return max(cursor.rowcount, 0)


def run_conflicts(conn: psycopg.Connection, backfill: str, run_id: int) -> int:
    row = conn.execute(
        """select count(*) from ops.backfill_conflicts
           where backfill = %s and last_run_id = %s and resolved_at is null""",
        (backfill, run_id),
    ).fetchone()
    return int(row[0]) if row else 0


def store_report(
    conn: psycopg.Connection,
    run_id: int,
    phase: str,
    integrity: dict[str, Any] | None,
    counts: dict[str, int],
    difference: dict[str, Any] | None,
) -> None:
    conn.execute(
        """insert into ops.backfill_reports (run_id, phase, integrity, counts, difference)
           values (%s, %s, %s, %s, %s)""",
        (
            run_id,
            phase,
            json.dumps(integrity, default=str) if integrity is not None else None,
            json.dumps(counts),
            json.dumps(difference) if difference is not None else None,
        ),
    )


def stored_report(conn: psycopg.Connection, run_id: int, phase: str) -> dict[str, Any] | None:
    with conn.cursor(row_factory=dict_row) as cur:
        return cur.execute(
            """select phase, taken_at, integrity, counts, difference from ops.backfill_reports
               where run_id = %s and phase = %s order by id desc limit 1""",
            (run_id, phase),
        ).fetchone()


def conflicts(
    conn: psycopg.Connection, backfill: str, include_resolved: bool = False, kind: str | None = None
) -> list[ConflictRow]:
    if not ledger_exists(conn):
        return []
    with conn.cursor(row_factory=dict_row) as cur:
        rows = cur.execute(
            """select id, backfill, kind, row_key, reason, payload, first_seen_at, last_seen_at,
                      resolved_at, resolution, resolution_note
               from ops.backfill_conflicts
               where backfill = %s and (%s or resolved_at is null) and (%s::text is null or kind = %s)
               order by kind, row_key""",
            (backfill, include_resolved, kind, kind),
        ).fetchall()
    return [ConflictRow(**row) for row in rows]


def accept(conn: psycopg.Connection, backfill: str, conflict_id: int, note: str) -> ConflictRow:
    with conn.cursor(row_factory=dict_row) as cur:
        row = cur.execute(
            """update ops.backfill_conflicts
               set resolved_at = now(), resolution = 'accepted', resolution_note = %s
               where backfill = %s and id = %s and resolved_at is null
               returning id, backfill, kind, row_key, reason, payload, first_seen_at, last_seen_at,
                         resolved_at, resolution, resolution_note""",
            (note, backfill, conflict_id),
        ).fetchone()
    if row is None:
        raise SessionkitError(f"no open conflict {conflict_id} of {backfill}")
    return ConflictRow(**row)
