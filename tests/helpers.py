"""Small shared helpers of the toolkit tests (temporary databases and projects)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg

from sessionkit.config import Project, Target
from sessionkit.db.admin import create_database, drop_database
from sessionkit.testing.parallel import run_parallel

__all__ = ["copy_project", "run_parallel", "scalar", "sessionkit", "temporary_database"]

PROJECT_PARTS = (
    "pyproject.toml",
    ".squawk.toml",
    "migrations",
    "functions",
    "triggers",
    "policies",
    "seeds",
    "supabase",
)


@contextmanager
def temporary_database(server_url: str, prefix: str = "sk_test") -> Iterator[Target]:
    """A fresh, empty database on the local stack's server, dropped afterwards (a local target:
    a push installs the compatibility layer there, as on the local stack)."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    url = create_database(server_url, name)
    try:
        yield Target(url=url, is_local=True)
    finally:
        drop_database(server_url, name)


def copy_project(source: Project, dest: Path) -> Project:
    """A throwaway copy of the project's SQL sources and supabase/ folder."""
    for part in PROJECT_PARTS:
        src = source.root / part
        if src.is_dir():
            shutil.copytree(src, dest / part)
        elif src.is_file():
            shutil.copy2(src, dest / part)
    (dest / "node_modules").symlink_to(source.root / "node_modules")
    return Project(dest)


def sessionkit(project: Project, *args: str, timeout: int = 120) -> subprocess.CompletedProcess[str]:
    """The CLI in a subprocess, as a user runs it (stdout and stderr captured)."""
    return subprocess.run(
        [sys.executable, "-c", "from sessionkit.cli import main; main()", *args],
        cwd=project.root,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def scalar(conn: psycopg.Connection, sql: str, params: tuple[Any, ...] = ()) -> Any:
    """The first column of the first row (which must exist)."""
    row = conn.execute(sql, params).fetchone()
    assert row is not None
    return row[0]
