"""A whole legacy upgrade on a practice database, as docs/backfills.md tells an operator to do it:
push (it stops at a guard), run the backfills the triggers present allow, resolve the blocking
conflicts the documented way, run them again, push (it completes), then the remaining backfills
(those written for this release's triggers only, e.g. cancellations).

For generated data only (bench, demo, tests): a real operator looks at every conflict before
deciding; here the decisions are the runbook's examples (the later booking of a double-booked
pair is cancelled, "3" meant three hours, other unreadable durations are cleared, a cancelled
booking's credit is restored).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import psycopg

from sessionkit import stack
from sessionkit.backfill import triggers
from sessionkit.backfill.registry import backfills, get
from sessionkit.backfill.runner import Outcome, RunListener, Runner, RunOptions
from sessionkit.config import Project, Target
from sessionkit.migrate.push import MigrationRefused


def push(project: Project, target: Target) -> MigrationRefused | None:
    """`db push`: None when everything applied, else the guard's refusal (where it stopped)."""
    try:
        stack.push_target(project, target)
    except MigrationRefused as refused:
        return refused
    return None


def run(
    bundle_dir: Path,
    url: str,
    name: str,
    options: RunOptions | None = None,
    listener: RunListener | None = None,
) -> Outcome:
    with psycopg.connect(url, autocommit=True) as conn:
        return Runner(conn, get(name), bundle_dir, options or RunOptions(), listener).run()


def runnable(bundle_dir: Path, url: str) -> list[str]:
    """The backfills, in run order, written for the triggers the database has now."""
    with psycopg.connect(url, autocommit=True) as conn:
        found = triggers.present(conn, bundle_dir)
    return [b.name for b in backfills() if found.generation in b.meets]


def run_all(bundle_dir: Path, url: str, options: RunOptions | None = None) -> dict[str, Outcome]:
    """Every backfill the triggers present allow (`runnable`), in order."""
    return {name: run(bundle_dir, url, name, options) for name in runnable(bundle_dir, url)}


def resolve_conflicts(url: str) -> set[str]:
    """The runbook's fixes for the blocking conflicts; returns the bookings whose client, provider,
    time or status changed (the cancelled halves of double-bookings)."""
    touched: set[str] = set()
    with psycopg.connect(url, autocommit=True) as conn:
        rows = conn.execute(
            """select c.row_key, c.payload from ops.backfill_conflicts c
               where c.backfill = 'service_sessions' and c.kind = 'provider_double_booked'
                 and c.resolved_at is null"""
        ).fetchall()
        for key, payload in rows:
            others = payload.get("bookings") or []
            if payload.get("sessions") or any(other < key for other in others):
                conn.execute("update public.bookings set status = 'cancelled' where id = %s", (key,))
                touched.add(key)
        conn.execute(
            """update public.packages p
               set duration = case when p.duration = '3' then '3h' end
               from ops.backfill_conflicts c
               where c.backfill = 'session_types' and c.resolved_at is null and c.row_key = p.id::text
                 and c.kind in ('unparseable_duration', 'ambiguous_duration')"""
        )
    return touched


def restore_credits(url: str) -> None:
    """Cancelled bookings that had spent a credit get it back (their record says no_refund)."""
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(
            """update public.bookings b set subscription_id = null
               from ops.backfill_conflicts c
               where c.backfill = 'cancellations' and c.kind = 'cancelled_booking_with_credit'
                 and c.resolved_at is null and c.row_key = b.id::text"""
        )


@dataclass
class Upgrade:
    """What a practice upgrade did and how long each part took."""

    first_stop: MigrationRefused | None = None
    first_runs: dict[str, Outcome] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    touched: set[str] = field(default_factory=set)
    final_stop: MigrationRefused | None = None

    @property
    def wall_seconds(self) -> float:
        return sum(self.seconds.values())


def first_push(project: Project, target: Target, done: Upgrade) -> None:
    started = time.perf_counter()
    done.first_stop = push(project, target)
    done.seconds["push (expand)"] = time.perf_counter() - started


def run_backfills(
    project: Project,
    target: Target,
    done: Upgrade,
    options: RunOptions | None = None,
    after_each: Callable[[str, Outcome], None] | None = None,
) -> None:
    """The backfills the triggers present allow that have not run yet, timed."""
    for name in runnable(project.bundle_dir, target.url):
        if name in done.first_runs:
            continue
        started = time.perf_counter()
        outcome = run(project.bundle_dir, target.url, name, options)
        done.seconds[name] = time.perf_counter() - started
        done.first_runs[name] = outcome
        if after_each:
            after_each(name, outcome)


def fix_and_run_again(
    project: Project, target: Target, done: Upgrade, options: RunOptions | None = None
) -> None:
    started = time.perf_counter()
    done.touched = resolve_conflicts(target.url)
    run_all(project.bundle_dir, target.url, options)
    done.seconds["conflicts resolved, backfills again"] = time.perf_counter() - started


def contract_push(project: Project, target: Target, done: Upgrade) -> None:
    started = time.perf_counter()
    done.final_stop = push(project, target)
    done.seconds["push (contract)"] = time.perf_counter() - started


def after_push(
    project: Project,
    target: Target,
    done: Upgrade,
    options: RunOptions | None = None,
    after_each: Callable[[str, Outcome], None] | None = None,
) -> None:
    """Once the push completed: the backfills that wait for this release's triggers, then the
    runbook's fix of their conflicts (a cancelled booking's credit restored) and them again."""
    run_backfills(project, target, done, options, after_each)
    started = time.perf_counter()
    restore_credits(target.url)
    run(project.bundle_dir, target.url, "cancellations", options)
    done.seconds["credits restored, cancellations again"] = time.perf_counter() - started


def upgrade(
    project: Project,
    target: Target,
    options: RunOptions | None = None,
    after_each: Callable[[str, Outcome], None] | None = None,
    contract: bool = True,
) -> Upgrade:
    """push -> the backfills the stop allows -> the runbook's fixes -> them again -> push -> the
    remaining backfills (unless `contract` is false: then call contract_push() and after_push()
    when ready)."""
    done = Upgrade()
    first_push(project, target, done)
    run_backfills(project, target, done, options, after_each)
    fix_and_run_again(project, target, done, options)
    if contract:
        contract_push(project, target, done)
        after_push(project, target, done, options, after_each)
    return done
