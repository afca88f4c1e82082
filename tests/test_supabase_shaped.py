"""On a database shaped like a Supabase project, sessionkit changes only what it was asked to.

The database lives on a second server (tests/shaped_server.py) where `postgres` is not a
superuser and pg_cron is available but not enabled. A catalog snapshot (tests/catalog_snapshot.py)
taken before and after each command shows what it changed: `db push` adds the migrations'
objects and the ledger and nothing else; `test --db-url` changes nothing, and with
--install-test-helpers leaves nothing behind.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from sessionkit.config import Project
from sessionkit.db.connect import connect
from sessionkit.supabase_cli import run_supabase

from .catalog_snapshot import Fact, Snapshot, snapshot
from .helpers import scalar, sessionkit
from .shaped_server import ShapedServer, shaped_server

# partman: pg_partman keeps a template table per partitioned table there (4.x)
MIGRATION_SCHEMAS = {"public", "private", "ops", "supabase_migrations", "partman"}
MIGRATION_EXTENSIONS = {"btree_gist"}  # pgcrypto and uuid-ossp are there already, as on Supabase
# tables of Supabase's schemas a migration may put policies on (storage: the recordings bucket)
POLICY_TABLES = {("storage", "objects")}
PER_SCHEMA_KINDS = {"relation", "column", "function", "trigger", "constraint", "policy"}


@dataclass(frozen=True)
class Pushed:
    url: str
    before: Snapshot
    after: Snapshot
    stderr: str


@pytest.fixture(scope="module")
def server(project: Project) -> Iterator[ShapedServer]:
    with shaped_server(project) as server:
        yield server


@pytest.fixture(scope="module")
def pushed(project: Project, server: ShapedServer) -> Pushed:
    """`sessionkit db push --db-url` onto the shaped project database, with snapshots around it."""
    url = server.url()
    before = snapshot(url)
    result = sessionkit(project, "db", "push", "--db-url", url)
    assert result.returncode == 0, result.stderr
    return Pushed(url, before, snapshot(url), result.stderr)


def from_migrations(fact: Fact) -> bool:
    """A fact a migration may add: an object in the schemas it owns, one of those schemas, an
    extension it creates. Roles, settings, default privileges and memberships are not among them."""
    kind = fact[0]
    if kind == "policy" and (fact[1], fact[2]) in POLICY_TABLES:
        return True
    if kind in PER_SCHEMA_KINDS:
        return fact[1] in MIGRATION_SCHEMAS
    if kind == "schema":
        return fact[1] in MIGRATION_SCHEMAS - {"public"}
    if kind == "extension":
        return fact[1] in MIGRATION_EXTENSIONS
    return False


def test_the_shaped_database_is_what_a_supabase_project_gives_postgres(pushed: Pushed) -> None:
    with connect(pushed.url) as conn:
        assert scalar(conn, "select rolsuper from pg_roles where rolname = current_user") is False
        assert scalar(conn, "select count(*) from pg_available_extensions where name = 'pg_cron'") == 1


def test_db_push_changes_nothing_that_existed_before(pushed: Pushed) -> None:
    assert pushed.before.minus(pushed.after) == set()


def test_db_push_adds_only_the_migrations_objects_and_the_ledger(pushed: Pushed) -> None:
    added = pushed.after.minus(pushed.before)
    assert {fact for fact in added if not from_migrations(fact)} == set()
    assert ("schema", "supabase_migrations") in {fact[:2] for fact in added}


def test_db_push_leaves_pg_cron_off_on_a_project_that_never_enabled_it(pushed: Pushed) -> None:
    assert "pg_cron" not in {fact[1] for fact in pushed.after.facts if fact[0] == "extension"}
    assert "warning: pg_cron is not enabled" in pushed.stderr
    assert pushed.stderr.rstrip().endswith(
        "run in the SQL editor or psql: select * from ops.schedule_jobs();"
    )


def test_test_without_the_flag_names_the_missing_helpers_and_changes_nothing(
    project: Project, server: ShapedServer, pushed: Pushed
) -> None:
    result = sessionkit(project, "test", "--db-url", pushed.url)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        f"error: postgresql://postgres@127.0.0.1:{server.port}/postgres "
        "has no pgTAP test helpers: missing extension pgtap, schema tests (pass --install-test-helpers "
        "to install them for this run; they are removed afterwards)"
    ]
    assert snapshot(pushed.url) == pushed.after


def test_test_with_the_flag_passes_every_pgtap_suite_as_a_non_superuser_and_leaves_nothing(
    project: Project, pushed: Pushed
) -> None:
    result = sessionkit(project, "test", "--db-url", pushed.url, "--install-test-helpers", "-q", timeout=300)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr
    assert snapshot(pushed.url) == pushed.after


def test_test_helpers_are_removed_when_the_run_fails(project: Project, pushed: Pushed) -> None:
    result = sessionkit(
        project, "test", "--db-url", pushed.url, "--install-test-helpers", "-k", "no_such_suite"
    )
    assert result.returncode != 0
    assert snapshot(pushed.url) == pushed.after


def test_db_push_refuses_a_database_without_auth_naming_what_is_missing(
    project: Project, server: ShapedServer
) -> None:
    with connect(server.url("postgres", "supabase_admin")) as conn:
        conn.execute("create database bare")
        conn.execute("grant all on database bare to postgres")
    url = server.url("bare")
    before = snapshot(url)
    result = sessionkit(project, "db", "push", "--db-url", url)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        f"error: postgresql://postgres@127.0.0.1:{server.port}/bare is not a Supabase database: missing "
        "schema auth, table auth.users, function auth.uid(), function auth.role(), "
        "schema extensions, table storage.buckets, table storage.objects, "
        "function storage.foldername(text) (sessionkit installs these only on its local stack)"
    ]
    assert snapshot(url) == before


def test_supabase_db_push_onto_the_shaped_database_works_and_sessionkit_agrees(
    project: Project, server: ShapedServer, pushed: Pushed
) -> None:
    url = server.create_database("supabase_cli")
    run_supabase(project, url, "db", "push", "--yes")
    result = sessionkit(project, "db", "push", "--db-url", url)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("applied 0 migration(s)")
    per_database = {"database", "setting"}
    assert {f for f in snapshot(url).facts if f[0] not in per_database} == {
        f for f in pushed.after.facts if f[0] not in per_database
    }


# Last in this module: it changes the pushed database (pg_cron enabled), which the tests above
# compare with the snapshot taken after the push.
def test_jobs_are_scheduled_once_when_pg_cron_is_enabled_after_the_push(
    pushed: Pushed, server: ShapedServer
) -> None:
    with connect(pushed.url) as conn:
        assert conn.execute("select * from ops.schedule_jobs()").fetchall() == []  # pg_cron off: nothing
        listed = conn.execute(
            "select jobname, schedule, command from ops.scheduled_jobs order by jobname"
        ).fetchall()
    # what enabling it in the dashboard does: the extension, and the cron schema usable by postgres
    with connect(server.url("postgres", "supabase_admin")) as admin:
        admin.execute("create extension pg_cron with schema pg_catalog")
        admin.execute("grant usage on schema cron to postgres with grant option")
        admin.execute("grant all on all tables in schema cron to postgres with grant option")
        admin.execute("grant all on all sequences in schema cron to postgres with grant option")
        admin.execute("grant all on all functions in schema cron to postgres with grant option")
    with connect(pushed.url) as conn:
        first = conn.execute("select jobname, action from ops.schedule_jobs()").fetchall()
        jobs_after_first = conn.execute(
            "select jobid, jobname, schedule, command from cron.job order by jobid"
        ).fetchall()
        second = conn.execute("select jobname, action from ops.schedule_jobs()").fetchall()
        jobs = conn.execute(
            "select jobid, jobname, schedule, command from cron.job order by jobid"
        ).fetchall()
        owners = conn.execute("select distinct username from cron.job").fetchall()
    assert first == [(name, "scheduled") for name, _, _ in listed]
    assert second == [(name, "unchanged") for name, _, _ in listed]
    assert jobs == jobs_after_first
    assert sorted((name, schedule, command) for _, name, schedule, command in jobs) == listed
    assert owners == [("postgres",)]
