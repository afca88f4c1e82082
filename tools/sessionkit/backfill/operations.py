"""What the `backfill` commands other than run do, as a library: plan, status, verify, conflicts."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg

from sessionkit.backfill import ledger, reports, triggers
from sessionkit.backfill.base import Backfill, open_conflicts
from sessionkit.backfill.ledger import ConflictRow, Run
from sessionkit.backfill.registry import backfills
from sessionkit.backfill.reports import Report, Verification
from sessionkit.backfill.runner import lock_key
from sessionkit.backfill.triggers import Triggers
from sessionkit.errors import SessionkitError


def is_running(conn: psycopg.Connection, name: str) -> bool:
    """Some session holds the backfill's runner lock right now."""
    row = conn.execute(
        """select exists (select 1 from pg_locks l
                          where l.locktype = 'advisory' and l.granted
                            and (l.classid::bigint << 32) | l.objid::bigint = hashtextextended(%s, 0))""",
        (lock_key(name),),
    ).fetchone()
    return bool(row and row[0])


@dataclass(frozen=True)
class StepPlan:
    name: str
    title: str
    pending: int
    batches: int


@dataclass(frozen=True)
class Plan:
    backfill: Backfill
    dependencies: list[tuple[str, bool]]  # (name, succeeded once)
    steps: list[StepPlan]
    report: Report
    preview: list[tuple[str, int]]
    unfinished: Run | None
    triggers: Triggers

    @property
    def runs_now(self) -> bool:
        """Written for the triggers present (else `run` refuses: push first)."""
        return self.triggers.generation in self.backfill.meets

    def as_json(self) -> dict[str, Any]:
        return {
            "backfill": self.backfill.name,
            "runs": triggers.when(self.backfill.meets),
            "triggers": self.triggers.generation,
            "runs_now": self.runs_now,
            "order": triggers.ORDER,
            "dependencies": [{"name": n, "done": done} for n, done in self.dependencies],
            "steps": [s.__dict__ for s in self.steps],
            "pre_report": {"integrity": self.report.integrity, "counts": self.report.counts},
            "would_change": [{"what": what, "rows": n} for what, n in self.preview],
            "unfinished_run": self.unfinished.as_json() if self.unfinished else None,
        }


def plan(conn: psycopg.Connection, backfill: Backfill, bundle_dir: Path, batch_size: int) -> Plan:
    with ledger.read_view(conn, bundle_dir):
        params: dict[str, object] = {}
        steps = []
        for step in backfill.steps:
            if not step.applies(conn):
                continue
            step.prepare(conn, params)
            row = conn.execute(step.count_query(), params).fetchone()
            pending = int(row[0]) if row else 0
            steps.append(StepPlan(step.name, step.title, pending, math.ceil(pending / batch_size)))
        report = reports.take(conn, backfill, "pre")
        preview = backfill.preview(conn)
    latest = ledger.latest_run(conn, backfill.name)
    return Plan(
        backfill,
        [(d, ledger.succeeded_once(conn, d)) for d in backfill.depends_on],
        steps,
        report,
        preview,
        latest if latest and not latest.finished else None,
        triggers.present(conn, bundle_dir),
    )


@dataclass(frozen=True)
class Status:
    backfill: Backfill
    run: Run | None
    running: bool
    open_conflicts: int

    @property
    def state(self) -> str:
        if self.run is None:
            return "never run"
        if self.run.status == "running" and not self.running:
            return "interrupted (runner gone)"
        return self.run.status

    def as_json(self) -> dict[str, Any]:
        return {
            "backfill": self.backfill.name,
            "state": self.state,
            "open_conflicts": self.open_conflicts,
            "run": self.run.as_json() if self.run else None,
        }


def status(conn: psycopg.Connection) -> list[Status]:
    return [
        Status(b, ledger.latest_run(conn, b.name), is_running(conn, b.name), open_conflicts(conn, b.name))
        for b in backfills()
    ]


def verify(conn: psycopg.Connection, backfill: Backfill, bundle_dir: Path) -> tuple[Verification, Report]:
    """The verify checks and a fresh report, stored (phase verify) on the latest run if any."""
    with ledger.read_view(conn, bundle_dir):
        verification = reports.verify(conn, backfill)
        report = reports.take(conn, backfill, "verify")
    latest = ledger.latest_run(conn, backfill.name)
    if latest is not None:
        counts = report.counts | {f"check_{r.check.name}": r.count for r in verification.results}
        ledger.store_report(conn, latest.id, "verify", report.integrity, counts, None)
    return verification, report


def conflicts(
    conn: psycopg.Connection, backfill: Backfill, include_resolved: bool = False, kind: str | None = None
) -> list[ConflictRow]:
    if kind is not None and kind not in {k.name for k in backfill.conflict_kinds}:
        raise SessionkitError(
            f"{backfill.name} has no conflict kind {kind!r}; it logs "
            + ", ".join(k.name for k in backfill.conflict_kinds)
        )
    return ledger.conflicts(conn, backfill.name, include_resolved, kind)


def accept(conn: psycopg.Connection, backfill: Backfill, conflict_id: int, note: str) -> ConflictRow:
    """An operator accepts the data as it is; only for kinds where that is a valid answer."""
    if not note.strip():
        raise SessionkitError("--note is required: say why the data is right as it is")
    found = [c for c in ledger.conflicts(conn, backfill.name) if c.id == conflict_id]
    if not found:
        raise SessionkitError(f"no open conflict {conflict_id} of {backfill.name}")
    kind = backfill.kind(found[0].kind)
    if not kind.acceptable:
        raise SessionkitError(f"{kind.name} conflicts cannot be accepted, only fixed: {kind.resolution}")
    return ledger.accept(conn, backfill.name, conflict_id, note.strip())
