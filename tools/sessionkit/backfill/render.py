"""Rich rendering of backfill runs, reports, plans, statuses and conflicts (CLI and demo)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Column, Table
from rich.text import Text

from sessionkit.audit.report import IntegrityReport
from sessionkit.backfill import triggers
from sessionkit.backfill.base import Backfill, Step
from sessionkit.backfill.ledger import ConflictRow
from sessionkit.backfill.operations import Plan, Status
from sessionkit.backfill.reports import Report, Verification
from sessionkit.backfill.runner import Outcome


class RateColumn(ProgressColumn):
    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text("—" if speed is None else f"{speed:,.0f} rows/s", style="cyan")


class ProgressListener:
    """Draws one progress bar per step (rows, rows/s, ETA) and prints notices and reports."""

    def __init__(self, console: Console, progress: Progress, show_reports: bool) -> None:
        self.console = console
        self.progress = progress
        self.show_reports = show_reports
        self.tasks: dict[str, TaskID] = {}

    def notice(self, message: str) -> None:
        self.progress.console.print(f"[yellow]note:[/yellow] {message}", highlight=False)

    def report(self, report: Report) -> None:
        if self.show_reports and report.phase == "pre":
            for renderable in report_tables(report):
                self.progress.console.print(renderable)

    def step_started(self, step: Step, pending: int, pass_: int) -> None:
        label = f"{step.name}: {step.title}" + (f" (pass {pass_})" if pass_ > 1 else "")
        self.tasks[step.name] = self.progress.add_task(label, total=max(pending, 1) if pending else 0)

    def batch_done(self, step: Step, rows: int) -> None:
        task_id = self.tasks[step.name]
        task = self.progress.tasks[task_id]
        if task.total is not None and task.completed + rows > task.total:
            self.progress.update(task_id, total=task.completed + rows)
        self.progress.advance(task_id, rows)

    def step_finished(self, step: Step) -> None:
        task_id = self.tasks[step.name]
        task = self.progress.tasks[task_id]
        self.progress.update(task_id, total=task.completed)


@contextmanager
def run_progress(console: Console, show_reports: bool = True) -> Iterator[ProgressListener]:
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        RateColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, transient=False) as progress:
        yield ProgressListener(console, progress, show_reports)


def report_tables(report: Report) -> list[Table | str]:
    out: list[Table | str] = []
    if report.integrity is None:
        out.append(
            "integrity_report(): not deployed yet (db push stopped before the functions); own counts only"
        )
    else:
        out.append(IntegrityReport(report.integrity).to_table(f"integrity report ({report.phase})"))
    counts = Table("figure", "rows", title=f"backfill counts ({report.phase})")
    for name, value in report.counts.items():
        counts.add_row(name, f"{value:,}")
    out.append(counts)
    return out


def difference_table(pre: Report, post: Report) -> Table:
    table = Table("figure", "before", "after", "difference", title="post-report: before → after")
    for name in post.counts:
        before, after = pre.counts.get(name, 0), post.counts.get(name, 0)
        table.add_row(name, f"{before:,}", f"{after:,}", _delta(after - before))
    before_v, after_v = pre.violations, post.violations
    if after_v is not None:
        for name, violations in after_v.items():
            previous = (before_v or {}).get(name)
            table.add_row(
                f"integrity: {name}",
                "—" if previous is None else f"{previous:,}",
                f"{violations:,}",
                "" if previous is None else _delta(violations - previous),
            )
    return table


def _delta(value: int) -> str:
    if value == 0:
        return "[dim]0[/dim]"
    return f"[green]{value:+,}[/green]" if value < 0 else f"[yellow]{value:+,}[/yellow]"


def changes_table(outcome: Outcome) -> Table:
    table = Table("change", "rows", title=f"{'would change' if outcome.status == 'dry_run' else 'changed'}")
    for name, value in outcome.changes.items():
        table.add_row(name, f"{value:,}")
    return table


def verification_table(verification: Verification) -> Table:
    table = Table("check", "count", "", title="verify")
    for result in verification.results:
        mark = "[green]ok[/green]" if result.passed else "[red]FAILED[/red]"
        table.add_row(f"{result.check.name}: {result.check.description}", f"{result.count:,}", mark)
    return table


def conflict_summary(backfill: Backfill, rows: list[ConflictRow]) -> Table:
    table = Table("conflict kind", "open", "what to do", title=f"open conflicts of {backfill.name}")
    for kind in backfill.conflict_kinds:
        count = sum(1 for c in rows if c.kind == kind.name)
        if count:
            table.add_row(kind.name, f"{count:,}", kind.resolution)
    return table


def conflicts_table(rows: list[ConflictRow], limit: int = 50) -> Table:
    table = Table("id", "kind", "reason", "state", title="conflicts")
    table.add_column("row", no_wrap=True, min_width=36)
    for c in rows[:limit]:
        state = c.resolution or "open"
        table.add_row(str(c.id), c.kind, c.reason, state, c.row_key)
    if len(rows) > limit:
        table.add_row("…", "", f"{len(rows) - limit} more (--json lists all)", "", "")
    return table


def plan_tables(plan: Plan) -> list[Table | str]:
    out: list[Table | str] = []
    deps = (
        ", ".join(f"{name} ({'done' if done else 'NOT RUN'})" for name, done in plan.dependencies) or "none"
    )
    out.append(f"[bold]{plan.backfill.name}[/bold]: {plan.backfill.description}\ndepends on: {deps}")
    runs = triggers.when(plan.backfill.meets)
    out.append(
        f"runs {runs}; now {plan.triggers.describe()}: "
        + ("it can run" if plan.runs_now else "[yellow]push first (`sessionkit db push`)[/yellow]")
        + f"\n[dim]order: {triggers.ORDER}[/dim]"
    )
    if plan.unfinished:
        out.append(
            f"[yellow]run {plan.unfinished.id} is {plan.unfinished.status} at step {plan.unfinished.step}: "
            f"`run` continues it[/yellow]"
        )
    steps = Table("step", "what", "rows to process", "batches", title="steps")
    for step in plan.steps:
        steps.add_row(step.name, step.title, f"{step.pending:,}", f"{step.batches:,}")
    out.append(steps)
    out.append(
        "[dim]rows to process are counted as the data is now: each step also handles what the steps "
        "before it create.[/dim]"
    )
    out.extend(report_tables(plan.report))
    would = Table("what run would change", "rows", title="would change (estimated)")
    for what, rows in plan.preview:
        would.add_row(what, f"{rows:,}")
    out.append(would)
    return out


def status_table(statuses: list[Status]) -> Table:
    table = Table("state", "step", "rows done", "conflicts open", "started", "finished", "rows/s")
    table.columns.insert(0, Column("backfill", no_wrap=True))
    for s in statuses:
        run = s.run
        rate = f"{run.rows_done / run.seconds_running:,.0f}" if run and run.seconds_running else "—"
        table.add_row(
            s.backfill.name,
            s.state,
            (run.step or "") if run else "",
            f"{run.rows_done:,}" if run else "",
            f"{s.open_conflicts:,}",
            f"{run.started_at:%Y-%m-%d %H:%M}" if run else "",
            f"{run.finished_at:%Y-%m-%d %H:%M}" if run and run.finished_at else "",
            rate,
        )
    return table


def outcome_json(outcome: Outcome) -> dict[str, Any]:
    def report(r: Report | None) -> dict[str, Any] | None:
        if r is None:
            return None
        return {"integrity": r.integrity, "counts": r.counts, "difference": r.difference}

    return json.loads(
        json.dumps(
            {
                "status": outcome.status,
                "run": outcome.run.as_json() if outcome.run else None,
                "rows": outcome.rows,
                "seconds": outcome.seconds,
                "changes": outcome.changes,
                "conflicts": outcome.conflicts,
                "pre": report(outcome.pre),
                "post": report(outcome.post),
                "verify": None
                if outcome.verification is None
                else [
                    {"check": r.check.name, "count": r.count, "passed": r.passed}
                    for r in outcome.verification.results
                ],
            },
            default=str,
        )
    )
