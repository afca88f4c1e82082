"""EXPLAIN (ANALYZE, BUFFERS) of every statement a hot call runs, saved under docs/performance/.

An RPC is one `select public.f(…)` to EXPLAIN; what matters is the statements inside it. So the
call runs once with auto_explain loaded in the session (log_nested_statements, log_analyze,
log_buffers, every duration) and its level set to NOTICE: each nested statement's plan comes
back to the client as a notice. The call's transaction is rolled back, so capturing changes no
data. A sequential scan of a large table in those plans is reported as a failed check.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
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
LARGE_TABLE_ROWS = 10_000


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
    notices: list[str] = []

    def collect(diag: psycopg.errors.Diagnostic) -> None:
        if diag.message_primary and "plan:" in diag.message_primary:
            notices.append(diag.message_primary)

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
    plans = tuple(notices[:-1] or notices)
    return Plans(name, call, plans, large_seq_scans(conn, plans))


def large_seq_scans(conn: psycopg.Connection, plans: Sequence[str]) -> tuple[str, ...]:
    """Tables of at least LARGE_TABLE_ROWS rows that one of the plans reads sequentially."""
    scanned = sorted({m.group(1) for plan in plans for m in SEQ_SCAN.finditer(plan)})
    if not scanned:
        return ()
    rows = conn.execute(
        "select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace"
        " where n.nspname = 'public' and c.relname = any(%s) and c.reltuples >= %s order by 1",
        (scanned, LARGE_TABLE_ROWS),
    ).fetchall()
    return tuple(str(r[0]) for r in rows)


def save(plans: Plans, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{plans.name}.txt"
    path.write_text(plans.text())
    return path
