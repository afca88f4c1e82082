"""What a backfill is: named steps over keyset-paginated collections, idempotent batch
processing, its own counts and verify checks, and the conflict kinds it logs.

The shape is Shopify's maintenance_tasks (collection / process / count, a run with a cursor),
translated to set-based SQL: a step's collection yields keys (never OFFSET), `process` handles
one batch of keys with a few set-based statements, and the runner commits the batch together
with its checkpoint. Rules every step follows:

  * idempotent: a batch may run twice (after a crash); processed rows leave the collection;
  * through the triggers: batches write as any trusted writer does, every trigger firing and
    every foreign key checked (never `session_replication_role`). A backfill declares the
    triggers it was written for (`meets`, see sessionkit.backfill.triggers); the runner refuses
    elsewhere. Historic records the live rules would treat as new writes carry an explicit
    marker the triggers honour (a legacy cancellation: `cancellation_kind = 'legacy'`); data
    repairs (participant counts recomputed from the bookings) are idempotent, right whether or
    not a trigger moved the figure first;
  * never guess: a row the rules cannot decide is logged as a conflict (`BatchContext.conflicts`)
    and left as it is; a later run that finds it fixed marks the conflict resolved.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

import psycopg

from sessionkit.backfill.triggers import BARE, CURRENT

Key = tuple[str, ...]

CONFLICT_UPSERT = """
insert into ops.backfill_conflicts
  (backfill, kind, row_key, reason, payload, first_run_id, last_run_id)
select %(backfill)s, %(kind)s, c.row_key, c.reason, c.payload, %(run_id)s, %(run_id)s
from ({rows}) as c (row_key, reason, payload)
on conflict (backfill, kind, row_key) do update
set reason = excluded.reason,
    payload = excluded.payload,
    last_run_id = excluded.last_run_id,
    last_seen_at = now(),
    resolved_at = case when ops.backfill_conflicts.resolution = 'accepted'
      then ops.backfill_conflicts.resolved_at end,
    resolution = case when ops.backfill_conflicts.resolution = 'accepted' then 'accepted' end
"""

APPLIED_UPSERT = """
insert into ops.backfill_conflicts
  (backfill, kind, row_key, reason, payload, first_run_id, last_run_id, resolved_at, resolution)
select %(backfill)s, %(kind)s, c.row_key, c.reason, c.payload, %(run_id)s, %(run_id)s, now(), 'applied'
from ({rows}) as c (row_key, reason, payload)
on conflict (backfill, kind, row_key) do update
set reason = excluded.reason, payload = excluded.payload, last_run_id = excluded.last_run_id,
  last_seen_at = now()
"""


@dataclass(frozen=True)
class ConflictKind:
    """A kind of row a backfill will not decide on its own, and what the operator does about it."""

    name: str
    meaning: str
    resolution: str
    blocks: str | None = None  # the contract migration that cannot pass while it is open
    informational: bool = False  # a decision taken by a documented rule, logged for review
    acceptable: bool = False  # an operator may accept the data as it is (`conflicts --accept`)


@dataclass(frozen=True)
class Check:
    """A verify query: `sql` returns one count that must be 0."""

    name: str
    description: str
    sql: str


@dataclass
class BatchContext:
    """What `process` gets besides its keys: the transaction's connection and the ledger."""

    conn: psycopg.Connection
    backfill: str
    run_id: int | None
    dry_run: bool
    params: dict[str, Any] = field(default_factory=dict)
    conflicts_logged: int = 0

    def conflicts(self, kind: str, rows_sql: str, params: dict[str, Any]) -> int:
        """Log a conflict per row of `rows_sql` (columns row_key text, reason text, payload jsonb);
        returns how many. Re-logging refreshes the entry; an operator's acceptance stays."""
        return self._log(CONFLICT_UPSERT, kind, rows_sql, params, count=True)

    def applied(self, kind: str, rows_sql: str, params: dict[str, Any]) -> int:
        """Log decisions taken by a documented rule (resolved at once, kept for review)."""
        return self._log(APPLIED_UPSERT, kind, rows_sql, params, count=False)

    def _log(self, template: str, kind: str, rows_sql: str, params: dict[str, Any], count: bool) -> int:
        if self.dry_run or self.run_id is None:
            row = self.conn.execute(f"select count(*) from ({rows_sql}) as c", params).fetchone()
            found = int(row[0]) if row else 0
        else:
            cursor = self.conn.execute(
                template.format(rows=rows_sql),
                params | {"backfill": self.backfill, "kind": kind, "run_id": self.run_id},
            )
            found = max(cursor.rowcount, 0)
        if count:
            self.conflicts_logged += found
        return found


class Step(ABC):
    """One pass of a backfill over one collection (e.g. "link bookings to service sessions").

    The default collection is `select <key> from <source> where <pending> [and key > cursor]
    order by <key> limit N [for update of <lock>]`; pass 2 and later add `recent` (rows written
    since the previous pass began, by `age(xmin)`), so rows the application wrote behind the
    cursor during the run are migrated too. Override `batch_query` for grouped collections.
    """

    name: ClassVar[str]
    title: ClassVar[str]
    key: ClassVar[tuple[str, ...]]  # key expressions (uuid, qualified by alias), in order
    source: ClassVar[str]
    pending: ClassVar[str]
    recent: ClassVar[str]  # uses %(since)s::xid, e.g. "age(b.xmin) <= age(%(since)s::xid)"
    lock: ClassVar[str | None] = None  # alias whose rows the batch locks (for update)
    # "pending": batches are pending rows; "range": pass 1 takes every row in key order (a plain
    # index range) and `process` itself acts on the pending ones - for steps over most of a big
    # table, where filtering the collection would cost more than the work
    scan: ClassVar[str] = "pending"

    def batch_query(self, after: bool, recent: bool) -> str:
        keys = ", ".join(self.key)
        where = [f"({self.pending})"] if self.scan == "pending" or recent else ["true"]
        if after:
            where.append(f"({keys}) > ({', '.join(f'%(k{i})s::uuid' for i in range(len(self.key)))})")
        if recent:
            where.append(f"({self.recent})")
        lock = f" for update of {self.lock}" if self.lock else ""
        return (
            f"select {keys} from {self.source} where {' and '.join(where)} "
            f"order by {keys} limit %(limit)s{lock}"
        )

    def count_query(self) -> str:
        if self.scan == "range":
            return f"select count(*) from {self.source.split()[0]}"
        keys = ", ".join(self.key)
        return f"select count(*) from (select distinct {keys} from {self.source} where {self.pending}) as p"

    def applies(self, conn: psycopg.Connection) -> bool:
        """False when the schema no longer has what the step reads (e.g. after the contract
        migration dropped its column): the step is skipped."""
        return True

    def prepare(self, conn: psycopg.Connection, params: dict[str, Any]) -> None:  # noqa: B027 - optional hook
        """Called before a step's first batch (and on resume): compute per-run parameters."""

    @abstractmethod
    def process(self, ctx: BatchContext, keys: Sequence[Key]) -> dict[str, int]:
        """Handle one batch (already locked when `lock` is set); return changes per kind."""


class Backfill(ABC):
    """A registered backfill: ordered steps, its counts, verify checks and conflict kinds."""

    name: ClassVar[str]
    title: ClassVar[str]
    description: ClassVar[str]
    depends_on: ClassVar[tuple[str, ...]] = ()
    # the triggers its writes are right under (sessionkit.backfill.triggers): none, this
    # release's, and released generations a guard needs it under
    meets: ClassVar[tuple[str, ...]] = (BARE, CURRENT)
    conflict_kinds: ClassVar[tuple[ConflictKind, ...]] = ()
    steps: ClassVar[tuple[Step, ...]]
    # name -> SQL returning one number; the backfill's own figures in the pre/post reports
    counts_sql: ClassVar[dict[str, str]]
    checks: ClassVar[tuple[Check, ...]]

    def active_counts(self, conn: psycopg.Connection) -> dict[str, str]:
        """The counts that apply to the schema as it is (all, unless a backfill says otherwise)."""
        return self.counts_sql

    def active_checks(self, conn: psycopg.Connection) -> tuple[Check, ...]:
        return self.checks

    def counts(self, conn: psycopg.Connection) -> dict[str, int]:
        counts_sql = self.active_counts(conn)
        select = ", ".join(f"({sql}) as {name}" for name, sql in counts_sql.items())
        row = conn.execute(f"select {select}", {}).fetchone()  # {}: "%%" in the SQL means "%"
        assert row is not None
        figures = {name: int(value or 0) for name, value in zip(counts_sql, row, strict=True)}
        figures["open_conflicts"] = open_conflicts(conn, self.name)
        return figures

    def step(self, name: str) -> Step:
        for step in self.steps:
            if step.name == name:
                return step
        raise KeyError(name)

    def kind(self, name: str) -> ConflictKind:
        for kind in self.conflict_kinds:
            if kind.name == name:
                return kind
        raise KeyError(name)

    @abstractmethod
    def preview(self, conn: psycopg.Connection) -> list[tuple[str, int]]:
        """For `plan`: what a run would change, as (description, rows) estimated by SQL."""


def ledger_exists(conn: psycopg.Connection) -> bool:
    row = conn.execute("select to_regclass('ops.backfill_conflicts') is not null").fetchone()
    return bool(row and row[0])


def open_conflicts(conn: psycopg.Connection, backfill: str) -> int:
    if not ledger_exists(conn):
        return 0
    row = conn.execute(
        "select count(*) from ops.backfill_conflicts c where c.backfill = %s and c.resolved_at is null",
        (backfill,),
    ).fetchone()
    return int(row[0]) if row else 0
