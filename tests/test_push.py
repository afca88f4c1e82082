"""`sessionkit db push`: Supabase's ledger, drift refusal, rollback of a failing migration."""

from __future__ import annotations

import threading

import psycopg
import pytest

from sessionkit import stack
from sessionkit.config import Project
from sessionkit.db.connect import connect
from sessionkit.errors import SessionkitError
from sessionkit.migrate.files import list_migrations
from sessionkit.migrate.push import MigrationFailed, push

from .helpers import copy_project, temporary_database


def ledger(url: str) -> dict[str, tuple[str, list[str]]]:
    with connect(url) as conn:
        rows = conn.execute(
            "select version, name, statements from supabase_migrations.schema_migrations"
        ).fetchall()
    return {v: (n, s) for v, n, s in rows}


def test_push_records_every_migration_like_the_supabase_cli(project: Project, db_url: str) -> None:
    with temporary_database(db_url) as target:
        stack.push_target(project, target)
        recorded = ledger(target.url)
    bundle = list_migrations(project.bundle_dir)
    assert sorted(recorded) == [m.version for m in bundle]
    for migration in bundle:
        assert recorded[migration.version] == (migration.name, migration.statements)


def test_second_push_finds_nothing_pending(project: Project, db_url: str) -> None:
    with temporary_database(db_url) as target:
        stack.push_target(project, target)
        assert stack.push_target(project, target) == []


def test_dry_run_lists_pending_and_applies_nothing(project: Project, db_url: str) -> None:
    with temporary_database(db_url) as target:
        pending = stack.push_target(project, target, dry_run=True)
        assert [m.version for m in pending] == [m.version for m in list_migrations(project.bundle_dir)]
        with connect(target.url) as conn:
            tables = conn.execute("select count(*) from pg_tables where schemaname = 'public'").fetchone()
        assert tables == (0,)


def test_push_to_stops_at_the_given_version(project: Project, db_url: str) -> None:
    bundle = list_migrations(project.bundle_dir)
    stop = bundle[1].version
    with temporary_database(db_url) as target:
        stack.push_target(project, target, to=stop)
        assert sorted(ledger(target.url)) == [bundle[0].version, stop]
        rest = stack.push_target(project, target)
        assert [m.version for m in rest] == [m.version for m in bundle[2:]]


def test_push_refuses_naming_the_file_when_an_applied_migration_changed(
    project: Project, db_url: str, tmp_path
) -> None:
    copy = copy_project(project, tmp_path)
    with temporary_database(db_url) as target:
        stack.push_target(copy, target)
        edited = list_migrations(copy.bundle_dir)[0].path
        edited.write_text(edited.read_text() + "\ncreate table public.sneaky (id int);\n")
        with pytest.raises(SessionkitError, match=edited.name):
            stack.push_target(copy, target)


def test_failing_migration_rolls_back_alone_and_reports_file_line_and_error(
    project: Project, db_url: str, tmp_path
) -> None:
    copy = copy_project(project, tmp_path)
    good = copy.bundle_dir / "29990101000000_good.sql"
    good.write_text("create table public.good_one (id int);\n")
    bad = copy.bundle_dir / "29990101000100_bad.sql"
    bad.write_text("create table public.half_done (id int);\n\nselect * from public.no_such_table;\n")
    with temporary_database(db_url) as target:
        with pytest.raises(MigrationFailed) as failure:
            stack.push_target(copy, target)
        message = str(failure.value)
        assert f"{bad}:3:" in message
        assert "42P01" in message and "no_such_table" in message
        recorded = ledger(target.url)
        assert "29990101000000" in recorded and "29990101000100" not in recorded
        with connect(target.url) as conn:
            half = conn.execute("select to_regclass('public.half_done')").fetchone()
            done = conn.execute("select to_regclass('public.good_one')").fetchone()
        assert half == (None,)
        assert done is not None and done[0] is not None


def test_two_concurrent_pushes_apply_each_migration_once(project: Project, db_url: str) -> None:
    errors: list[BaseException] = []
    applied: list[int] = []

    with temporary_database(db_url) as target:
        stack.push_target(project, target, to=list_migrations(project.bundle_dir)[0].version)

        def run() -> None:
            try:
                with psycopg.connect(target.url) as conn:
                    applied.append(len(push(conn, project.bundle_dir)))
            except BaseException as exc:  # surfaced by the assertion below
                errors.append(exc)

        threads = [threading.Thread(target=run) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []
        assert sorted(applied) == [0, len(list_migrations(project.bundle_dir)) - 1]
        assert len(ledger(target.url)) == len(list_migrations(project.bundle_dir))
