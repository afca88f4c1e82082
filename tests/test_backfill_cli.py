"""`sessionkit backfill …` and `sessionkit legacy generate`: the CLI over the backfill library."""

from __future__ import annotations

import json
from collections.abc import Iterator

import psycopg
import pytest
from typer.testing import CliRunner, Result

from sessionkit.cli import app
from sessionkit.config import Project
from sessionkit.errors import SessionkitError
from tests.helpers import scalar
from tests.legacy import legacy_copy, push

ORDER = ["session_types", "booking_kinds", "service_sessions", "subscription_links", "cancellations"]


def cli(*args: str) -> Result:
    return CliRunner().invoke(app, list(args))


@pytest.fixture
def legacy(project: Project, db_url: str, legacy_template: str) -> Iterator[str]:
    """A legacy database whose push stopped at the duplicate-subscription guard."""
    with legacy_copy(db_url, legacy_template) as url:
        assert push(project, url) is not None
        yield url


def ledger_exists(url: str) -> bool:
    with psycopg.connect(url) as conn:
        return bool(scalar(conn, "select to_regclass('ops.backfill_runs') is not null"))


def test_list_names_the_five_backfills_in_dependency_order() -> None:
    result = cli("backfill", "list", "--json")
    assert result.exit_code == 0, result.output
    listed = json.loads(result.stdout)
    assert [b["name"] for b in listed] == ORDER
    assert [b["depends_on"] for b in listed] == [[], *[[name] for name in ORDER[:-1]]]


def test_plan_reports_steps_counts_and_changes_without_writing(legacy: str) -> None:
    result = cli("backfill", "plan", "session_types", "--db-url", legacy, "--json")
    assert result.exit_code == 0, result.output
    plan = json.loads(result.stdout)
    assert [s["name"] for s in plan["steps"]] == ["packages", "defaults", "services", "sessions", "bookings"]
    assert plan["steps"][0]["pending"] > 0 and plan["steps"][0]["batches"] == 1
    assert plan["pre_report"]["integrity"] is None, (
        "integrity_report() is not deployed on this legacy database"
    )
    assert plan["pre_report"]["counts"]["packages_unread"] > 0
    assert any(item["rows"] > 0 for item in plan["would_change"])
    assert not ledger_exists(legacy), "plan changes nothing, not even the ledger"


def test_dry_run_reports_what_would_change_and_changes_nothing(legacy: str) -> None:
    result = cli("backfill", "run", "session_types", "--dry-run", "--db-url", legacy, "--json")
    assert result.exit_code == 0, result.output
    outcome = json.loads(result.stdout)
    assert outcome["status"] == "dry_run"
    assert outcome["changes"]["session_types_created"] > 0
    assert outcome["conflicts"] > 0
    with psycopg.connect(legacy) as conn:
        assert scalar(conn, "select count(*) from public.session_types") == 0
    assert not ledger_exists(legacy)


def test_a_backfill_refuses_to_run_before_its_dependency(legacy: str) -> None:
    result = cli("backfill", "run", "booking_kinds", "--db-url", legacy)
    assert result.exit_code == 1
    assert isinstance(result.exception, SessionkitError)
    assert "run `sessionkit backfill run session_types` first" in str(result.exception)
    later = cli("backfill", "run", "subscription_links", "--db-url", legacy)
    assert "runs after session_types, booking_kinds, service_sessions" in str(later.exception)
    assert not ledger_exists(legacy), "a refused run changes nothing"


def test_an_unknown_backfill_is_a_one_line_error() -> None:
    result = cli("backfill", "plan", "nope")
    assert result.exit_code == 1
    assert "unknown backfill 'nope'" in str(result.exception)


def test_run_stores_reports_and_status_shows_the_run(legacy: str) -> None:
    result = cli("backfill", "run", "session_types", "--db-url", legacy, "--json")
    assert result.exit_code == 0, result.output
    outcome = json.loads(result.stdout)
    assert outcome["status"] == "succeeded"
    assert outcome["post"]["difference"]["counts"]["session_types"] > 0
    assert all(check["passed"] for check in outcome["verify"])
    with psycopg.connect(legacy) as conn:
        phases = [r[0] for r in conn.execute("select phase from ops.backfill_reports order by id").fetchall()]
    assert phases == ["pre", "post"]

    status = json.loads(cli("backfill", "status", "--db-url", legacy, "--json").stdout)
    states = {s["backfill"]: s["state"] for s in status}
    assert states["session_types"] == "succeeded"
    assert states["cancellations"] == "never run"


def test_max_runtime_pauses_and_resume_finishes_the_same_run(legacy: str) -> None:
    paused = cli(
        "backfill",
        "run",
        "session_types",
        "--batch-size",
        "50",
        "--max-runtime",
        "0.001",
        "--db-url",
        legacy,
        "--json",
    )
    assert paused.exit_code == 0, paused.output
    assert json.loads(paused.stdout)["status"] == "paused"
    resumed = cli("backfill", "resume", "session_types", "--db-url", legacy, "--json")
    assert resumed.exit_code == 0, resumed.output
    assert json.loads(resumed.stdout)["status"] == "succeeded"
    with psycopg.connect(legacy) as conn:
        assert scalar(conn, "select count(*) from ops.backfill_runs") == 1
    nothing = cli("backfill", "resume", "session_types", "--db-url", legacy)
    assert nothing.exit_code == 1 and "nothing to resume" in str(nothing.exception)


def test_conflicts_list_and_accept_only_where_acceptable(legacy: str) -> None:
    for name in ("session_types", "booking_kinds"):
        assert cli("backfill", "run", name, "--db-url", legacy).exit_code == 0
    open_kinds = json.loads(
        cli("backfill", "conflicts", "booking_kinds", "--db-url", legacy, "--json").stdout
    )
    assert {c["kind"] for c in open_kinds} == {"ambiguous_booking_kind"}
    durations = json.loads(cli("backfill", "conflicts", "session_types", "--db-url", legacy, "--json").stdout)
    unparseable = next(c for c in durations if c["kind"] == "unparseable_duration")

    refused = cli(
        "backfill",
        "conflicts",
        "session_types",
        "--accept",
        str(unparseable["id"]),
        "--note",
        "x",
        "--db-url",
        legacy,
    )
    assert refused.exit_code == 1 and "cannot be accepted, only fixed" in str(refused.exception)
    accepted = cli(
        "backfill",
        "conflicts",
        "booking_kinds",
        "--accept",
        str(open_kinds[0]["id"]),
        "--note",
        "a goodwill session, regular",
        "--db-url",
        legacy,
    )
    assert accepted.exit_code == 0, accepted.output

    assert cli("backfill", "run", "booking_kinds", "--db-url", legacy).exit_code == 0
    everything = json.loads(
        cli("backfill", "conflicts", "booking_kinds", "--all", "--db-url", legacy, "--json").stdout
    )
    kept = next(c for c in everything if c["id"] == open_kinds[0]["id"])
    assert kept["resolution"] == "accepted", "a later run keeps the operator's decision"


def test_verify_fails_when_data_arrived_after_the_run(legacy: str) -> None:
    assert cli("backfill", "run", "session_types", "--db-url", legacy).exit_code == 0
    assert cli("backfill", "verify", "session_types", "--db-url", legacy).exit_code == 0
    with psycopg.connect(legacy, autocommit=True) as conn:
        conn.execute(
            "update public.packages set duration = '2h' where id = (select min(id::text)::uuid from packages)"
        )
    failed = cli("backfill", "verify", "session_types", "--db-url", legacy, "--json")
    assert failed.exit_code == 1
    checks = {c["check"]: c["count"] for c in json.loads(failed.stdout)["checks"]}
    assert checks["packages_unread"] == 1


def test_legacy_generate_refuses_a_migrated_database(db_url: str) -> None:
    result = cli("legacy", "generate", "--scale", "100", "--db-url", db_url)
    assert result.exit_code == 1
    assert "past the legacy baseline" in str(result.exception)
