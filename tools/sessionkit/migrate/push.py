"""Apply bundle migrations and keep Supabase's ledger, exactly as `supabase db push` does.

Each pending migration runs in its own transaction, statement by statement, and is
recorded in supabase_migrations.schema_migrations (version, name, statements) in the
same transaction, so the Supabase CLI and sessionkit agree on what is applied. A
session-level advisory lock keeps two pushes from interleaving.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import psycopg

from sessionkit.errors import SessionkitError
from sessionkit.migrate import guards
from sessionkit.migrate.files import MigrationFile, list_migrations
from sessionkit.migrate.splitter import normalize

PUSH_LOCK_KEY = 7_436_201_125  # pg_advisory_lock key shared by every sessionkit push

LEDGER_DDL = (
    "create schema if not exists supabase_migrations",
    "create table if not exists supabase_migrations.schema_migrations (version text not null primary key)",
    "alter table supabase_migrations.schema_migrations add column if not exists statements text[]",
    "alter table supabase_migrations.schema_migrations add column if not exists name text",
)


class MigrationFailed(SessionkitError):
    """A migration raised: it was rolled back alone; earlier ones stay applied."""


class MigrationRefused(MigrationFailed):
    """A guarded contract migration's guard refused (BACKFILL_REQUIRED): nothing of it ran."""


class PushListener(Protocol):
    """Told what a push will apply (once, under the lock), then of each migration applied."""

    def planned(self, pending: list[MigrationFile]) -> None: ...

    def applied(self, migration: MigrationFile) -> None: ...


@dataclass(frozen=True)
class AppliedMigration:
    version: str
    name: str | None
    statements: list[str]


@dataclass(frozen=True)
class MigrationStatus:
    version: str
    name: str
    applied: bool
    in_bundle: bool


def ensure_ledger(conn: psycopg.Connection) -> None:
    with conn.transaction():
        for statement in LEDGER_DDL:
            conn.execute(statement)


def applied_migrations(conn: psycopg.Connection) -> dict[str, AppliedMigration]:
    exists = conn.execute(
        "select to_regclass('supabase_migrations.schema_migrations') is not null"
    ).fetchone()
    if not exists or not exists[0]:
        return {}
    rows = conn.execute(
        "select version, name, coalesce(statements, '{}') from supabase_migrations.schema_migrations"
    ).fetchall()
    return {v: AppliedMigration(v, name, list(stmts)) for v, name, stmts in rows}


def status(conn: psycopg.Connection, bundle_dir: Path) -> list[MigrationStatus]:
    """Applied and pending migrations, oldest first (database-only ones included)."""
    applied = applied_migrations(conn)
    files = {m.version: m for m in list_migrations(bundle_dir)}
    versions = sorted(set(applied) | set(files))
    return [
        MigrationStatus(
            version=v,
            name=files[v].name if v in files else (applied[v].name or "?"),
            applied=v in applied,
            in_bundle=v in files,
        )
        for v in versions
    ]


def plan(conn: psycopg.Connection, bundle_dir: Path, to: str | None = None) -> list[MigrationFile]:
    """Pending migrations in order, after checking the ledger against the bundle."""
    files = list_migrations(bundle_dir)
    applied = applied_migrations(conn)
    by_version = {m.version: m for m in files}
    unknown = sorted(set(applied) - set(by_version))
    if unknown:
        raise SessionkitError(
            f"the database has migration {unknown[0]} which is not in {bundle_dir.name}/: "
            "update your checkout before pushing"
        )
    for version, record in applied.items():
        local = by_version[version]
        if normalize(record.statements) != normalize(local.statements):
            raise SessionkitError(
                f"{local.path}: already applied but its content changed; "
                "released migrations are never edited, add a new migration instead"
            )
    pending = [m for m in files if m.version not in applied]
    if to is not None:
        if to not in by_version:
            raise SessionkitError(f"--to {to}: no migration with that version in the bundle")
        pending = [m for m in pending if m.version <= to]
    latest_applied = max(applied, default="")
    late = [m for m in pending if m.version < latest_applied]
    if late:
        raise SessionkitError(
            f"{late[0].path}: older than the latest applied migration {latest_applied}; "
            "give it a newer timestamp"
        )
    return pending


def push(
    conn: psycopg.Connection,
    bundle_dir: Path,
    to: str | None = None,
    dry_run: bool = False,
    listener: PushListener | None = None,
    functions_dir: Path | None = None,
) -> list[MigrationFile]:
    """Apply pending migrations (or list them with dry_run) under the push advisory lock.

    A guarded migration's guard is evaluated first (rolled back): when it refuses, the push
    stops there with MigrationRefused, naming the backfill; the migrations before it stay."""
    conn.autocommit = True
    conn.execute("select pg_advisory_lock(%s)", (PUSH_LOCK_KEY,))
    try:
        ensure_ledger(conn)
        pending = plan(conn, bundle_dir, to)
        if dry_run:
            return pending
        if listener:
            listener.planned(pending)
        for migration in pending:
            verdict = guards.evaluate(conn, migration, functions_dir)
            if verdict is not None and verdict.refuses:
                raise MigrationRefused(f"{migration.path}: {guards.GUARD_CODE}: {verdict.detail}")
            apply_one(conn, migration)
            if listener:
                listener.applied(migration)
        return pending
    finally:
        conn.execute("select pg_advisory_unlock(%s)", (PUSH_LOCK_KEY,))


def guard_verdicts(
    conn: psycopg.Connection, bundle_dir: Path, to: str | None = None, functions_dir: Path | None = None
) -> list[tuple[MigrationFile, guards.Verdict | None]]:
    """Every pending migration with the verdict of its guard on the data as it is now (None: no
    guard). Nothing is applied; later guards may depend on migrations not applied yet."""
    conn.autocommit = True
    pending = plan(conn, bundle_dir, to)
    return [(m, guards.evaluate(conn, m, functions_dir)) for m in pending]


def apply_one(conn: psycopg.Connection, migration: MigrationFile) -> None:
    """Run one migration and record it, in a single transaction."""
    statements = migration.statements
    try:
        with conn.transaction():
            for statement, line in zip(statements, _start_lines(migration.text, statements), strict=True):
                try:
                    conn.execute(statement)
                except psycopg.Error as exc:
                    raise MigrationFailed(_describe(migration, statement, line, exc)) from exc
            conn.execute(
                "insert into supabase_migrations.schema_migrations (version, name, statements)"
                " values (%s, %s, %s)",
                (migration.version, migration.name, statements),
            )
    except psycopg.Error as exc:  # e.g. a deferred constraint failing at commit
        raise MigrationFailed(f"{migration.path}: {exc}".splitlines()[0]) from exc


def _start_lines(text: str, statements: Iterable[str]) -> list[int]:
    lines: list[int] = []
    cursor = 0
    for statement in statements:
        at = text.find(statement, cursor)
        at = cursor if at == -1 else at
        lines.append(text.count("\n", 0, at) + 1)
        cursor = at + len(statement)
    return lines


def _describe(migration: MigrationFile, statement: str, line: int, exc: psycopg.Error) -> str:
    diag = exc.diag
    position = int(diag.statement_position) if diag.statement_position else None
    if position:
        line += statement.count("\n", 0, position - 1)
    message = diag.message_primary or str(exc).splitlines()[0]
    parts = [f"{migration.path}:{line}: {diag.sqlstate or 'error'}: {message}"]
    if diag.message_detail:
        parts.append(f"detail: {diag.message_detail}")
    if diag.message_hint:
        parts.append(f"hint: {diag.message_hint}")
    return " | ".join(parts)
