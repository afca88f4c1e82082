"""`sessionkit audit` (issue 5): prints public.integrity_report() as a table or JSON, and with
--fail-on-violations exits 1 when any invariant is violated."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator

import psycopg
import pytest
from typer.testing import CliRunner, Result

from sessionkit.cli import app
from sessionkit.errors import SessionkitError

INVARIANTS = [
    "bookings_without_service_session",
    "regular_bookings_without_required_subscription",
    "trial_guest_bookings_with_subscription",
    "clients_with_multiple_active_subscriptions",
    "subscription_balance_math",
    "negative_remaining_credits",
    "session_participants_mismatch",
    "cancelled_bookings_without_cancellation",
    "cancellations_of_uncancelled_bookings",
    "overlapping_provider_sessions",
    "bookings_with_foreign_subscription",
    "cancellation_policy_mismatch",
    "active_subscriptions_past_expiry",
    "sessions_of_non_members",
    "outbox_dead_letters",
    "orphaned_recording_objects",
    "waiting_behind_free_places",
    "skipped_occurrences_with_live_bookings",
    "pending_bookings_past_deadline",
]


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def clean_org(conn: psycopg.Connection) -> Iterator[uuid.UUID]:
    """A healthy organization with a subscription and a booking that spent a credit."""
    slug = f"audit-{uuid.uuid4().hex[:10]}"
    row = conn.execute("select tests.seed_credit_org(%s)", (slug,)).fetchone()
    assert row is not None
    yield row[0]
    conn.execute("delete from public.organizations where id = %s", (row[0],))


def audit(runner: CliRunner, db_url: str, *args: str) -> Result:
    return runner.invoke(app, ["audit", "--db-url", db_url, *args])


def test_json_report_of_a_clean_organization(runner: CliRunner, db_url: str, clean_org: uuid.UUID) -> None:
    result = audit(runner, db_url, "--org", str(clean_org), "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["organization_id"] == str(clean_org)
    assert report["total_violations"] == 0
    assert [i["name"] for i in report["invariants"]] == INVARIANTS
    for item in report["invariants"]:
        assert set(item) == {"name", "description", "violations", "sample_ids"}
        assert item["violations"] == 0 and item["sample_ids"] == []
        assert item["description"]


def test_fail_on_violations_exits_0_when_clean(runner: CliRunner, db_url: str, clean_org: uuid.UUID) -> None:
    result = audit(runner, db_url, "--org", str(clean_org), "--format", "json", "--fail-on-violations")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["total_violations"] == 0


def test_fail_on_violations_exits_1_and_reports_the_violation(
    runner: CliRunner, db_url: str, conn: psycopg.Connection, clean_org: uuid.UUID
) -> None:
    # a stale participant count, written behind the bookings trigger's back (as the legacy app did)
    row = conn.execute(
        """update public.service_sessions set current_participants = 0
           where organization_id = %s and current_participants = 1
           returning id""",
        (clean_org,),
    ).fetchone()
    assert row is not None
    stale_session = str(row[0])

    result = audit(runner, db_url, "--org", str(clean_org), "--format", "json", "--fail-on-violations")
    assert result.exit_code == 1
    assert isinstance(result.exception, SessionkitError)
    assert "1 integrity violation" in str(result.exception)
    report = json.loads(result.stdout)
    assert report["total_violations"] == 1
    violated = {i["name"]: i for i in report["invariants"] if i["violations"]}
    assert list(violated) == ["session_participants_mismatch"]
    assert violated["session_participants_mismatch"]["sample_ids"] == [stale_session]

    # without the flag the same report is printed and the command succeeds
    assert audit(runner, db_url, "--org", str(clean_org), "--format", "json").exit_code == 0


def test_table_format_lists_every_invariant(runner: CliRunner, db_url: str, clean_org: uuid.UUID) -> None:
    result = audit(runner, db_url, "--org", str(clean_org))
    assert result.exit_code == 0, result.output
    for name in (
        "bookings_without_service_session",
        "negative_remaining_credits",
        "overlapping_provider_sessions",
    ):
        assert name in result.stdout
    assert "total violations: 0" in result.stdout


def test_every_organization_at_once(runner: CliRunner, db_url: str) -> None:
    result = audit(runner, db_url, "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["organization_id"] is None
    assert [i["name"] for i in report["invariants"]] == INVARIANTS


def test_an_invalid_format_is_refused(runner: CliRunner, db_url: str) -> None:
    result = audit(runner, db_url, "--format", "yaml")
    assert result.exit_code == 1
    assert "--format must be table or json" in str(result.exception)
