"""The floors a figure is compared with, measured in the same run on the same data.

* schema floor: the rows the operation wrote, written again into a fresh copy of the fixture
  with one `INSERT … SELECT` per table into the same tables (every index and constraint, foreign
  keys checked), user triggers off: what the schema costs, with no logic at all;
* bare floor: the same rows into tables with a primary key only: what the rows cost;
* pgbench: the server's own round trip (select-only) and smallest write transaction
  (simple-update, `-N`), for reads and per-request writes;
* scan floor: reading every row of the tables a report reads (`count(*)`).
"""

from __future__ import annotations

import re
import subprocess
import time
from collections.abc import Sequence
from dataclasses import dataclass

import psycopg
from psycopg import sql

from sessionkit.db.cluster import pg_bindir
from sessionkit.db.connect import connect
from sessionkit.errors import SessionkitError

STAGING = "bench_staging"
BARE = "bench_bare"

SCHEMA_FLOOR = (
    "the same rows, one INSERT … SELECT per table into the same tables (every index, unique constraint"
    " and the overlap guarantee), other triggers off (session_replication_role = replica: no foreign"
    " key checks)"
)
SCHEMA_FK_FLOOR = "the schema floor with the foreign keys checked row by row"
BARE_FLOOR = "the same rows, one INSERT … SELECT per table into tables with a primary key only"


def triggers_off(conn: psycopg.Connection) -> None:
    """Inside a floor's transaction: user triggers off until it ends (the schema floor's
    definition). Floors only: every operation measured against them writes through the triggers."""
    conn.execute("set local session_replication_role = replica")


@dataclass(frozen=True)
class Written:
    """Rows an operation wrote to one table: `where` selects them in the operation's database."""

    table: str
    where: str = "true"


def copy_rows(source_url: str, target_url: str, written: Sequence[Written]) -> int:
    """Stream the written rows into staging tables (bench_staging.<table>, shaped like the
    public table) of the target database; returns how many rows were copied."""
    total = 0
    with connect(source_url) as src, connect(target_url) as dst:
        dst.execute(f"create schema if not exists {STAGING}")
        for w in written:
            table = sql.Identifier(w.table)
            dst.execute(
                sql.SQL("create table {}.{} (like public.{})").format(sql.Identifier(STAGING), table, table)
            )
            query = sql.SQL("copy (select * from public.{} where {}) to stdout (format binary)").format(
                table,
                sql.SQL(w.where),  # type: ignore[arg-type]  # scenario-written SQL
            )
            with (
                src.cursor().copy(query) as out,
                dst.cursor().copy(
                    sql.SQL("copy {}.{} from stdin (format binary)").format(sql.Identifier(STAGING), table)
                ) as into,
            ):
                for chunk in out:
                    into.write(chunk)
            row = dst.execute(
                sql.SQL("select count(*) from {}.{}").format(sql.Identifier(STAGING), table)
            ).fetchone()
            total += int(row[0]) if row else 0
        dst.execute("vacuum (analyze)")
    return total


@dataclass(frozen=True)
class FloorTime:
    """Seconds of a floor's transaction (commit included) and of each table's statement in it."""

    seconds: float
    by_table: dict[str, float]


def _insert_all(conn: psycopg.Connection, schema: str, written: Sequence[Written]) -> FloorTime:
    """One INSERT … SELECT per table from the staging copy, one transaction, commit included."""
    by_table: dict[str, float] = {}
    start = time.perf_counter()
    with conn.transaction():
        for w in written:
            table = sql.Identifier(w.table)
            began = time.perf_counter()
            conn.execute(
                sql.SQL("insert into {}.{} overriding system value select * from {}.{}").format(
                    sql.Identifier(schema), table, sql.Identifier(STAGING), table
                )
            )
            by_table[w.table] = time.perf_counter() - began
    return FloorTime(time.perf_counter() - start, by_table)


def schema_floor(url: str, written: Sequence[Written], foreign_keys: bool = False) -> FloorTime:
    """Seconds to write the staged rows into the real tables, triggers off (the floor's
    definition: session_replication_role = replica; the operations write through them), or with
    `foreign_keys` the same user triggers disabled but the foreign keys checked row by row.
    Triggers enabled `always` (the overlap guarantee of service_sessions) are part of the schema
    and fire in both."""
    with connect(url) as conn:
        bypassed = (
            []
            if not foreign_keys
            else [
                sql.SQL("alter table public.{} disable trigger {}").format(
                    sql.Identifier(table), sql.Identifier(name)
                )
                for table, name in conn.execute(
                    "select c.relname, t.tgname from pg_trigger t join pg_class c on c.oid = t.tgrelid"
                    " where c.relnamespace = 'public'::regnamespace and c.relname = any(%s)"
                    " and not t.tgisinternal and t.tgenabled <> 'A'",
                    ([w.table for w in written],),
                ).fetchall()
            ]
        )
        for statement in bypassed:
            conn.execute(statement)
        if not foreign_keys:
            conn.execute("set session_replication_role = replica")
        conn.execute("checkpoint")
        return _insert_all(conn, "public", written)


def bare_floor(url: str, written: Sequence[Written]) -> FloorTime:
    """Seconds to write the staged rows into look-alike tables with a primary key only."""
    with connect(url) as conn:
        conn.execute(f"create schema if not exists {BARE}")
        for w in written:
            table = sql.Identifier(w.table)
            conn.execute(
                sql.SQL("create table {}.{} (like public.{}, primary key (id))").format(
                    sql.Identifier(BARE), table, table
                )
            )
        conn.execute("checkpoint")
        return _insert_all(conn, BARE, written)


def scan_floor(url: str, tables: Sequence[str]) -> float:
    """Seconds to read every row of the tables once (count(*) each, one transaction)."""
    with connect(url) as conn:
        start = time.perf_counter()
        with conn.transaction():
            for table in tables:
                conn.execute(sql.SQL("select count(*) from public.{}").format(sql.Identifier(table)))
        return time.perf_counter() - start


class PgBench:
    """pgbench against its own database on the bench server (initialised once, scale 10)."""

    TPS = re.compile(r"tps = ([0-9.]+) \(without initial connection time\)")

    def __init__(self, url: str) -> None:
        self.url = url
        self._run(["-i", "-q", "-s", "10"])

    def _run(self, args: list[str]) -> str:
        result = subprocess.run(
            [str(pg_bindir() / "pgbench"), *args, self.url], capture_output=True, text=True, check=False
        )
        if result.returncode != 0:
            reason = (result.stderr or result.stdout).strip().splitlines()
            raise SessionkitError(f"pgbench failed: {reason[-1] if reason else result.returncode}")
        return result.stdout

    def tps(self, mode: str, clients: int, seconds: int) -> float:
        """Transactions per second of `-S` (select-only) or `-N` (simple-update)."""
        flag = {"select-only": "-S", "simple-update": "-N"}[mode]
        out = self._run([flag, "-n", "-c", str(clients), "-j", str(min(clients, 2)), "-T", str(seconds)])
        match = self.TPS.search(out)
        if not match:
            raise SessionkitError(f"pgbench printed no tps: {out.strip()[-200:]}")
        return float(match.group(1))
