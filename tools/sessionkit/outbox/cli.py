"""`sessionkit outbox work`: run the webhook delivery worker against any database."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any

import httpx
import typer
from rich.console import Console
from rich.table import Table

from sessionkit import stack
from sessionkit.cli_options import DbUrl
from sessionkit.config import Project, Target
from sessionkit.db.connect import connect
from sessionkit.outbox.rpc import ConsumerRpc
from sessionkit.outbox.worker import OutboxWorker, WorkerSettings, WorkerStats

err = Console(stderr=True)


def status_line(stats: WorkerStats) -> str:
    return (
        f"claimed {stats.claimed} · delivered {stats.acked} · retrying {stats.retrying}"
        f" · dead {stats.dead} · released {stats.released} — {stats.last}"
    )


def summary_table(consumer: str, stats: WorkerStats) -> Table:
    table = Table(
        "claimed",
        "delivered",
        "retrying",
        "dead letters",
        "released",
        "HTTP requests",
        "failed requests",
        title=f"outbox consumer {consumer}",
    )
    table.add_row(
        *(
            str(v)
            for v in (
                stats.claimed,
                stats.acked,
                stats.retrying,
                stats.dead,
                stats.released,
                stats.requests,
                stats.failed_requests,
            )
        )
    )
    return table


@contextmanager
def stop_on_signals(worker: OutboxWorker) -> Iterator[None]:
    """SIGTERM/SIGINT ask the worker to stop cleanly instead of killing it mid-delivery."""
    previous = {sig: signal.getsignal(sig) for sig in (signal.SIGTERM, signal.SIGINT)}

    def handler(signum: int, frame: Any) -> None:
        worker.stop()

    for sig in previous:
        signal.signal(sig, handler)
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


def work_command(
    once: Annotated[bool, typer.Option("--once", help="Deliver what is due now, then exit.")] = False,
    consumer: Annotated[
        str, typer.Option("--consumer", help="Consumer name (its own cursor and retries).")
    ] = "webhooks",
    batch_size: Annotated[int, typer.Option("--batch-size", min=1, max=1000, help="Events per claim.")] = 20,
    poll: Annotated[float, typer.Option("--poll", min=0.01, help="Seconds between claims when idle.")] = 1.0,
    timeout: Annotated[
        float, typer.Option("--timeout", min=0.1, help="HTTP timeout per request, seconds.")
    ] = 10.0,
    max_attempts: Annotated[
        int | None, typer.Option("--max-attempts", help="Attempts before the dead letter.")
    ] = None,
    retry_base: Annotated[
        float | None, typer.Option("--retry-base", help="First retry delay, seconds (doubles).")
    ] = None,
    retry_max: Annotated[
        float | None, typer.Option("--retry-max", help="Longest retry delay, seconds.")
    ] = None,
    lease: Annotated[
        float | None, typer.Option("--lease", help="Seconds a claim stays with this worker.")
    ] = None,
    allow_private_targets: Annotated[
        bool,
        typer.Option(
            "--allow-private-targets",
            help="Also call webhooks on loopback/private addresses (local testing).",
        ),
    ] = False,
    db_url: DbUrl = None,
) -> None:
    """Deliver outbox events to the organizations' webhooks: claim, POST (signed), ack or retry."""
    target = Target.resolve(db_url)
    stack.ensure_reachable(Project.discover(), target)
    settings = WorkerSettings(consumer, batch_size, poll, timeout, allow_private_targets)
    with connect(target.url) as conn, httpx.Client(timeout=timeout, follow_redirects=False) as client:
        policy = {
            "max_attempts": max_attempts,
            "retry_base_seconds": retry_base,
            "retry_max_seconds": retry_max,
            "lease_seconds": lease,
        }
        ConsumerRpc(conn, consumer).configure(**policy)
        with err.status(f"outbox consumer {consumer}: waiting for events") as spinner:
            worker = OutboxWorker(
                conn, settings, client, on_progress=lambda s: spinner.update(status_line(s))
            )
            with stop_on_signals(worker):
                stats = worker.run(once=once)
    Console().print(summary_table(consumer, stats))
