"""Run `public.dispatch_recurring_bookings` now, for a chosen date.

pg_cron runs the dispatcher every night; operators catching up after an outage (or booking
ahead) run it by hand: `sessionkit recurring dispatch --date 2026-12-01`. The call is made as
service_role, exactly as the backend would (`set local role` + JWT claims, see
sessionkit.testing.acting). With `--shards N` the run is split between N connections working at
the same time (each dispatches the series of its shard; the database keeps them disjoint), which
uses several cores on a large catch-up; the summaries are merged.
"""

from __future__ import annotations

import json
import threading
from datetime import date, datetime
from typing import Annotated, Any

import psycopg
import typer
from rich.console import Console
from rich.table import Table

from sessionkit import stack
from sessionkit.cli_options import DbUrl
from sessionkit.config import Project, Target
from sessionkit.db.admin import server_today
from sessionkit.db.connect import connect
from sessionkit.errors import SessionkitError
from sessionkit.testing.acting import acting_as

SUMMED = ("count", "skipped", "already_booked", "deactivated")


def dispatch_shard(url: str, run_date: date, shard: int = 0, shards: int = 1) -> dict[str, Any]:
    """One dispatcher call (one transaction, as service_role); returns its jsonb summary."""
    with connect(url) as conn, acting_as(conn, role="service_role") as c:
        row = c.execute(
            "select public.dispatch_recurring_bookings(%s, %s, %s)", (run_date, shard, shards)
        ).fetchone()
    if row is None:
        raise SessionkitError("dispatch_recurring_bookings returned nothing")
    return dict(row[0])


def dispatch(url: str, run_date: date, shards: int = 1) -> dict[str, Any]:
    """Dispatch every recurring booking due on or before run_date; returns the dispatcher's summary.

    {success, message, run_date, count, bookings[], skipped, already_booked, deactivated,
    errors[{recurring_id, occurrence_date, starts_at, error, detail}]}; with shards > 1 the
    shards run concurrently and their summaries are merged (plus "shards").
    """
    if shards < 1 or shards > 64:
        raise SessionkitError(f"--shards must be between 1 and 64, not {shards}")
    if shards == 1:
        return dispatch_shard(url, run_date)

    results: list[dict[str, Any] | BaseException | None] = [None] * shards

    def worker(shard: int) -> None:
        try:
            results[shard] = dispatch_shard(url, run_date, shard, shards)
        except BaseException as exc:  # re-raised below, in the caller's thread
            results[shard] = exc

    threads = [threading.Thread(target=worker, args=(shard,)) for shard in range(shards)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for result in results:
        if isinstance(result, BaseException):
            raise result
    return merge([r for r in results if isinstance(r, dict)], run_date)


def merge(parts: list[dict[str, Any]], run_date: date) -> dict[str, Any]:
    merged: dict[str, Any] = {key: sum(int(p.get(key, 0)) for p in parts) for key in SUMMED}
    merged["bookings"] = [b for p in parts for b in p.get("bookings", [])]
    merged["errors"] = [e for p in parts for e in p.get("errors", [])]
    merged["success"] = all(p.get("success", False) for p in parts)
    merged["run_date"] = run_date.isoformat()
    merged["shards"] = len(parts)
    merged["message"] = f"Dispatched {merged['count']} recurring bookings in {len(parts)} shards"
    return merged


def summary_table(result: dict[str, Any]) -> Table:
    table = Table(
        "run date",
        "booked",
        "skipped (past)",
        "already booked",
        "deactivated",
        "errors",
        title=str(result.get("message", "")),
    )
    table.add_row(
        str(result.get("run_date")),
        str(result.get("count", 0)),
        str(result.get("skipped", 0)),
        str(result.get("already_booked", 0)),
        str(result.get("deactivated", 0)),
        str(len(result.get("errors", []))),
    )
    return table


def errors_table(errors: list[dict[str, Any]], limit: int = 20) -> Table:
    table = Table(
        "series",
        "occurrence",
        "error",
        "detail",
        title="failed occurrences (outbox: recurring_booking.occurrence_failed)",
    )
    for item in errors[:limit]:
        table.add_row(
            str(item.get("recurring_id")),
            str(item.get("occurrence_date")),
            str(item.get("error")),
            str(item.get("detail") or ""),
        )
    if len(errors) > limit:
        table.add_row("…", "", f"{len(errors) - limit} more", "")
    return table


def dispatch_command(
    run_date: Annotated[
        datetime | None,
        typer.Option(
            "--date",
            formats=["%Y-%m-%d"],
            help="Book every occurrence due on or before this date (default: the database's today).",
        ),
    ] = None,
    db_url: DbUrl = None,
    shards: Annotated[
        int, typer.Option("--shards", help="Split the run between this many concurrent connections.")
    ] = 1,
    as_json: Annotated[bool, typer.Option("--json", help="Print the dispatcher's summary as JSON.")] = False,
) -> None:
    """Run the recurring-bookings dispatcher now for a date (what pg_cron does nightly)."""
    target = Target.resolve(db_url)
    stack.ensure_reachable(Project.discover(), target)
    day = run_date.date() if run_date else server_today(target.url)
    try:
        result = dispatch(target.url, day, shards)
    except psycopg.Error as exc:
        message = exc.diag.message_primary or str(exc).strip().splitlines()[0]
        detail = f" ({exc.diag.message_detail})" if exc.diag.message_detail else ""
        raise SessionkitError(f"dispatch_recurring_bookings failed: {message}{detail}") from exc
    if as_json:
        print(json.dumps(result, indent=2, default=str))
        return
    out = Console()
    out.print(summary_table(result))
    if result.get("errors"):
        out.print(errors_table(result["errors"]))
