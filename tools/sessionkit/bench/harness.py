"""Benchmark harness: a scenario measures its operation and a baseline on a throwaway database.

Benchmarks report speed, they are not timed tests: each scenario prints the time of the
product's operation, the time of a plain-SQL baseline doing comparable work (e.g. an
INSERT … SELECT of the same rows) measured in the same run on the same data, and the
ratio between them. Tests run every scenario at a tiny scale to check it still works.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import psycopg

from sessionkit import stack
from sessionkit.config import Project, Target
from sessionkit.db.admin import create_database, drop_database
from sessionkit.db.connect import connect
from sessionkit.testing.acting import Role, become
from sessionkit.testing.install import install_test_helpers


@dataclass(frozen=True)
class Measurement:
    label: str
    seconds: float
    rows: int

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds > 0 else float("inf")


@dataclass(frozen=True)
class Result:
    scenario: str
    operation: Measurement
    baseline: Measurement
    notes: str = ""

    @property
    def ratio(self) -> float:
        """How many times slower than the baseline the operation is."""
        return self.operation.seconds / self.baseline.seconds if self.baseline.seconds > 0 else float("inf")


@dataclass(frozen=True)
class Scenario:
    name: str
    description: str
    default_scale: int
    run: Callable[[psycopg.Connection, int], Result]


def timed(
    conn: psycopg.Connection,
    label: str,
    sql: str,
    params: Sequence[Any] | Mapping[str, Any] | None = None,
    role: Role | None = None,
) -> Measurement:
    """Run one statement in its own transaction (as `role` if given, the way PostgREST sets it)
    and time it, commit included; rows = rows affected/returned."""
    with conn.transaction():
        if role:
            become(conn, role=role)
        start = time.perf_counter()
        cursor = conn.execute(sql, params)
        rows = cursor.rowcount if cursor.rowcount >= 0 else 0
    return Measurement(label, time.perf_counter() - start, rows)


@contextmanager
def bench_database(project: Project, server_url: str) -> Iterator[psycopg.Connection]:
    """A fresh database with every migration applied, dropped afterwards."""
    name = f"sk_bench_{uuid.uuid4().hex[:8]}"
    url = create_database(server_url, name)
    try:
        stack.push_target(project, Target(url=url, is_local=True))
        with connect(url) as conn:
            install_test_helpers(conn, project)  # scenarios arrange data with the test fixtures
            yield conn
    finally:
        drop_database(server_url, name)
