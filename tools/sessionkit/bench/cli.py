"""`sessionkit bench [SCENARIO…] [--scale N] [--runs N] [--json] [--durable] [--sweep] [--list]`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from sessionkit import stack
from sessionkit.bench import report
from sessionkit.bench.registry import scenarios
from sessionkit.bench.run import DEFAULT_RUNS, run_benchmarks
from sessionkit.cli_options import DbUrl
from sessionkit.config import Project, Target
from sessionkit.errors import SessionkitError

PLANS = Path("docs/performance/plans")
CHARTS = Path("docs/performance")


def scenario_list() -> Table:
    table = Table("scenario", "default scale", "sweep", "what it measures")
    for s in scenarios().values():
        table.add_row(
            s.name,
            f"{s.default_scale:,} {s.scale_unit}",
            ", ".join(f"{n:,}" for n in s.sweep_scales),
            s.description,
        )
    return table


def bench_command(
    names: Annotated[
        list[str] | None, typer.Argument(metavar="[SCENARIO]...", help="Scenarios (default: all).")
    ] = None,
    scale: Annotated[
        int | None, typer.Option("--scale", help="Scale of every chosen scenario (default: its own).")
    ] = None,
    runs: Annotated[int, typer.Option("--runs", min=1, help="Samples of every figure.")] = DEFAULT_RUNS,
    durable: Annotated[
        bool,
        typer.Option("--durable", help="Run on a throwaway cluster with fsync and synchronous_commit on."),
    ] = False,
    do_sweep: Annotated[
        bool, typer.Option("--sweep", help="Run each scenario at its sweep scales and draw its chart (PNG).")
    ] = False,
    plans: Annotated[
        bool,
        typer.Option("--plans/--no-plans", help="Save EXPLAIN (ANALYZE, BUFFERS) of the hot statements."),
    ] = True,
    list_only: Annotated[bool, typer.Option("--list", help="List the scenarios and exit.")] = False,
    db_url: DbUrl = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the results as JSON.")] = False,
) -> None:
    """Benchmarks: figures (median/min/max) against floors measured in the same run."""
    out, err = Console(), Console(stderr=True)
    if list_only:
        out.print(scenario_list())
        return
    project = Project.discover()
    target = Target.resolve(db_url)
    stack.ensure_reachable(project, target)
    plans_dir = project.root / PLANS if plans else None
    if do_sweep:
        from sessionkit.bench.sweep import sweep  # matplotlib loads only when drawing

        with err.status("sweeping (several scales per scenario)"):
            facts, results, charts = sweep(
                project, target.url, names or [], runs, project.root / CHARTS, durable
            )
        for chart in charts:
            err.print(f"chart: {chart}")
    else:
        with err.status("benchmarking (a fixture database per scenario, a clone per run)"):
            facts, results = run_benchmarks(project, target.url, names or [], scale, runs, plans_dir, durable)
    if as_json:
        print(json.dumps(report.as_json(facts, runs, results), indent=2))
        return
    out.print(report.render(facts, runs, results))
    failed = [f"{r.scenario}: {c.label}" for r in results for c in r.checks if not c.ok]
    if failed:
        raise SessionkitError(f"a correctness check failed: {failed[0]}")
