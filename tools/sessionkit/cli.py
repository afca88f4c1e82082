"""`sessionkit`: a thin Typer layer over the toolkit library."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated
from uuid import UUID

import psycopg
import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table

from sessionkit import stack
from sessionkit.backfill.cli import backfill_app
from sessionkit.bench.cli import bench_command
from sessionkit.cli_options import DbUrl, JsonFlag
from sessionkit.config import Project, Target
from sessionkit.db.admin import cron_jobs, server_clock_offset, server_version
from sessionkit.db.clock import describe_clock, is_fake, parse_clock
from sessionkit.db.cluster import LocalCluster
from sessionkit.db.connect import connect
from sessionkit.db.prerequisites import pg_cron_enabled
from sessionkit.errors import SessionkitError
from sessionkit.legacy.cli import legacy_app
from sessionkit.migrate import bundle
from sessionkit.migrate.files import MigrationFile, version_to_datetime
from sessionkit.migrate.push import status as migration_status
from sessionkit.outbox.cli import work_command
from sessionkit.recurring.cli import dispatch_command
from sessionkit.typegen.cli import gen_types

app = typer.Typer(
    help="Toolkit of the sessionkit booking database.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
db_app = typer.Typer(help="The database: local stack, migrations.", no_args_is_help=True)
app.add_typer(db_app, name="db")
gen_app = typer.Typer(help="Generate typed clients from the live catalog.", no_args_is_help=True)
app.add_typer(gen_app, name="gen")
gen_app.command("types")(gen_types)
recurring_app = typer.Typer(help="Recurring bookings.", no_args_is_help=True)
app.add_typer(recurring_app, name="recurring")
recurring_app.command("dispatch")(dispatch_command)
app.add_typer(legacy_app, name="legacy")
app.add_typer(backfill_app, name="backfill")
outbox_app = typer.Typer(help="The transactional outbox: deliver events to webhooks.", no_args_is_help=True)
app.add_typer(outbox_app, name="outbox")
outbox_app.command("work")(work_command)
app.command("bench")(bench_command)

out = Console()
err = Console(stderr=True)


def _target(db_url: str | None) -> tuple[Project, Target]:
    project = Project.discover()
    target = Target.resolve(db_url)
    stack.ensure_reachable(project, target)
    return project, target


class MigrationProgress:
    """A push listener drawing a progress bar over the pending migrations (on stderr)."""

    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.task = progress.add_task("applying migrations", total=None)

    def planned(self, pending: list[MigrationFile]) -> None:
        self.progress.update(self.task, total=len(pending))

    def applied(self, migration: MigrationFile) -> None:
        self.progress.update(self.task, advance=1, description=f"applied {migration.path.name}")


@contextmanager
def migration_progress() -> Iterator[MigrationProgress]:
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
    with Progress(*columns, console=err, transient=True) as progress:
        yield MigrationProgress(progress)


# -- db ----------------------------------------------------------------------------------
@db_app.command("start")
def db_start(
    clock: Annotated[
        str | None,
        typer.Option(
            "--clock",
            metavar="MOMENT|+Nd",
            help="Run the server as if now were MOMENT (2027-03-27T12:00, UTC unless an offset is given)"
            " or real time +Nd/-Nd/+Nh/+Nm (libfaketime). Without it: real time.",
        ),
    ] = None,
) -> None:
    """Start the local stack (idempotent, fast when running on the requested clock)."""
    project = Project.discover()
    started = stack.start_cluster_at(LocalCluster(project), parse_clock(clock) if clock else None)
    state = "started" if started else "already running"
    suffix = f", clock {clock}" if clock else ""
    out.print(f"{state}: {Target.resolve().display}{suffix}", highlight=False)


@db_app.command("stop")
def db_stop() -> None:
    """Stop the local stack."""
    stopped = LocalCluster(Project.discover()).stop()
    out.print("stopped" if stopped else "not running")


@db_app.command("url")
def db_url(db_url: DbUrl = None) -> None:
    """Print the connection URL of the target database."""
    out.print(Target.resolve(db_url).url, highlight=False)


@db_app.command("status")
def db_status(db_url: DbUrl = None, as_json: JsonFlag = False) -> None:
    """URL, server version and clock, migrations applied/pending, pg_cron jobs."""
    project, target = _target(db_url)
    recorded = LocalCluster(project).clock if target.is_local else None
    with connect(target.url) as conn:
        version = server_version(conn)
        server_time, offset = server_clock_offset(conn)
        rows = migration_status(conn, project.bundle_dir)
        jobs = cron_jobs(conn)
    applied = sum(r.applied for r in rows)
    pending = sum(not r.applied for r in rows)
    if as_json:
        print(
            json.dumps(
                {
                    "url": target.display,
                    "server_version": version,
                    "clock": {
                        "now": server_time.isoformat(),
                        "fake": is_fake(offset),
                        "offset_seconds": round(offset.total_seconds(), 3),
                        "requested": recorded.requested if recorded else None,
                    },
                    "applied": applied,
                    "pending": pending,
                    "cron_jobs": [
                        {"name": n, "schedule": s, "command": c, "active": a} for n, s, c, a in jobs
                    ],
                }
            )
        )
        return
    out.print(f"url:        {target.display}", highlight=False)
    out.print(f"server:     PostgreSQL {version}")
    out.print(f"clock:      {describe_clock(server_time, offset, recorded)}", highlight=False, soft_wrap=True)
    out.print(f"migrations: {applied} applied, {pending} pending")
    table = Table("pg_cron job", "schedule", "active", "command")
    for name, schedule, command, active in jobs:
        table.add_row(name, schedule, "yes" if active else "no", command)
    out.print(table if jobs else "pg_cron:    no jobs")


@db_app.command("reset")
def db_reset(
    db_url: DbUrl = None,
    no_seed: Annotated[bool, typer.Option("--no-seed", help="Skip seeds/.")] = False,
    to: Annotated[
        str | None, typer.Option("--to", help="Apply migrations up to this version only (no seeds).")
    ] = None,
) -> None:
    """Drop and recreate the local stack's database, apply every migration, load seeds."""
    project, target = _target(db_url)
    with migration_progress() as listener:
        applied = stack.reset(project, target, with_seed=not no_seed, listener=listener, to=to)
    seeded = not no_seed and to is None
    out.print(
        f"reset {target.display}: {len(applied)} migrations applied" + (", seeds loaded" if seeded else ""),
        highlight=False,
    )


@db_app.command("push")
def db_push(
    db_url: DbUrl = None,
    to: Annotated[str | None, typer.Option("--to", help="Stop at this version.")] = None,
    dry_run: Annotated[
        bool,
        typer.Option("--dry-run", help="List what would run; evaluate the guards of contract migrations."),
    ] = False,
) -> None:
    """Apply pending migrations of supabase/migrations, each in its own transaction."""
    project, target = _target(db_url)
    if dry_run:
        applied = _push_dry_run(project, target, to)
    else:
        with migration_progress() as listener:
            applied = stack.push_target(project, target, to=to, listener=listener)
    verb = "would apply" if dry_run else "applied"
    out.print(f"{verb} {len(applied)} migration(s) on {target.display}", highlight=False)
    if not dry_run and not target.is_local:
        _warn_without_pg_cron(target)


SCHEDULE_JOBS_SQL = "select * from ops.schedule_jobs();"


def _warn_without_pg_cron(target: Target) -> None:
    """Migrations schedule their jobs only where the project enabled pg_cron; never enable it,
    but say how to schedule them once it is (ops.schedule_jobs, idempotent)."""
    with connect(target.url) as conn:
        if pg_cron_enabled(conn):
            return
    err.print(
        f"warning: pg_cron is not enabled on {target.display} (Database → Extensions): "
        "the product's jobs are not scheduled; after enabling it, run in the SQL editor or psql: "
        f"{SCHEDULE_JOBS_SQL}",
        highlight=False,
        soft_wrap=True,
    )


def _push_dry_run(project: Project, target: Target, to: str | None) -> list[MigrationFile]:
    """Print what a push would apply, up to the first guard that would refuse, and every guard's verdict."""
    verdicts = stack.push_dry_run(project, target, to)
    stop = next((i for i, (_, v) in enumerate(verdicts) if v is not None and v.refuses), len(verdicts))
    for migration, _ in verdicts[:stop]:
        out.print(f"would apply {migration.path.name}", highlight=False)
    if stop < len(verdicts):
        out.print(f"[red]would stop at[/red] {verdicts[stop][1].describe()}", highlight=False)  # type: ignore[union-attr]
        out.print(f"({len(verdicts) - stop} migration(s) wait for it)", highlight=False)
    later = [v for _, v in verdicts[stop + 1 :] if v is not None]
    if later:
        out.print("later guards, on the data as it is now:", highlight=False)
        for verdict in later:
            out.print(f"  {verdict.describe()}", highlight=False)
    return [m for m, _ in verdicts[:stop]]


@db_app.command("migrations")
def db_migrations(db_url: DbUrl = None, as_json: JsonFlag = False) -> None:
    """List applied and pending migrations with their timestamps."""
    project, target = _target(db_url)
    with connect(target.url) as conn:
        rows = migration_status(conn, project.bundle_dir)
    if as_json:
        print(
            json.dumps(
                [
                    {"version": r.version, "name": r.name, "applied": r.applied, "in_bundle": r.in_bundle}
                    for r in rows
                ]
            )
        )
        return
    table = Table("version", "timestamp (UTC)", "name", "state")
    for r in rows:
        when = version_to_datetime(r.version).strftime("%Y-%m-%d %H:%M:%S")
        state = "applied" if r.applied else "pending"
        if not r.in_bundle:
            state += " (not in bundle)"
        table.add_row(r.version, when, r.name, state)
    out.print(table)


# -- build -------------------------------------------------------------------------------
@app.command("build")
def build(
    check: Annotated[bool, typer.Option("--check", help="Fail if supabase/ is stale.")] = False,
) -> None:
    """Generate supabase/migrations, seed.sql and config.toml from the sources."""
    project = Project.discover()
    plan = bundle.plan_build(project)
    if check:
        if not plan.is_current:
            raise SessionkitError("supabase/ is stale (run `sessionkit build`): " + "; ".join(plan.reasons))
        out.print("supabase/ is up to date")
        return
    bundle.apply_build(plan)
    for reason in plan.reasons:
        out.print(f"updated: {reason}", highlight=False)
    out.print("supabase/ is up to date" if plan.is_current else f"wrote {len(plan.writes)} file(s)")


# -- lint --------------------------------------------------------------------------------
@app.command("lint")
def lint(
    db_url: DbUrl = None,
    files_only: Annotated[bool, typer.Option("--files-only", help="Skip the database lints.")] = False,
) -> None:
    """sqlfluff + squawk on the sources; catalog rules + supabase db lint on the database."""
    from sessionkit.lint.runner import lint_all

    project = Project.discover()
    target = None
    if not files_only:
        target = Target.resolve(db_url)
        stack.ensure_reachable(project, target)
    with err.status("linting") as spinner:
        findings = lint_all(project, target, on_step=lambda s: spinner.update(f"linting: {s}"))
    for finding in findings:
        print(finding)
    if findings:
        raise SessionkitError(f"lint: {len(findings)} finding(s)")
    out.print("lint: clean")


# -- test --------------------------------------------------------------------------------
@app.command("test", context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
def test(
    ctx: typer.Context,
    db_url: DbUrl = None,
    pgtap_only: Annotated[bool, typer.Option("--pgtap-only", help="Only supabase/tests.")] = False,
    pytest_only: Annotated[bool, typer.Option("--pytest-only", help="Only tests/.")] = False,
    install_test_helpers: Annotated[
        bool,
        typer.Option(
            "--install-test-helpers",
            help="With --db-url: install pgTAP and schema tests for this run, remove them afterwards.",
        ),
    ] = False,
    calendar: Annotated[
        bool,
        typer.Option(
            "--calendar",
            help="Also run the pgTAP suites on a database holding other tenants' data, now and with"
            " its clock on each of the next 7 days and on calendar edges (DST, 29 Feb, month/year ends).",
        ),
    ] = False,
) -> None:
    """Every pgTAP and pytest suite in one pytest run (extra arguments go to pytest); with
    --db-url, the pgTAP suites on that database, which must already be migrated."""
    from sessionkit.testing.runner import run_tests

    code = run_tests(
        Project.discover(),
        Target.resolve(db_url),
        pgtap_only=pgtap_only,
        pytest_only=pytest_only,
        install_helpers=install_test_helpers,
        extra=list(ctx.args),
        calendar=calendar,
    )
    if code != 0:
        raise typer.Exit(code)


# -- audit -------------------------------------------------------------------------------
@app.command("audit")
def audit(
    db_url: DbUrl = None,
    org: Annotated[UUID | None, typer.Option("--org", help="Only this organization.")] = None,
    fmt: Annotated[str, typer.Option("--format", help="table or json.")] = "table",
    fail_on_violations: Annotated[
        bool, typer.Option("--fail-on-violations", help="Exit 1 when any invariant is violated.")
    ] = False,
) -> None:
    """Print the integrity report: every invariant, its violation count and sample ids."""
    from sessionkit.audit.report import integrity_report

    if fmt not in ("table", "json"):
        raise SessionkitError(f"--format must be table or json, not {fmt!r}")
    _, target = _target(db_url)
    with connect(target.url) as conn:
        report = integrity_report(conn, org)
    if fmt == "json":
        print(report.to_json())
    else:
        out.print(report.to_table())
        out.print(f"total violations: {report.total_violations}")
    if fail_on_violations and report.total_violations:
        raise SessionkitError(f"{report.total_violations} integrity violation(s)")


# -- demo --------------------------------------------------------------------------------
@app.command("demo")
def demo(db_url: DbUrl = None) -> None:
    """Walk through the product on the demo data (every scene is rolled back)."""
    from sessionkit.demo.run import run_demo

    _, target = _target(db_url)
    run_demo(target.url, out, legacy_upgrade=target.is_local)


def main() -> None:
    try:
        app()
    except SessionkitError as exc:
        err.print(f"error: {exc}", highlight=False, soft_wrap=True)
        sys.exit(1)
    except psycopg.Error as exc:
        err.print(f"error: {str(exc).strip().splitlines()[0]}", highlight=False, soft_wrap=True)
        sys.exit(1)
