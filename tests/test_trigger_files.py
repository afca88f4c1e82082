"""Each table's triggers are readable in one place (issue 13): `triggers/<table>.sql` holds
exactly the triggers the table has, in the order PostgreSQL fires them for each event - BEFORE
STATEMENT, BEFORE ROW, AFTER ROW, AFTER STATEMENT, each in name order."""

from __future__ import annotations

import re

import psycopg

from sessionkit.config import Project

CREATE = re.compile(
    r"create trigger (\w+)\s+(before|after)\s+(.*?)\s+on\s+[\w.]+\s.*?\bfor each (row|statement)", re.S | re.I
)
EVENTS = ("insert", "update", "delete", "truncate")
PHASES = {("before", "statement"): 0, ("before", "row"): 1, ("after", "row"): 2, ("after", "statement"): 3}

ROW, BEFORE = 1, 2  # pg_trigger.tgtype bits


def declared(project: Project) -> dict[str, list[tuple[int, str, set[str]]]]:
    """Per table: its file's triggers as (phase, name, events), in the file's order."""
    return {
        path.stem: [
            (PHASES[(timing.lower(), level.lower())], name, set(re.findall(r"\w+", on.lower())) & set(EVENTS))
            for name, timing, on, level in CREATE.findall(path.read_text())
        ]
        for path in sorted(project.triggers_dir.glob("*.sql"))
    }


def live(conn: psycopg.Connection) -> dict[str, set[tuple[int, str]]]:
    """Per public table: its own triggers (not constraint triggers, not partitions' clones)."""
    rows = conn.execute(
        """select c.relname, t.tgname, t.tgtype
           from pg_trigger t
           join pg_class c on c.oid = t.tgrelid
           where c.relnamespace = 'public'::regnamespace and not t.tgisinternal and t.tgparentid = 0"""
    ).fetchall()
    tables: dict[str, set[tuple[int, str]]] = {}
    for table, name, kind in rows:
        phase = PHASES[("before" if kind & BEFORE else "after", "row" if kind & ROW else "statement")]
        tables.setdefault(table, set()).add((phase, name))
    return tables


def test_every_table_with_triggers_has_its_file_holding_exactly_them(
    project: Project, conn: psycopg.Connection
) -> None:
    files = {
        table: {(phase, name) for phase, name, _ in triggers}
        for table, triggers in declared(project).items()
        if triggers
    }
    assert files == live(conn)


def test_each_file_lists_its_triggers_in_firing_order(project: Project) -> None:
    for table, triggers in declared(project).items():
        for event in EVENTS:
            firing = [(phase, name) for phase, name, events in triggers if event in events]
            assert firing == sorted(firing), f"triggers/{table}.sql: {event} triggers not in firing order"
