"""Benchmark harness: a scenario measures its operation and a baseline on a throwaway database.

Benchmarks report speed, they are not timed tests: each scenario prints the time of the
product's operation, the time of a plain-SQL baseline doing comparable work (e.g. an
INSERT … SELECT of the same rows) measured in the same run on the same data, and the
ratio between them. Tests run every scenario at a tiny scale to check it still works.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import psycopg

from sessionkit import stack
from sessionkit.config import Project, Target
from sessionkit.db.admin import create_database, drop_database
from sessionkit.db.connect import connect


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


def timed(conn: psycopg.Connection, label: str, sql: str, params: object = None) -> Measurement:
    """Run one statement in its own transaction and time it; rows = rows affected/returned."""
    start = time.perf_counter()
    with conn.transaction():
        cursor = conn.execute(sql, params)  # type: ignore[arg-type]
        rows = cursor.rowcount if cursor.rowcount >= 0 else 0
    return Measurement(label, time.perf_counter() - start, rows)


@contextmanager
def bench_database(project: Project, server_url: str) -> Iterator[psycopg.Connection]:
    """A fresh database with every migration applied, dropped afterwards."""
    name = f"sk_bench_{uuid.uuid4().hex[:8]}"
    url = create_database(server_url, name)
    try:
        stack.push_target(project, Target(url=url, is_local=False))
        with connect(url) as conn:
            yield conn
    finally:
        drop_database(server_url, name)
