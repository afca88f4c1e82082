"""Small pieces every scenario uses: timing a request as PostgREST would send it, running a
measurement once per run on a fresh clone, and saving the plans of a hot call."""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from typing import Any

import psycopg

from sessionkit.bench import explain
from sessionkit.bench.context import BenchContext
from sessionkit.bench.model import Check, Result
from sessionkit.db.connect import connect
from sessionkit.testing.acting import Role, become

Params = Sequence[Any] | Mapping[str, Any] | None


def timed_call(
    conn: psycopg.Connection,
    call: str,
    params: Params = None,
    user_id: str | None = None,
    role: Role | None = None,
) -> float:
    """Seconds of one request: a transaction as the user/role, the call, its rows, the commit."""
    start = time.perf_counter()
    with conn.transaction():
        if user_id or role:
            become(conn, user_id=user_id, role=role)
        conn.execute(call, params).fetchall()
    return time.perf_counter() - start


def settle(url: str) -> None:
    """Flush what arranging left dirty, so no measurement pays for the previous step's writes."""
    with connect(url) as conn:
        conn.execute("checkpoint")


def save_plans(
    ctx: BenchContext,
    result: Result,
    url: str,
    name: str,
    call: str,
    params: Params = None,
    user_id: str | None = None,
    role: Role | None = None,
    hot: bool = True,
    expected_scans: tuple[str, ...] = (),
) -> None:
    """Capture the call's plans (rolled back) into docs/performance/plans/<name>.txt when the
    run saves plans; a hot call must not scan a large table sequentially, except the tables a
    batch reads whole by design (`expected_scans`, named in the check)."""
    if ctx.plans_dir is None:
        return
    with connect(url) as conn:
        try:
            plans = explain.capture(conn, name, call, params, user_id=user_id, role=role)
        except psycopg.errors.InsufficientPrivilege:
            result.notes.append(f"{name}: plans not captured (auto_explain needs a superuser)")
            return
    path = explain.save(plans, ctx.plans_dir)
    result.plans.append(str(path))
    if hot:
        unexpected = [t for t in plans.large_seq_scans if t not in expected_scans]
        label = f"{name}: sequential scans of large tables"
        if expected_scans:
            label += f" (besides {', '.join(expected_scans)}, read whole by design)"
        result.checks.append(Check(label, ", ".join(unexpected) or "none", not unexpected))
