"""The CLI is a thin layer: failures are one line on stderr with a non-zero exit."""

from __future__ import annotations

import json

from sessionkit.config import Project

from .helpers import sessionkit


def test_unreachable_database_fails_with_one_line_reason(project: Project) -> None:
    result = sessionkit(project, "db", "migrations", "--db-url", "postgresql://nobody@127.0.0.1:1/none")
    assert result.returncode == 1
    assert result.stderr.startswith("error: cannot connect to postgresql://nobody@127.0.0.1:1/none")
    assert len(result.stderr.strip().splitlines()) == 1


def test_push_to_an_unknown_version_fails_with_one_line_reason(project: Project, db_url: str) -> None:
    result = sessionkit(project, "db", "push", "--dry-run", "--to", "19990101000000", "--db-url", db_url)
    assert result.returncode == 1
    assert result.stderr.strip() == "error: --to 19990101000000: no migration with that version in the bundle"


def test_reset_refuses_any_database_but_the_local_stack(project: Project, db_url: str) -> None:
    result = sessionkit(project, "db", "reset", "--db-url", db_url)
    assert result.returncode == 1
    assert result.stderr.strip().startswith("error: refusing to reset")
    assert len(result.stderr.strip().splitlines()) == 1


def test_status_prints_url_version_migrations_and_cron_jobs(project: Project, db_url: str) -> None:
    result = sessionkit(project, "db", "status", "--json", "--db-url", db_url)
    assert result.returncode == 0, result.stderr
    assert '"server_version": "15.' in result.stdout
    assert '"pending": 0' in result.stdout
    assert '"cron_jobs": [' in result.stdout


def test_status_shows_the_server_clock(project: Project, db_url: str) -> None:
    result = sessionkit(project, "db", "status", "--json", "--db-url", db_url)
    clock = json.loads(result.stdout)["clock"]
    assert set(clock) == {"now", "fake", "offset_seconds", "requested"}
    assert clock["fake"] is (abs(clock["offset_seconds"]) > 5)


def test_an_unreadable_clock_fails_with_one_line_reason(project: Project) -> None:
    result = sessionkit(project, "db", "start", "--clock", "next tuesday")
    assert result.returncode == 1
    assert result.stderr.startswith("error: --clock 'next tuesday': expected +Nd")
    assert len(result.stderr.strip().splitlines()) == 1


def test_build_check_passes_on_the_committed_bundle(project: Project) -> None:
    result = sessionkit(project, "build", "--check")
    assert result.returncode == 0, result.stderr
    assert "up to date" in result.stdout


def test_test_on_another_database_refuses_the_pytest_suites(project: Project, db_url: str) -> None:
    result = sessionkit(project, "test", "--db-url", db_url, "--pytest-only")
    assert result.returncode == 1
    assert result.stderr.startswith("error: the pytest suites (tests/) create databases and commit rows")
    assert len(result.stderr.strip().splitlines()) == 1
