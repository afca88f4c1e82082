"""Backfills write through the normal triggers (issue 13): no statement takes
`session_replication_role`, a non-superuser owner runs them, and the runner refuses to meet
triggers a backfill was not written for, naming what to do."""

from __future__ import annotations

import re
import uuid
from pathlib import Path

import psycopg
import pytest
from psycopg import errors

from sessionkit.backfill.registry import get
from sessionkit.backfill.runner import BackfillRefused, Runner, RunOptions
from sessionkit.backfill.triggers import BARE, CURRENT, RELEASE_20261124, present
from sessionkit.config import Project
from tests.helpers import scalar
from tests.legacy import legacy_copy, push, run, run_all, without_duplicate_subscriptions

BACKFILL_SOURCES = Path(__file__).resolve().parents[1] / "tools" / "sessionkit" / "backfill"
# a statement or call that would set it: `set [local] session_replication_role`, set_config(…)
SETS_REPLICATION_ROLE = re.compile(
    r"set\s+(local\s+)?session_replication_role|set_config\(\s*'session_replication_role'"
)


def test_no_backfill_statement_sets_session_replication_role() -> None:
    offending = [
        f"{path.relative_to(BACKFILL_SOURCES)}:{n}"
        for path in sorted(BACKFILL_SOURCES.rglob("*.py"))
        for n, line in enumerate(path.read_text().splitlines(), start=1)
        if SETS_REPLICATION_ROLE.search(line.lower())
    ]
    assert offending == []


def test_a_non_superuser_owner_runs_the_backfills(
    project: Project, db_url: str, legacy_template: str
) -> None:
    """As on Supabase, where `postgres` is no superuser: a role with the owner's privileges only."""
    role = f"sk_owner_like_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(db_url, autocommit=True) as admin:
        admin.execute(f"create role {role} nosuperuser inherit")
        admin.execute(f"grant postgres to {role}")
    try:
        with legacy_copy(db_url, legacy_template) as url:
            assert push(project, url) is not None
            with psycopg.connect(url, autocommit=True) as conn:
                conn.execute(f"set role {role}")
                with pytest.raises(errors.InsufficientPrivilege), conn.transaction():
                    conn.execute("set local session_replication_role = replica")
                for name in ("session_types", "booking_kinds", "service_sessions", "subscription_links"):
                    outcome = Runner(conn, get(name), project.bundle_dir, RunOptions(batch_size=500)).run()
                    assert outcome.status == "succeeded" and outcome.ok, name
                assert scalar(conn, "select current_user") == role
    finally:
        with psycopg.connect(db_url, autocommit=True) as admin:
            admin.execute(f"drop role {role}")


def test_the_first_stop_has_no_triggers_and_the_second_the_previous_release(
    project: Project, db_url: str, legacy_template: str
) -> None:
    with legacy_copy(db_url, legacy_template) as url:
        assert push(project, url) is not None  # duplicate subscriptions: 20261124020200
        with psycopg.connect(url) as conn:
            assert present(conn, project.bundle_dir).generation == BARE
    with legacy_copy(db_url, legacy_template) as url:
        without_duplicate_subscriptions(url)
        assert push(project, url) is not None  # 20261127140200
        with psycopg.connect(url) as conn:
            assert present(conn, project.bundle_dir).generation == RELEASE_20261124


def test_cancellations_wait_for_the_complete_push(
    project: Project, db_url: str, legacy_template: str
) -> None:
    with legacy_copy(db_url, legacy_template) as url:
        assert push(project, url) is not None
        run_all(project, url)
        with pytest.raises(BackfillRefused, match=r"push first: `sessionkit db push`"):
            run(project, url, "cancellations")


def test_a_backfill_is_refused_under_the_previous_release_s_triggers(
    project: Project, db_url: str, legacy_template: str
) -> None:
    """subscription_links would fire the previous release's credit trigger, which it was not
    written for: the push must reach this release's first (its guards need only the others)."""
    with legacy_copy(db_url, legacy_template) as url:
        without_duplicate_subscriptions(url)
        assert push(project, url) is not None
        ran = run_all(project, url)
        assert list(ran) == ["session_types", "booking_kinds", "service_sessions"]
        with pytest.raises(BackfillRefused) as refused:
            run(project, url, "subscription_links")
        message = str(refused.value)
        assert "\n" not in message and "20261124030501" in message and "sessionkit db push" in message


def test_after_the_complete_push_every_backfill_meets_the_current_triggers(
    project: Project, db_url: str
) -> None:
    with psycopg.connect(db_url) as conn:
        assert present(conn, project.bundle_dir).generation == CURRENT
