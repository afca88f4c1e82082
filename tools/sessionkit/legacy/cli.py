"""`sessionkit legacy generate --scale N [--seed S]`: a thin layer over legacy.generate."""

from __future__ import annotations

import json
import time
from datetime import datetime
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from sessionkit import stack
from sessionkit.cli_options import DbUrl
from sessionkit.config import Project, Target
from sessionkit.db.connect import connect
from sessionkit.legacy.generate import generate

legacy_app = typer.Typer(help="Legacy (pre-restructure) data to practise upgrades on.", no_args_is_help=True)


@legacy_app.command("generate")
def generate_command(
    scale: Annotated[int, typer.Option("--scale", help="Bookings to generate (100 .. 2,000,000).")],
    seed: Annotated[int, typer.Option("--seed", help="Same seed, same data.")] = 1,
    anchor: Annotated[
        datetime | None,
        typer.Option("--anchor", formats=["%Y-%m-%d"], help="'Today' of the data (default: today)."),
    ] = None,
    db_url: DbUrl = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the counts as JSON.")] = False,
) -> None:
    """Fill a database at the legacy baseline with messy production-like data."""
    target = Target.resolve(db_url)
    stack.ensure_reachable(Project.discover(), target)
    err = Console(stderr=True)
    started = time.perf_counter()
    columns = (SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn())
    with connect(target.url) as conn, Progress(*columns, console=err, transient=True) as progress:
        task = progress.add_task("generating", total=None)
        result = generate(
            conn,
            scale,
            seed,
            anchor.date() if anchor else None,
            on_step=lambda label: progress.update(task, description=f"generating {label}"),
        )
    seconds = time.perf_counter() - started
    if as_json:
        print(
            json.dumps(
                {"seed": seed, "anchor": result.plan.anchor.isoformat(), "seconds": seconds} | result.counts
            )
        )
        return
    counts = ", ".join(f"{n:,} {name}" for name, n in result.counts.items())
    Console().print(
        f"generated on {target.display} (seed {seed}, anchor {result.plan.anchor}) "
        f"in {seconds:.1f} s: {counts}",
        highlight=False,
    )
