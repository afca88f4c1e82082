"""Benchmark results as Rich tables (what a person reads) or JSON (what a program reads)."""

from __future__ import annotations

from typing import Any

from rich.console import Group
from rich.table import Table
from rich.text import Text

from sessionkit.bench.context import ServerFacts
from sessionkit.bench.model import Figure, Result


def fmt(value: float, unit: str) -> str:
    if unit == "/s":
        return f"{value:,.0f}/s"
    if unit == "ms":
        return f"{value:.2f} ms" if value < 100 else f"{value:,.0f} ms"
    return f"{value:.3f} s" if value < 10 else f"{value:.1f} s"


def facts_line(facts: ServerFacts, runs: int) -> Text:
    durability = "durable (fsync on)" if facts.durable else "NOT durable (fsync off)"
    return Text(
        f"PostgreSQL {facts.version} · {durability}: fsync={facts.fsync},"
        f" synchronous_commit={facts.synchronous_commit}, full_page_writes={facts.full_page_writes}"
        f" · shared_buffers={facts.shared_buffers} · {facts.cpu} x {facts.cores} cores"
        f" (load average {facts.load:.1f} at the start)"
        f" · {runs} run(s) per figure"
    )


def figures_table(result: Result) -> Table:
    table = Table(title=f"{result.scenario} — {result.scale:,} {result.scale_unit}", title_justify="left")
    for column in ("measured", "median", "min", "max", "what it is"):
        table.add_column(
            column, no_wrap=column != "what it is", justify="right" if column in "medianminmax" else "left"
        )

    def add(f: Figure, style: str = "") -> None:
        table.add_row(
            f.label,
            fmt(f.median, f.unit),
            fmt(f.low, f.unit),
            fmt(f.high, f.unit),
            f.description,
            style=style,
        )

    for f in result.figures:
        add(f, "bold")
    for f in result.floors:
        add(f, "dim")
    return table


def verdicts_table(result: Result) -> Table:
    table = Table("ratio / check / target", "value", "", show_header=False, box=None, padding=(0, 2))
    for r in result.ratios:
        table.add_row(r.label, f"{r.value:.2f}x", "")
    for c in result.checks:
        table.add_row(c.label, str(c.value), "[green]ok[/]" if c.ok else "[red]FAILED[/]")
    for t in result.targets:
        shown = f"{t.actual:.2f}{t.unit}" if t.unit in ("x", "s") else f"{t.actual:,.1f} {t.unit}"
        verdict = "[green]target met[/]" if t.met else "[yellow]target missed[/]"
        table.add_row(f"target {t.label} {t.comparison} {t.bound:g}{t.unit}", shown, verdict)
    for note in result.notes:
        table.add_row(Text(note, style="italic"), "", "")
    for path in result.plans:
        table.add_row(Text(f"plans: {path}", style="dim"), "", "")
    return table


def render(facts: ServerFacts, runs: int, results: list[Result]) -> Group:
    parts: list[Any] = [facts_line(facts, runs)]
    for result in results:
        parts += [figures_table(result), verdicts_table(result)]
    return Group(*parts)


def figure_json(f: Figure) -> dict[str, Any]:
    return {
        "label": f.label,
        "unit": f.unit,
        "median": f.median,
        "min": f.low,
        "max": f.high,
        "samples": list(f.samples),
        "description": f.description,
    }


def as_json(facts: ServerFacts, runs: int, results: list[Result]) -> dict[str, Any]:
    return {
        "server": {
            "version": facts.version,
            "fsync": facts.fsync,
            "synchronous_commit": facts.synchronous_commit,
            "full_page_writes": facts.full_page_writes,
            "shared_buffers": facts.shared_buffers,
            "durable": facts.durable,
            "cpu": facts.cpu,
            "cores": facts.cores,
            "load_average": facts.load,
        },
        "runs": runs,
        "results": [
            {
                "scenario": r.scenario,
                "scale": r.scale,
                "scale_unit": r.scale_unit,
                "figures": [figure_json(f) for f in r.figures],
                "floors": [figure_json(f) for f in r.floors],
                "ratios": {x.label: x.value for x in r.ratios},
                "checks": [{"label": c.label, "value": c.value, "ok": c.ok} for c in r.checks],
                "targets": [
                    {
                        "label": t.label,
                        "actual": t.actual,
                        "comparison": t.comparison,
                        "bound": t.bound,
                        "unit": t.unit,
                        "met": t.met,
                    }
                    for t in r.targets
                ],
                "plans": r.plans,
                "notes": r.notes,
            }
            for r in results
        ],
    }
