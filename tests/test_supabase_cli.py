"""Compatibility proven with the real Supabase CLI (npm package `supabase`)."""

from __future__ import annotations

import re

from sessionkit import stack
from sessionkit.config import Project, Target
from sessionkit.db.compat import install_compat
from sessionkit.db.connect import connect
from sessionkit.migrate.files import list_migrations
from sessionkit.migrate.push import status
from sessionkit.supabase_cli import run_supabase

from .helpers import temporary_database

VERSION = re.compile(r"\d{14}")


def supabase(project: Project, url: str, *args: str) -> str:
    result = run_supabase(project, url, *args)
    return result.stdout + result.stderr


def fresh_with_compat(target: Target) -> None:
    with connect(target.url) as conn:
        install_compat(conn)


def test_supabase_db_push_then_sessionkit_finds_nothing_pending(project: Project, db_url: str) -> None:
    with temporary_database(db_url) as target:
        fresh_with_compat(target)
        supabase(project, target.url, "db", "push", "--yes")
        assert stack.push_target(project, target) == []


def test_sessionkit_push_then_supabase_finds_nothing_pending(project: Project, db_url: str) -> None:
    with temporary_database(db_url) as target:
        stack.push_target(project, target)
        output = supabase(project, target.url, "db", "push", "--dry-run")
        assert "up to date" in output.lower()
        assert "would push" not in output.lower()


def test_supabase_migration_list_agrees_with_sessionkit(project: Project, db_url: str) -> None:
    with temporary_database(db_url) as target:
        bundle = list_migrations(project.bundle_dir)
        stack.push_target(project, target, to=bundle[2].version)
        output = supabase(project, target.url, "migration", "list")
        with connect(target.url) as conn:
            ours = status(conn, project.bundle_dir)
    assert parse_migration_list(output) == {row.version: row.applied for row in ours}


def parse_migration_list(output: str) -> dict[str, bool]:
    """version -> applied, from the `Local | Remote | Time` table the CLI prints."""
    listed: dict[str, bool] = {}
    for line in output.splitlines():
        cells = [cell.strip().strip("`").strip() for cell in line.split("|")]
        if len(cells) >= 3 and (VERSION.fullmatch(cells[0]) or VERSION.fullmatch(cells[1])):
            listed[cells[0] or cells[1]] = bool(cells[1])
    return listed
