"""Run benchmark scenarios and render their figures."""

from __future__ import annotations

from rich.table import Table

from sessionkit.bench.harness import Result, bench_database
from sessionkit.bench.scenarios import SCENARIOS
from sessionkit.config import Project
from sessionkit.errors import SessionkitError


def run_benchmarks(project: Project, server_url: str, names: list[str], scale: int | None) -> list[Result]:
    unknown = [n for n in names if n not in SCENARIOS]
    if unknown:
        raise SessionkitError(f"unknown scenario {unknown[0]!r}; choose from {', '.join(SCENARIOS)}")
    results: list[Result] = []
    for name in names or list(SCENARIOS):
        scenario = SCENARIOS[name]
        with bench_database(project, server_url) as conn:
            results.append(scenario.run(conn, scale or scenario.default_scale))
    return results


def results_table(results: list[Result]) -> Table:
    table = Table("scenario", "measured", "rows", "seconds", "rows/s", "vs baseline")
    for r in results:
        for m, ratio in ((r.operation, f"{r.ratio:.2f}"), (r.baseline, "1.00")):
            table.add_row(
                r.scenario, m.label, str(m.rows), f"{m.seconds:.3f}", f"{m.rows_per_second:,.0f}", ratio
            )
    return table
