"""`sessionkit bench --sweep`: every chosen scenario at each of its sweep scales, and one chart
per scenario (figures and floors against scale, log axes) as PNG, so a reader sees at a glance
whether anything grows faster than the work."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only, no display
import matplotlib.pyplot as plt

from sessionkit.bench.context import BenchContext, ServerFacts
from sessionkit.bench.model import Figure, Result
from sessionkit.bench.registry import select
from sessionkit.bench.run import bench_server
from sessionkit.config import Project

TIME_UNITS = ("s", "ms")


def sweep(
    project: Project, server_url: str, names: list[str], runs: int, charts_dir: Path, durable: bool = False
) -> tuple[ServerFacts, list[Result], list[Path]]:
    results: list[Result] = []
    charts: list[Path] = []
    chosen = select(names)
    with bench_server(project, server_url, durable) as url:
        facts = ServerFacts.read(url)
        by_scenario: dict[str, list[Result]] = defaultdict(list)
        # one context per scale: scenarios of the same scale share its fixtures (slots and
        # integrity read the same population), and each scale's databases go before the next
        for scale in sorted({n for s in chosen for n in s.sweep_scales}):
            ctx = BenchContext(project, url, runs, plans_dir=None)
            try:
                for scenario in chosen:
                    if scale in scenario.sweep_scales:
                        by_scenario[scenario.name].append(scenario.run(ctx, scale))
            finally:
                ctx.close()
        for scenario in chosen:
            points = by_scenario[scenario.name]
            results += points
            charts.append(chart(points, charts_dir / f"{scenario.name}.png", facts))
    return facts, results, charts


def chart(points: list[Result], path: Path, facts: ServerFacts) -> Path:
    """Medians (with min..max bars) of every figure and floor in the chart's time unit (the
    floors' unit: seconds of work, or milliseconds of latency) against scale, log axes."""
    first = points[0]
    timed = [f.unit for f in (*first.floors, *first.figures) if f.unit in TIME_UNITS]
    unit = timed[0] if timed else "s"
    series: dict[str, list[tuple[int, Figure]]] = defaultdict(list)
    for result in points:
        for f in (*result.figures, *result.floors):
            if f.unit == unit:
                series[f.label].append((result.scale, f))
    fig, ax = plt.subplots(figsize=(8, 5))
    floor_labels = {f.label for r in points for f in r.floors}
    for label, values in series.items():
        xs = [scale for scale, _ in values]
        medians = [f.median for _, f in values]
        below = [f.median - f.low for _, f in values]
        above = [f.high - f.median for _, f in values]
        ax.errorbar(
            xs,
            medians,
            yerr=[below, above],
            marker="o",
            capsize=3,
            label=label,
            linestyle="--" if label in floor_labels else "-",
        )
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel(first.scale_unit)
    ax.set_ylabel(f"time ({unit})")
    durability = "fsync on" if facts.durable else "fsync off"
    ax.set_title(f"{first.scenario}: median, min..max ({durability}, {facts.cores} cores)")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize="small")
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
