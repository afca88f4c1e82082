"""The benchmark harness is correct (at a tiny scale): benchmarks are not timed tests, so nothing
here asserts a speed; `sessionkit bench` prints the figures."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from sessionkit.bench import explain
from sessionkit.bench.context import BenchContext, ServerFacts
from sessionkit.bench.durable import durable_server
from sessionkit.bench.floors import Written, bare_floor, copy_rows, schema_floor
from sessionkit.bench.model import Figure, Result
from sessionkit.bench.registry import ORDER, scenarios
from sessionkit.bench.sweep import chart
from sessionkit.config import Project
from sessionkit.db.connect import connect

from .helpers import scalar, sessionkit


@pytest.fixture(scope="module")
def ctx(project: Project, db_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[BenchContext]:
    """One context for the module: the migrated database and pgbench are built once."""
    plans = tmp_path_factory.mktemp("plans")
    context = BenchContext(project, db_url, runs=1, plans_dir=plans, pgbench_seconds=1)
    yield context
    context.close()


def test_the_suite_holds_the_scenarios_of_issue_13() -> None:
    assert {"recurring-dispatch", "booking", "slots", "cancel", "integrity"} <= set(scenarios())
    assert [n for n in scenarios() if n in ORDER] == [n for n in ORDER if n in scenarios()]


@pytest.mark.parametrize("name", list(scenarios()))
def test_scenario_measures_figures_and_floors_and_passes_its_checks(ctx: BenchContext, name: str) -> None:
    scenario = scenarios()[name]
    result = scenario.run(ctx, scenario.tiny_scale)
    assert result.figures and result.floors
    assert all(s > 0 for f in (*result.figures, *result.floors) for s in f.samples)
    assert result.ratios
    assert [c for c in result.checks if not c.ok] == []
    assert all(Path(p).is_file() for p in result.plans)


def test_floors_write_exactly_the_rows_the_operation_wrote(ctx: BenchContext) -> None:
    fixture = ctx.fixture("floors", lambda conn: conn.execute("select tests.seed_org('floors')"))
    written = [Written("organizations", "slug ^@ 'copied-'")]
    with ctx.clone(fixture) as operation, ctx.clone(fixture) as floors:
        with connect(operation) as conn:
            conn.execute(
                "insert into public.organizations (name, slug) select 'Copied ' || g, 'copied-' || g"
                " from generate_series(1, 7) g"
            )
        assert copy_rows(operation, floors, written) == 7
        schema_floor(floors, written)
        bare_floor(floors, written)
        with connect(floors) as conn:
            assert scalar(conn, "select count(*) from public.organizations where slug ^@ 'copied-'") == 7
            assert scalar(conn, "select count(*) from bench_bare.organizations") == 7
            assert scalar(conn, "select count(*) from public.organizations where slug = 'floors'") == 1


def test_plans_of_a_call_show_its_nested_statements_and_change_nothing(ctx: BenchContext) -> None:
    url = ctx.fixture("plans", lambda conn: conn.execute("select tests.seed_org('plans')"))
    with connect(url) as conn:
        plans = explain.capture(
            conn,
            "probe",
            "select public.create_organization('Planned', 'planned-org', 'UTC')",
            user_id=scalar(conn, "select tests.uid('plans_owner')::text"),
        )
        assert any("organizations" in p for p in plans.plans)
        assert all("Buffers" in p or "Result" in p for p in plans.plans)
        assert scalar(conn, "select count(*) from public.organizations where slug = 'planned-org'") == 0


def test_a_statement_run_once_per_row_is_kept_once_with_its_count(ctx: BenchContext) -> None:
    url = ctx.fixture("repeats", lambda conn: conn.execute("select tests.seed_org('repeats')"))
    with connect(url) as conn:
        plans = explain.capture(
            conn,
            "probe",
            "insert into public.outbox_events (organization_id, topic)"
            " select tests.org_id('repeats'), 'bench.probe' from generate_series(1, 50)",
        )
    foreign_key_checks = [p for p in plans.plans if 'FROM ONLY "public"."organizations"' in p]
    assert len(foreign_key_checks) == 1
    assert foreign_key_checks[0].startswith("-- ran 50 times in this call")


def test_large_sequential_scans_are_named(ctx: BenchContext) -> None:
    url = ctx.fixture("scans", lambda conn: conn.execute("select tests.seed_org('scans')"))
    with connect(url) as conn:
        conn.execute(
            "insert into public.outbox_events (organization_id, topic)"
            " select tests.org_id('scans'), 'bench.probe' from generate_series(1, 20000)"
        )
        conn.execute("analyze public.outbox_events")
        assert explain.large_seq_scans(conn, ["outbox_events", "organizations"]) == ("outbox_events",)


def test_durable_server_runs_with_fsync_and_synchronous_commit_on(project: Project) -> None:
    with durable_server(project) as url:
        facts = ServerFacts.read(url)
        assert (facts.fsync, facts.synchronous_commit, facts.full_page_writes) == ("on", "on", "on")
        assert facts.durable
        with connect(url) as conn:
            assert scalar(conn, "select 1") == 1
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(url, connect_timeout=2)


def test_sweep_chart_plots_figures_and_floors_against_scale(tmp_path: Path) -> None:
    points = [
        Result(
            "probe",
            scale,
            "rows",
            figures=[Figure("operation", "s", (scale / 1000, scale / 900))],
            floors=[Figure("floor", "s", (scale / 2000,))],
        )
        for scale in (1_000, 10_000, 100_000)
    ]
    facts = ServerFacts("15", "off", "off", "off", "256MB", "cpu", 2)
    path = chart(points, tmp_path / "probe.png", facts)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_the_cli_lists_the_scenarios_and_refuses_an_unknown_one_in_one_line(project: Project) -> None:
    listed = sessionkit(project, "bench", "--list")
    assert listed.returncode == 0 and "slots" in listed.stdout and "cancel" in listed.stdout
    unknown = sessionkit(project, "bench", "no-such-scenario", "--scale", "10")
    assert unknown.returncode != 0
    assert (
        unknown.stderr.strip().splitlines() == [unknown.stderr.strip().splitlines()[0]]
        and "unknown scenario 'no-such-scenario'" in unknown.stderr
    )
