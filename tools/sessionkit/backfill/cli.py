"""`sessionkit backfill list | plan | run | status | resume | verify | conflicts`: a thin layer
over the runner and sessionkit.backfill.operations."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

import psycopg
import typer
from rich.console import Console
from rich.table import Table

from sessionkit import stack
from sessionkit.backfill import operations, render, triggers
from sessionkit.backfill.registry import backfills, get
from sessionkit.backfill.runner import Outcome, Runner, RunOptions
from sessionkit.cli_options import DbUrl, JsonFlag
from sessionkit.config import Project, Target
from sessionkit.db.connect import connect
from sessionkit.errors import SessionkitError

backfill_app = typer.Typer(help="Staged, resumable data backfills (legacy upgrade).", no_args_is_help=True)

out = Console()
err = Console(stderr=True)

Name = Annotated[str, typer.Argument(help="Backfill name (see `sessionkit backfill list`).")]
BatchSize = Annotated[int, typer.Option("--batch-size", help="Rows per batch (one transaction each).")]
Sleep = Annotated[float, typer.Option("--sleep", help="Seconds to pause between batches.")]
MaxRuntime = Annotated[
    float | None, typer.Option("--max-runtime", help="Pause (resumable) after this many seconds.")
]


@contextmanager
def _connection(db_url: str | None) -> Iterator[tuple[Project, psycopg.Connection]]:
    project = Project.discover()
    target = Target.resolve(db_url)
    stack.ensure_reachable(project, target)
    with connect(target.url) as conn:
        yield project, conn


def _print_json(data: object) -> None:
    print(json.dumps(data, indent=2, default=str))


@backfill_app.command("list")
def list_command(as_json: JsonFlag = False) -> None:
    """The backfills, in the order they run."""
    items = backfills()
    if as_json:
        _print_json(
            [
                {
                    "name": b.name,
                    "title": b.title,
                    "description": b.description,
                    "depends_on": list(b.depends_on),
                    "runs": triggers.when(b.meets),
                    "steps": [s.name for s in b.steps],
                    "conflict_kinds": [k.name for k in b.conflict_kinds],
                }
                for b in items
            ]
        )
        return
    table = Table("#", "backfill", "what it does", "after", "runs")
    for number, b in enumerate(items, start=1):
        table.add_row(str(number), b.name, b.title, ", ".join(b.depends_on) or "—", triggers.when(b.meets))
    out.print(table)
    out.print(f"order: {triggers.ORDER}")
    out.print(
        "`sessionkit backfill plan NAME` says what one would do; `--json` lists steps and conflict kinds."
    )


@backfill_app.command("plan")
def plan_command(
    name: Name, batch_size: BatchSize = 5000, db_url: DbUrl = None, as_json: JsonFlag = False
) -> None:
    """Rows to process, batches, the pre-report, and what `run` would change."""
    backfill = get(name)
    with _connection(db_url) as (project, conn):
        plan = operations.plan(conn, backfill, project.bundle_dir, batch_size)
    if as_json:
        _print_json(plan.as_json())
        return
    for renderable in render.plan_tables(plan):
        out.print(renderable)


def _execute(name: str, options: RunOptions, db_url: str | None, as_json: bool) -> None:
    backfill = get(name)
    with _connection(db_url) as (project, conn):
        console = err if as_json else out
        with render.run_progress(console, show_reports=not as_json) as listener:
            outcome = Runner(conn, backfill, project.bundle_dir, options, listener).run()
        open_rows = operations.conflicts(conn, backfill)
    if as_json:
        _print_json(render.outcome_json(outcome))
    else:
        _summarise(outcome, backfill.name, open_rows, console)
    if outcome.verification is not None and not outcome.verification.passed:
        failed = [r.check.name for r in outcome.verification.results if not r.passed]
        raise SessionkitError(f"backfill {name}: verify failed ({', '.join(failed)})")


def _summarise(outcome: Outcome, name: str, open_rows: list, console: Console) -> None:  # type: ignore[type-arg]
    backfill = get(name)
    if outcome.post is not None and outcome.pre is not None:
        console.print(render.difference_table(outcome.pre, outcome.post))
    console.print(render.changes_table(outcome))
    if outcome.verification is not None:
        console.print(render.verification_table(outcome.verification))
    if open_rows:
        console.print(render.conflict_summary(backfill, open_rows))
    rate = outcome.rows / outcome.seconds if outcome.seconds else 0
    if outcome.status == "paused":
        console.print(
            f"paused after {outcome.seconds:.1f} s ({outcome.rows:,} rows): "
            f"`sessionkit backfill resume {name}` continues",
            highlight=False,
        )
    elif outcome.status == "dry_run":
        console.print(
            f"dry run: nothing was changed ({outcome.rows:,} rows examined, "
            f"{outcome.conflicts:,} would be conflicts)",
            highlight=False,
        )
    else:
        console.print(
            f"{name}: {outcome.status} (run {outcome.run.id if outcome.run else '-'}), "
            f"{outcome.rows:,} rows in "
            f"{outcome.seconds:.1f} s ({rate:,.0f} rows/s), {len(open_rows):,} open conflict(s)",
            highlight=False,
        )


@backfill_app.command("run")
def run_command(
    name: Name,
    batch_size: BatchSize = 5000,
    sleep: Sleep = 0.0,
    max_runtime: MaxRuntime = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Roll every batch back; store nothing.")] = False,
    db_url: DbUrl = None,
    as_json: JsonFlag = False,
) -> None:
    """Run (or continue) a backfill: pre-report, batches with progress, post-report, verify."""
    _execute(name, RunOptions(batch_size, sleep, max_runtime, dry_run), db_url, as_json)


@backfill_app.command("resume")
def resume_command(
    name: Name,
    batch_size: BatchSize = 5000,
    sleep: Sleep = 0.0,
    max_runtime: MaxRuntime = None,
    db_url: DbUrl = None,
    as_json: JsonFlag = False,
) -> None:
    """Continue an interrupted, paused or failed run from its last checkpoint."""
    _execute(name, RunOptions(batch_size, sleep, max_runtime, resume_only=True), db_url, as_json)


@backfill_app.command("status")
def status_command(db_url: DbUrl = None, as_json: JsonFlag = False) -> None:
    """The latest run of every backfill: state, step, progress, open conflicts."""
    with _connection(db_url) as (_, conn):
        statuses = operations.status(conn)
    if as_json:
        _print_json([s.as_json() for s in statuses])
        return
    out.print(render.status_table(statuses))
    for s in statuses:
        if s.run and s.run.last_error and s.run.status != "succeeded":
            out.print(f"{s.backfill.name}: last error: {s.run.last_error}", highlight=False)


@backfill_app.command("verify")
def verify_command(name: Name, db_url: DbUrl = None, as_json: JsonFlag = False) -> None:
    """Run the backfill's verify checks now (stored as a verify report); exit 1 if any fails."""
    backfill = get(name)
    with _connection(db_url) as (project, conn):
        verification, report = operations.verify(conn, backfill, project.bundle_dir)
    if as_json:
        _print_json(
            {
                "backfill": name,
                "passed": verification.passed,
                "checks": [
                    {"check": r.check.name, "description": r.check.description, "count": r.count}
                    for r in verification.results
                ],
                "counts": report.counts,
            }
        )
    else:
        out.print(render.verification_table(verification))
    if not verification.passed:
        raise SessionkitError(f"backfill {name}: verify failed")


@backfill_app.command("conflicts")
def conflicts_command(
    name: Name,
    show_all: Annotated[bool, typer.Option("--all", help="Include resolved ones.")] = False,
    kind: Annotated[str | None, typer.Option("--kind", help="Only this kind.")] = None,
    accept: Annotated[
        int | None, typer.Option("--accept", help="Accept this conflict's data as it is (where allowed).")
    ] = None,
    note: Annotated[str, typer.Option("--note", help="Why (required with --accept).")] = "",
    db_url: DbUrl = None,
    as_json: JsonFlag = False,
) -> None:
    """What the backfill would not guess, with what to do about each kind."""
    backfill = get(name)
    with _connection(db_url) as (_, conn):
        if accept is not None:
            accepted = operations.accept(conn, backfill, accept, note)
            out.print(
                f"accepted conflict {accepted.id} ({accepted.kind}, {accepted.row_key})", highlight=False
            )
            return
        rows = operations.conflicts(conn, backfill, show_all, kind)
    if as_json:
        _print_json([r.as_json() for r in rows])
        return
    open_rows = [r for r in rows if r.resolved_at is None]
    if open_rows:
        out.print(render.conflict_summary(backfill, open_rows))
    out.print(render.conflicts_table(rows) if rows else f"{name}: no {'' if show_all else 'open '}conflicts")
