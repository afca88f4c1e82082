"""EXPLAIN (ANALYZE, BUFFERS) of every statement a hot call runs, saved under docs/performance/.

An RPC is one `select public.f(…)` to EXPLAIN; what matters is the statements inside it. So the
call runs once with auto_explain loaded in the session (log_nested_statements, log_analyze,
log_buffers, every duration) and its level set to NOTICE: each nested statement's plan comes
back to the client as a notice. The call's transaction is rolled back, so capturing changes no
data. A sequential scan of a large table in those plans is reported as a failed check.

A statement that runs once per row (a foreign key check of each of 100,000 inserted rows, a
row trigger's query) is kept once: the plan of its first run, with how often it ran and its
time in all (the 100,000 plans themselves would fill hundreds of megabytes).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg

from sessionkit.testing.acting import Role, become

AUTO_EXPLAIN = (
    "load 'auto_explain'",
    "set auto_explain.log_min_duration = 0",
    "set auto_explain.log_analyze = on",
    "set auto_explain.log_buffers = on",
    "set auto_explain.log_nested_statements = on",
    "set auto_explain.log_format = text",
    "set auto_explain.log_level = notice",
    "set client_min_messages = notice",
)
SEQ_SCAN = re.compile(r"(?:Parallel )?Seq Scan on (\w+)")
DURATION = re.compile(r"^duration: ([0-9.]+) ms")
LARGE_TABLE_ROWS = 10_000


@dataclass
class Statement:
    """One statement's plans in a call: the first run's plan, how often it ran, its time in all."""

    plan: str
    runs: int = 1
    total_ms: float = 0.0
    scanned: set[str] = field(default_factory=set)

    def text(self) -> str:
        if self.runs == 1:
            return self.plan
        ran = f"-- ran {self.runs:,} times in this call, {self.total_ms:,.1f} ms in all; its first run:"
        return f"{ran}\n{self.plan}"


def statement_key(plan: str) -> str:
    """What identifies a statement in auto_explain's text: its query, i.e. the notice up to the
    first plan node (the first line with a cost), without the duration line."""
    lines = plan.splitlines()[1:]
    first_node = next((i for i, line in enumerate(lines) if "(cost=" in line), len(lines))
    return "\n".join(lines[:first_node])


def duration_ms(plan: str) -> float:
    found = DURATION.match(plan)
    return float(found.group(1)) if found else 0.0


@dataclass(frozen=True)
class Plans:
    name: str
    call: str
    plans: tuple[str, ...]
    large_seq_scans: tuple[str, ...]

    def text(self) -> str:
        header = f"-- {self.name}: EXPLAIN (ANALYZE, BUFFERS) of every statement run by\n--   {self.call}\n"
        return header + "\n\n".join(self.plans) + "\n"


def capture(
    conn: psycopg.Connection,
    name: str,
    call: str,
    params: Sequence[Any] | Mapping[str, Any] | None = None,
    user_id: str | None = None,
    role: Role | None = None,
) -> Plans:
    """Run `call` once as `user_id`/`role` under auto_explain, roll it back, return the plans."""
    statements: dict[str, Statement] = {}
    last: list[str] = []

    def collect(diag: psycopg.errors.Diagnostic) -> None:
        plan = diag.message_primary
        if not plan or "plan:" not in plan:
            return
        key = statement_key(plan)
        seen = statements.get(key)
        scanned = {m.group(1) for m in SEQ_SCAN.finditer(plan)}
        if seen is None:
            statements[key] = Statement(plan, total_ms=duration_ms(plan), scanned=scanned)
        else:
            seen.runs += 1
            seen.total_ms += duration_ms(plan)
            seen.scanned |= scanned
        last[:] = [key]

    for statement in AUTO_EXPLAIN:
        conn.execute(statement)
    conn.add_notice_handler(collect)
    try:
        with conn.transaction(force_rollback=True):
            if user_id or role:
                become(conn, user_id=user_id, role=role)
            conn.execute(call, params)
    finally:
        conn.remove_notice_handler(collect)
        conn.execute("set auto_explain.log_min_duration = -1")
        conn.execute("reset client_min_messages")
    # the outermost statement (the call itself) is logged last and only repeats the call
    if last and len(statements) > 1 and statements[last[0]].runs == 1:
        del statements[last[0]]
    plans = tuple(s.text() for s in statements.values())
    scanned = sorted({table for s in statements.values() for table in s.scanned})
    return Plans(name, call, plans, large_seq_scans(conn, scanned))


def large_seq_scans(conn: psycopg.Connection, scanned: Sequence[str]) -> tuple[str, ...]:
    """The tables of at least LARGE_TABLE_ROWS rows among those the plans read sequentially."""
    if not scanned:
        return ()
    rows = conn.execute(
        "select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace"
        " where n.nspname = 'public' and c.relname = any(%s) and c.reltuples >= %s order by 1",
        (list(scanned), LARGE_TABLE_ROWS),
    ).fetchall()
    return tuple(str(r[0]) for r in rows)


def save(plans: Plans, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{plans.name}.txt"
    path.write_text(plans.text())
    return path
