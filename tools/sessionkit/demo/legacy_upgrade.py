"""The demo's last scene: a small legacy database upgraded with `db push` and the five backfills,
with their before/after reports. It runs in a throwaway database on the same server (created and
dropped here), so the demo data and the other scenes are untouched."""

from __future__ import annotations

import uuid
from pathlib import Path

from rich.console import Console
from rich.table import Table

from sessionkit import stack
from sessionkit.audit.report import integrity_report
from sessionkit.backfill import ledger, practice
from sessionkit.backfill.registry import backfills
from sessionkit.backfill.render import difference_table
from sessionkit.backfill.runner import Outcome
from sessionkit.config import Project, Target
from sessionkit.db.admin import create_database, drop_database
from sessionkit.db.connect import connect
from sessionkit.legacy.generate import LEGACY_BASELINE_VERSION, generate

SCALE = 2000
NARRATION = (
    "A practice copy of production as it runs today (the legacy schema, 2,000 generated bookings "
    "with the usual mess: '3h' next to '180 min', 'tbd' durations, 1-to-1 bookings without a service "
    "session, double-booked providers, duplicate subscriptions, cancellations without records) is "
    "upgraded the way docs/backfills.md says: push until a guard refuses, run each backfill (each "
    "prints its report before and after), fix what they logged as conflicts, run them again, push."
)


def play_legacy_upgrade(server_url: str, console: Console, number: int) -> None:
    project = Project.discover()
    name = f"sk_demo_legacy_{uuid.uuid4().hex[:8]}"
    url = create_database(server_url, name)
    try:
        target = Target(url=url, is_local=True)
        stack.push_target(project, target, to=LEGACY_BASELINE_VERSION)
        with connect(url) as conn:
            generate(conn, SCALE, seed=1)
        console.rule(f"[bold]{number}. Upgrading a legacy database: staged backfills")
        console.print(NARRATION, highlight=False)
        _upgrade(project, target, console)
    finally:
        drop_database(server_url, name)


def _upgrade(project: Project, target: Target, console: Console) -> None:
    def reported(name: str, outcome: Outcome) -> None:
        assert outcome.pre is not None and outcome.post is not None
        console.print(
            f"\n[cyan]operator[/cyan] → sessionkit backfill run {name}: {outcome.rows:,} rows, "
            f"{outcome.conflicts:,} conflict(s) logged",
            highlight=False,
        )
        table = difference_table(outcome.pre, outcome.post)
        table.title = f"{name}: report before → after"
        console.print(table)

    done = practice.Upgrade()
    console.print("\n[cyan]operator[/cyan] → sessionkit db push", highlight=False)
    practice.first_push(project, target, done)
    path, _, reason = str(done.first_stop).partition(": ")
    console.print(f"[red]stops at {Path(path).name}[/red]: {reason}", highlight=False)
    practice.run_backfills(project, target, done, after_each=reported)

    with connect(target.url) as conn:
        log = Table("backfill", "conflict kind", "open", "applied by rule", title="what the backfills logged")
        for backfill in backfills():
            rows = ledger.conflicts(conn, backfill.name, include_resolved=True)
            for kind in backfill.conflict_kinds:
                states = [c.resolution or "open" for c in rows if c.kind == kind.name]
                if states:
                    log.add_row(
                        backfill.name, kind.name, str(states.count("open")), str(states.count("applied"))
                    )
        console.print(log)
    practice.fix_and_run_again(project, target, done)
    console.print(
        f"\n[cyan]operator[/cyan] → cancels the later booking of {len(done.touched)} double-booked pair(s), "
        "corrects or clears the unreadable durations, runs every backfill again (the double-bookings and "
        "durations are found fixed; the ambiguous kinds and credits stay logged for review)",
        highlight=False,
    )
    console.print("\n[cyan]operator[/cyan] → sessionkit db push", highlight=False)
    practice.contract_push(project, target, done)
    console.print("push: " + ("every migration applied" if done.final_stop is None else str(done.final_stop)))
    with connect(target.url) as conn:
        report = integrity_report(conn)
    summary = Table("step", "seconds", title="the whole upgrade")
    for step, seconds in done.seconds.items():
        summary.add_row(step, f"{seconds:.2f}")
    console.print(summary)
    console.print(f"integrity_report() after the upgrade: {report.total_violations} violation(s)")
