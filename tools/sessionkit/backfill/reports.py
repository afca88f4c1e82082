"""Pre/post reports of a backfill: `integrity_report()` plus the backfill's own counts.

`public.integrity_report()` arrives with the functions, which a legacy database gets only once
`db push` is past its first refusing guard; until then the integrity part is absent (None) and
the report says so, the backfill's own counts are always there.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import psycopg

from sessionkit.audit.report import IntegrityReport
from sessionkit.audit.report import integrity_report as read_integrity_report
from sessionkit.backfill.base import Backfill, Check


@dataclass(frozen=True)
class Report:
    phase: str
    integrity: dict[str, Any] | None
    counts: dict[str, int]
    difference: dict[str, Any] | None = None

    @property
    def violations(self) -> dict[str, int] | None:
        if self.integrity is None:
            return None
        return {i.name: i.violations for i in IntegrityReport(self.integrity).invariants}


@dataclass(frozen=True)
class CheckResult:
    check: Check
    count: int

    @property
    def passed(self) -> bool:
        return self.count == 0


@dataclass(frozen=True)
class Verification:
    results: list[CheckResult] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return all(r.passed for r in self.results)


def integrity_available(conn: psycopg.Connection) -> bool:
    row = conn.execute("select to_regprocedure('public.integrity_report(uuid)') is not null").fetchone()
    return bool(row and row[0])


def take(conn: psycopg.Connection, backfill: Backfill, phase: str) -> Report:
    integrity = read_integrity_report(conn).raw if integrity_available(conn) else None
    return Report(phase, integrity, backfill.counts(conn))


def difference(pre: Report, post: Report) -> dict[str, Any]:
    """post minus pre, for every count and invariant that moved."""
    counts = {k: post.counts.get(k, 0) - pre.counts.get(k, 0) for k in post.counts | pre.counts}
    moved: dict[str, Any] = {"counts": {k: v for k, v in counts.items() if v}}
    before, after = pre.violations, post.violations
    if before is not None and after is not None:
        deltas = {k: after.get(k, 0) - before.get(k, 0) for k in after | before}
        moved["integrity"] = {k: v for k, v in deltas.items() if v}
    return moved


def with_difference(pre: Report, post: Report) -> Report:
    return Report(post.phase, post.integrity, post.counts, difference(pre, post))


def verify(conn: psycopg.Connection, backfill: Backfill) -> Verification:
    results = []
    for check in backfill.active_checks(conn):
        row = conn.execute(check.sql, {}).fetchone()
        results.append(CheckResult(check, int(row[0]) if row and row[0] is not None else 0))
    return Verification(results)
