"""Run benchmark scenarios: one BenchContext per invocation, on the given server or, with
`durable`, on a throwaway cluster that runs with fsync and synchronous_commit on."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sessionkit.bench.context import BenchContext, ServerFacts
from sessionkit.bench.durable import durable_server
from sessionkit.bench.model import Result
from sessionkit.bench.registry import Scenario, select
from sessionkit.config import Project

DEFAULT_RUNS = 3


@contextmanager
def bench_server(project: Project, server_url: str, durable: bool) -> Iterator[str]:
    if not durable:
        yield server_url
        return
    with durable_server(project) as url:
        yield url


def run_scenario(ctx: BenchContext, scenario: Scenario, scale: int | None) -> Result:
    return scenario.run(ctx, scale if scale is not None else scenario.default_scale)


def run_benchmarks(
    project: Project,
    server_url: str,
    names: list[str],
    scale: int | None = None,
    runs: int = DEFAULT_RUNS,
    plans_dir: Path | None = None,
    durable: bool = False,
) -> tuple[ServerFacts, list[Result]]:
    """Run the named scenarios (all when none is named) once each at `scale` (default: each
    scenario's own), every figure sampled `runs` times."""
    chosen = select(names)
    with bench_server(project, server_url, durable) as url:
        facts = ServerFacts.read(url)
        ctx = BenchContext(project, url, runs, plans_dir)
        try:
            return facts, [run_scenario(ctx, s, scale) for s in chosen]
        finally:
            ctx.close()
