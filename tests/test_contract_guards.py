"""Guarded contract migrations (issue 12): each refuses with BACKFILL_REQUIRED naming the
command to run and changes nothing while the data is not ready; `db push --dry-run` evaluates the
pending guards; on a fresh database every guard passes."""

from __future__ import annotations

import psycopg
from typer.testing import CliRunner

from sessionkit import stack
from sessionkit.cli import app
from sessionkit.config import Project
from sessionkit.legacy.generate import LEGACY_BASELINE_VERSION
from sessionkit.migrate.push import MigrationRefused
from tests.helpers import scalar, temporary_database
from tests.legacy import (
    applied,
    legacy_copy,
    push,
    resolve_conflicts,
    run,
    run_all,
    without_duplicate_subscriptions,
)


def constraint_exists(url: str, name: str) -> bool:
    with psycopg.connect(url) as conn:
        return bool(scalar(conn, "select exists (select 1 from pg_constraint where conname = %s)", (name,)))


def expect_refusal(project: Project, url: str, version: str, command: str) -> MigrationRefused:
    refused = push(project, url)
    assert refused is not None, f"{version} should have refused"
    assert f"/{version}_" in str(refused) and "BACKFILL_REQUIRED" in str(refused)
    assert command in str(refused)
    assert not applied(url, version), "a refused migration is not recorded"
    return refused


def test_each_guard_refuses_until_its_backfill_has_run(
    project: Project, db_url: str, legacy_template: str
) -> None:
    with legacy_copy(db_url, legacy_template) as url:
        without_duplicate_subscriptions(url)
        expect_refusal(project, url, "20261127140200", "sessionkit backfill run service_sessions")
        assert not constraint_exists(url, "service_sessions_kind_required"), "nothing of it ran"

        for name in ("session_types", "booking_kinds", "service_sessions"):
            run(project, url, name)
        expect_refusal(project, url, "20261127140300", "sessionkit backfill conflicts service_sessions")
        assert not constraint_exists(url, "bookings_service_session_required")

        run_all(project, url)
        resolve_conflicts(url)  # the double-bookings and the unreadable durations
        run(project, url, "service_sessions")
        with psycopg.connect(url, autocommit=True) as conn:  # a duration written after the backfill read them
            conn.execute(
                "update public.packages set duration = '2 hours'"
                " where id = (select min(id::text)::uuid from packages)"
            )
        expect_refusal(project, url, "20261127140600", "sessionkit backfill run session_types")

        run(project, url, "session_types")
        refused = push(project, url)
        assert refused is None, str(refused)


def test_the_subscription_guard_names_its_backfill_on_a_legacy_database(
    project: Project, db_url: str, legacy_template: str
) -> None:
    """20261124020200 calls private.raise_error, which a legacy database does not have yet: the
    push still stops with the guard's own BACKFILL_REQUIRED, not 'function does not exist'."""
    with legacy_copy(db_url, legacy_template) as url:
        refused = expect_refusal(project, url, "20261124020200", "sessionkit backfill run subscription_links")
        assert "does not exist" not in str(refused)
        assert applied(url, "20261124020100"), "the migrations before the guard are applied"


def test_dry_run_reports_where_push_would_stop_and_every_pending_guard(
    project: Project, db_url: str, legacy_template: str
) -> None:
    with legacy_copy(db_url, legacy_template) as url:
        without_duplicate_subscriptions(url)
        assert push(project, url) is not None  # stops at 20261127140200
        result = CliRunner().invoke(app, ["db", "push", "--dry-run", "--db-url", url])
        assert result.exit_code == 0, result.output
        output = " ".join(result.stdout.split())  # Rich wraps long lines
        assert "would stop at 20261127140200_service_sessions_kind_visibility_required.sql" in output
        assert "service session(s) have no kind or visibility" in output
        assert "20261127140300_bookings_service_session_required.sql: would refuse" in output
        assert "20261127140600_drop_packages_duration.sql: would refuse" in output
        assert not applied(url, "20261127140200"), "a dry run applies nothing"


def test_on_a_fresh_database_every_guard_passes(project: Project, db_url: str) -> None:
    with temporary_database(db_url) as target:
        stack.push_target(project, target, to=LEGACY_BASELINE_VERSION)
        verdicts = stack.push_dry_run(project, target)
        assert not [v for _, v in verdicts if v is not None and v.refuses]
        stack.push_target(project, target)  # raises MigrationRefused if any guard refused
