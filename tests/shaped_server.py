"""A second Postgres server shaped like a Supabase project (tests/supabase_shaped.sql).

Its bootstrap superuser is supabase_admin and `postgres` is an ordinary role, as on Supabase,
so anything sessionkit would do that needs a superuser fails here. It runs beside the local
stack on port SESSIONKIT_DB_PORT + 1, preloads pg_cron (available, not enabled), and is
created fresh and removed by the fixture that uses it.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sessionkit.config import Project, local_port, with_database
from sessionkit.db.admin import MAINTENANCE_DATABASE
from sessionkit.db.cluster import as_cluster_owner, pg_bindir
from sessionkit.db.connect import connect

SUPERUSER = "supabase_admin"
SETUP_SQL = Path(__file__).with_name("supabase_shaped.sql")


@dataclass(frozen=True)
class ShapedServer:
    port: int

    def url(self, database: str = "postgres", user: str = "postgres") -> str:
        return f"postgresql://{user}:postgres@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str) -> str:
        """A new database (owned by supabase_admin, as on Supabase) set up like a project; its URL
        for `postgres`."""
        admin = self.url(MAINTENANCE_DATABASE, SUPERUSER)
        with connect(admin) as conn:
            conn.execute(f'create database "{name}"')
        with connect(with_database(admin, name)) as conn:
            conn.execute(SETUP_SQL.read_text())
        return self.url(name)


@contextmanager
def shaped_server(project: Project) -> Iterator[ShapedServer]:
    base = project.state_dir / "supabase-shaped"
    data = base / "pgdata"
    server = ShapedServer(port=local_port() + 1)
    _stop(data)
    shutil.rmtree(base, ignore_errors=True)
    _run(["mkdir", "-p", str(base / "run")])
    bindir = pg_bindir()
    _run([str(bindir / "initdb"), "-D", str(data), "-U", SUPERUSER, "--auth=trust", "-N", "-E", "UTF8"])
    options = " ".join(
        f"-c {setting}"
        for setting in (
            "listen_addresses=127.0.0.1",
            f"port={server.port}",
            f"unix_socket_directories={base / 'run'}",
            "shared_preload_libraries=pg_cron",
            "cron.database_name=postgres",
            "max_connections=40",
            "fsync=off",
            "synchronous_commit=off",
            "full_page_writes=off",
        )
    )
    log = base / "postgres.log"
    _run([str(bindir / "pg_ctl"), "start", "-w", "-t", "60", "-D", str(data), "-l", str(log), "-o", options])
    try:
        with connect(server.url("postgres", SUPERUSER)) as conn:
            conn.execute(SETUP_SQL.read_text())
        yield server
    finally:
        _stop(data)
        shutil.rmtree(base, ignore_errors=True)


def _stop(data: Path) -> None:
    if (data / "postmaster.pid").is_file():
        pg_ctl = str(pg_bindir() / "pg_ctl")
        subprocess.run(
            as_cluster_owner([pg_ctl, "stop", "-m", "immediate", "-w", "-D", str(data)]), capture_output=True
        )


def _run(args: list[str]) -> None:
    result = subprocess.run(as_cluster_owner(args), capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"{Path(args[0]).name} failed: {(result.stderr or result.stdout).strip()}")
