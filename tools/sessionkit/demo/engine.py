"""Run demo scenes: each a few steps, each step one PostgREST-like request as a demo user.

A scene runs in one transaction that is rolled back at the end, so the walkthrough shows
the same story every time and leaves the demo data as seeds/ loaded it. Steps switch
actors the way PostgREST does per request: `set local role` + `request.jwt.claims`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import psycopg
from rich.console import Console
from rich.table import Table

from sessionkit.testing.acting import become


@dataclass(frozen=True)
class Step:
    """One request: `actor` is a demo user's email, 'anon' or 'service_role'. Instead of `sql`, a
    step may `run` toolkit code on the scene's connection (as the actor) and return what to show."""

    actor: str
    say: str
    sql: str = ""
    params: dict[str, Any] = field(default_factory=dict)
    run: Callable[[psycopg.Connection], Table | str] | None = None


@dataclass(frozen=True)
class Scene:
    title: str
    narration: str
    steps: tuple[Step, ...]


def become_actor(conn: psycopg.Connection, actor: str) -> None:
    """Switch the open transaction to the actor, as PostgREST would for its request."""
    conn.execute("reset role")
    if actor == "anon":
        become(conn, role="anon")
        return
    if actor == "service_role":
        become(conn, role="service_role")
        return
    # a demo user by email, or an anonymous sign-in (no email) by its name
    row = conn.execute(
        "select id, is_anonymous from auth.users where email = %s"
        " or (is_anonymous and raw_user_meta_data ->> 'name' = %s)",
        (actor, actor),
    ).fetchone()
    if row is None:
        raise LookupError(f"demo user {actor} is missing: run `sessionkit db reset`")
    become(conn, user_id=row[0], anonymous=bool(row[1]))


def run_step(conn: psycopg.Connection, step: Step) -> Table | str:
    """The step's rows as a table, or its error as `CODE (SQLSTATE): detail`."""
    try:
        with conn.transaction():
            become_actor(conn, step.actor)
            if step.run is not None:
                return step.run(conn)
            cursor = conn.execute(step.sql, step.params or None)
            if cursor.description is None:
                return f"ok ({cursor.rowcount} row(s) affected)"
            columns = [c.name for c in cursor.description]
            rows = cursor.fetchall()
    except psycopg.Error as exc:
        diag = exc.diag
        detail = f": {diag.message_detail}" if diag.message_detail else ""
        return f"[red]{diag.message_primary} ({diag.sqlstate}){detail}[/red]"
    table = Table(*columns, show_lines=False)
    for row in rows:
        table.add_row(*(_cell(v) for v in row))
    if not rows:
        return "[dim](no rows)[/dim]"
    return table


def _cell(value: object) -> str:
    if value is None:
        return "—"
    if isinstance(value, dict | list):
        return json.dumps(value, default=str)
    return str(value)


def play(conn: psycopg.Connection, scenes: list[Scene], console: Console) -> None:
    for number, scene in enumerate(scenes, start=1):
        console.rule(f"[bold]{number}. {scene.title}")
        console.print(scene.narration, highlight=False)
        with conn.transaction(force_rollback=True):
            for step in scene.steps:
                console.print(f"\n[cyan]{step.actor}[/cyan] → {step.say}", highlight=False)
                console.print(run_step(conn, step))
        console.print()
