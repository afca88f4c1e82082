"""Guarded contract migrations: find their guards and evaluate them without changing anything.

Convention: a contract migration that needs a backfill first starts with a guard, a DO block
(`do $guard$ … $guard$`) that checks the data and raises BACKFILL_REQUIRED (SQLSTATE PT422,
detail naming the `sessionkit backfill` command) when it is not ready. Any DO block that can
raise BACKFILL_REQUIRED counts as a guard, so the guard of 20261124020200 (written before the
convention, through private.raise_error) is evaluated too.

A guard is evaluated in a transaction that is always rolled back, with short lock and statement
timeouts. On a legacy database private.raise_error does not exist yet (the functions arrive
with the generated sync migration, after every migration); the evaluation then defines it from
functions/private/raise_error.sql inside that rolled-back transaction, so the guard reports its
real verdict instead of "function does not exist".
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import psycopg

from sessionkit.migrate.files import MigrationFile

GUARD_CODE = "BACKFILL_REQUIRED"
RAISE_ERROR_SOURCE = Path("private") / "raise_error.sql"


@dataclass(frozen=True)
class Verdict:
    migration: MigrationFile
    state: str  # passes | refuses | unknown
    detail: str = ""

    @property
    def refuses(self) -> bool:
        return self.state == "refuses"

    def describe(self) -> str:
        name = self.migration.path.name
        if self.state == "passes":
            return f"{name}: guard passes"
        if self.state == "refuses":
            return f"{name}: would refuse: {GUARD_CODE}: {self.detail}"
        return f"{name}: cannot be evaluated before the migrations ahead of it are applied ({self.detail})"


def guards(migration: MigrationFile) -> list[str]:
    """The migration's guard blocks, in order."""
    return [
        s for s in migration.statements if _strip_comments(s).lower().startswith("do") and GUARD_CODE in s
    ]


def _strip_comments(statement: str) -> str:
    lines = [line for line in statement.splitlines() if not line.lstrip().startswith("--")]
    return "\n".join(lines).lstrip()


def evaluate(
    conn: psycopg.Connection, migration: MigrationFile, functions_dir: Path | None
) -> Verdict | None:
    """Run the migration's guards and roll back; None when it has none."""
    blocks = guards(migration)
    if not blocks:
        return None
    try:
        with conn.transaction(force_rollback=True):
            conn.execute("set local lock_timeout = '2s'")
            conn.execute("set local statement_timeout = '120s'")
            _ensure_raise_error(conn, functions_dir)
            for block in blocks:
                conn.execute(block)
    except psycopg.Error as exc:
        diag = exc.diag
        if diag.message_primary == GUARD_CODE:
            return Verdict(migration, "refuses", diag.message_detail or "")
        message = (diag.message_primary or str(exc)).strip().splitlines()[0]
        return Verdict(migration, "unknown", f"{exc.sqlstate}: {message}")
    return Verdict(migration, "passes")


def _ensure_raise_error(conn: psycopg.Connection, functions_dir: Path | None) -> None:
    row = conn.execute("select to_regprocedure('private.raise_error(text, text, text)') is null").fetchone()
    missing = bool(row and row[0])
    source = functions_dir / RAISE_ERROR_SOURCE if functions_dir else None
    if missing and source is not None and source.is_file():
        conn.execute(source.read_text())
