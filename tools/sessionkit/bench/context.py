"""Where scenarios run: throwaway databases on the bench server, built once and cloned per run.

Every scenario arranges its data once in a migrated database (its *fixture*), then measures the
operation and each floor on its own clone of it (`create database … template … strategy
file_copy`), so every measurement starts from the same rows, the same indexes and the same
statistics. Read-only scenarios measure on the fixture itself. Everything created is dropped
when the run ends.
"""

from __future__ import annotations

import os
import platform
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

import psycopg
from psycopg import sql

from sessionkit import stack
from sessionkit.bench.floors import PgBench
from sessionkit.config import Project, Target, with_database
from sessionkit.db.admin import MAINTENANCE_DATABASE, create_database, drop_database
from sessionkit.db.connect import connect
from sessionkit.errors import SessionkitError
from sessionkit.testing.install import install_test_helpers

PREFIX = "sk_bench"
CLONE_ATTEMPTS = 5


@dataclass(frozen=True)
class ServerFacts:
    """What the figures depend on, printed with them."""

    version: str
    fsync: str
    synchronous_commit: str
    full_page_writes: str
    shared_buffers: str
    cpu: str
    cores: int
    load: float = 0.0

    @property
    def durable(self) -> bool:
        return self.fsync == "on" and self.synchronous_commit != "off"

    @classmethod
    def read(cls, url: str) -> ServerFacts:
        with connect(url) as conn:
            row = conn.execute(
                "select current_setting('server_version'), current_setting('fsync'),"
                " current_setting('synchronous_commit'), current_setting('full_page_writes'),"
                " current_setting('shared_buffers')"
            ).fetchone()
        assert row is not None
        version, fsync, synchronous_commit, full_page_writes, shared_buffers = (str(v) for v in row)
        return cls(
            version,
            fsync,
            synchronous_commit,
            full_page_writes,
            shared_buffers,
            cpu_model(),
            os.cpu_count() or 1,
            os.getloadavg()[0],  # the machine's load: figures on a shared machine vary with it
        )


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def bench_sql() -> str:
    """The bench-only helpers (schema `bench`: data generators), installed in bench databases."""
    return files("sessionkit.bench").joinpath("bench.sql").read_text()


class BenchContext:
    """The databases of one `sessionkit bench` invocation (dropped by close())."""

    def __init__(
        self, project: Project, server_url: str, runs: int, plans_dir: Path | None, pgbench_seconds: int = 5
    ) -> None:
        self.project = project
        self.server_url = server_url
        self.runs = runs
        self.plans_dir = plans_dir
        self.pgbench_seconds = pgbench_seconds
        self._fixtures: dict[str, str] = {}
        self._pgbench: PgBench | None = None
        self._base: str | None = None
        self._cleanup = ExitStack()

    def close(self) -> None:
        self._cleanup.close()

    def url(self, name: str) -> str:
        return with_database(self.server_url, name)

    def new_database(self, label: str) -> str:
        """An empty database on the bench server, dropped at the end; returns its URL."""
        name = f"{PREFIX}_{label}_{uuid.uuid4().hex[:6]}".replace("-", "_")
        url = create_database(self.server_url, name)
        self._cleanup.callback(drop_database, self.server_url, name)
        return url

    def migrated(self, label: str) -> str:
        """A fresh database with every migration, the test fixtures and the bench helpers: a
        clone of one migrated database built at the first call."""
        if self._base is None:
            self._base = self.new_database("base")
            stack.push_target(self.project, Target(url=self._base, is_local=True))
            with connect(self._base) as conn:
                install_test_helpers(conn, self.project)
                with conn.transaction():
                    conn.execute(bench_sql())
        return self._copy(self._base, label)

    def fixture(self, key: str, arrange: Callable[[psycopg.Connection], None]) -> str:
        """The migrated database `arrange` filled (once per key and invocation), vacuumed and
        analyzed like a database that has been running for a while."""
        if key not in self._fixtures:
            url = self.migrated(key.split(":")[0])
            with connect(url) as conn:
                arrange(conn)
                conn.execute("vacuum (analyze)")
            self._fixtures[key] = url
        return self._fixtures[key]

    def pgbench(self) -> PgBench:
        """pgbench, initialised once per invocation in a database of its own."""
        if self._pgbench is None:
            self._pgbench = PgBench(self.new_database("pgbench"))
        return self._pgbench

    def _copy(self, source_url: str, label: str) -> str:
        """A file-level copy of a database (no one may be connected to it), dropped at the end."""
        source = source_url.partition("?")[0].rsplit("/", 1)[1]
        name = f"{PREFIX}_{label}_{uuid.uuid4().hex[:6]}".replace("-", "_")
        with connect(with_database(self.server_url, MAINTENANCE_DATABASE)) as admin:
            for attempt in range(CLONE_ATTEMPTS):
                # an autovacuum worker may still be connected to it
                admin.execute(
                    "select pg_terminate_backend(pid) from pg_stat_activity"
                    " where datname = %s and pid <> pg_backend_pid()",
                    (source,),
                )
                try:
                    admin.execute(
                        sql.SQL("create database {} template {} strategy file_copy").format(
                            sql.Identifier(name), sql.Identifier(source)
                        )
                    )
                    break
                except psycopg.errors.ObjectInUse as exc:
                    if attempt == CLONE_ATTEMPTS - 1:
                        raise SessionkitError(f"cannot copy {source}: {exc}") from exc
                    time.sleep(0.2 * (attempt + 1))
        self._cleanup.callback(drop_database, self.server_url, name)
        return with_database(self.server_url, name)

    @contextmanager
    def clone(self, fixture_url: str) -> Iterator[str]:
        """A copy of a fixture database for one measurement, dropped right afterwards."""
        url = self._copy(fixture_url, "run")
        try:
            yield url
        finally:
            drop_database(self.server_url, url.partition("?")[0].rsplit("/", 1)[1])
