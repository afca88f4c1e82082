"""The Runner: runs any registered backfill batch by batch, resumably.

* one runner per backfill: a session advisory lock; a second runner gets BackfillBusy;
* a run's state lives in ops.backfill_runs; each batch commits together with its checkpoint
  (step, cursor, pass, counters), so after kill -9 the next `run`/`resume` continues from the
  last committed batch and ends exactly where an uninterrupted run would;
* pass 1 walks each step's collection by keyset; pass 2+ revisits rows written since the
  previous pass began (rows the application inserted behind the cursor), until a pass finds
  nothing;
* a stored pre-report before the first batch, a stored post-report (with the difference)
  and the verify checks after the last; conflicts the run did not meet again are resolved;
* --batch-size, --sleep between batches, --max-runtime (pauses, resumable), --dry-run
  (every batch rolled back, nothing stored, one pass).
"""

from __future__ import annotations

import getpass
import socket
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import psycopg
from psycopg import errors

from sessionkit.backfill import ledger, registry, reports, triggers
from sessionkit.backfill.base import Backfill, BatchContext, Key, Step
from sessionkit.backfill.ledger import Run
from sessionkit.backfill.reports import Report, Verification
from sessionkit.errors import SessionkitError

TRANSIENT = (
    errors.LockNotAvailable,
    errors.DeadlockDetected,
    errors.SerializationFailure,
    errors.ExclusionViolation,  # the application booked the same provider in between
    errors.UniqueViolation,
)
MAX_ATTEMPTS = 5
XID_MODULO = 2**32


class BackfillBusy(SessionkitError):
    """Another runner holds this backfill's lock."""


class BackfillRefused(SessionkitError):
    """The backfill cannot run (yet): a dependency, the triggers present, nothing to resume."""


@dataclass(frozen=True)
class RunOptions:
    batch_size: int = 5000
    sleep: float = 0.0
    max_runtime: float | None = None
    dry_run: bool = False
    resume_only: bool = False

    def check(self) -> None:
        if not 1 <= self.batch_size <= 100_000:
            raise SessionkitError(f"--batch-size must be between 1 and 100000, not {self.batch_size}")
        if self.sleep < 0:
            raise SessionkitError("--sleep must not be negative")
        if self.max_runtime is not None and self.max_runtime <= 0:
            raise SessionkitError("--max-runtime must be positive")


@dataclass(frozen=True)
class Outcome:
    run: Run | None  # None for a dry run
    status: str  # succeeded | paused | dry_run
    pre: Report | None
    post: Report | None
    verification: Verification | None
    changes: dict[str, int]
    conflicts: int
    rows: int
    seconds: float
    bootstrapped_ledger: bool = False

    @property
    def ok(self) -> bool:
        return self.verification is None or self.verification.passed


class RunListener(Protocol):
    def notice(self, message: str) -> None: ...

    def report(self, report: Report) -> None: ...

    def step_started(self, step: Step, pending: int, pass_: int) -> None: ...

    def batch_done(self, step: Step, rows: int) -> None: ...

    def step_finished(self, step: Step) -> None: ...


def lock_key(name: str) -> str:
    return f"sessionkit.backfill:{name}"


def who() -> str:
    try:
        user = getpass.getuser()
    except OSError:
        user = "unknown"
    return f"{user}@{socket.gethostname()}"


class Runner:
    def __init__(
        self,
        conn: psycopg.Connection,
        backfill: Backfill,
        bundle_dir: Path,
        options: RunOptions | None = None,
        listener: RunListener | None = None,
    ) -> None:
        self.conn = conn
        self.backfill = backfill
        self.bundle_dir = bundle_dir
        self.options = options or RunOptions()
        self.listener = listener
        self.params: dict[str, object] = {}

    # -- public ----------------------------------------------------------------------------
    def run(self) -> Outcome:
        self.options.check()
        conn = self.conn
        conn.autocommit = True
        conn.execute(
            "select set_config('application_name', %s, false)", (f"sessionkit backfill {self.backfill.name}",)
        )
        self._check_dependencies()
        self._check_triggers()
        bootstrapped = False if self.options.dry_run else ledger.ensure_ledger(conn, self.bundle_dir)
        if bootstrapped:
            self._notice(
                "created the backfill ledger (ops.backfill_*) from its migration: "
                "`db push` has not reached it yet"
            )
        self._lock()
        try:
            if self.options.dry_run:
                return self._dry_run()
            outcome = self._run()
            return Outcome(**{**outcome.__dict__, "bootstrapped_ledger": bootstrapped})
        finally:
            conn.execute(
                "select pg_advisory_unlock(hashtextextended(%s, 0))", (lock_key(self.backfill.name),)
            )

    # -- setup -----------------------------------------------------------------------------
    def _notice(self, message: str) -> None:
        if self.listener:
            self.listener.notice(message)

    def _lock(self) -> None:
        row = self.conn.execute(
            "select pg_try_advisory_lock(hashtextextended(%s, 0))", (lock_key(self.backfill.name),)
        ).fetchone()
        if row and row[0]:
            return
        holder = self.conn.execute(
            """select a.pid, coalesce(a.application_name, ''), a.client_addr::text, a.backend_start
               from pg_locks l join pg_stat_activity a on a.pid = l.pid
               where l.locktype = 'advisory' and l.granted
                 and (l.classid::bigint << 32) | l.objid::bigint = hashtextextended(%s, 0)
               limit 1""",
            (lock_key(self.backfill.name),),
        ).fetchone()
        where = f" (server pid {holder[0]}, since {holder[3]:%Y-%m-%d %H:%M:%S})" if holder else ""
        raise BackfillBusy(f"backfill {self.backfill.name} is already running{where}; one runner at a time")

    def _check_dependencies(self) -> None:
        """Every backfill this one builds on (transitively) has finished once."""
        missing = [
            b.name
            for b in registry.prerequisites(self.backfill)
            if not ledger.succeeded_once(self.conn, b.name)
        ]
        if missing:
            raise BackfillRefused(
                f"{self.backfill.name} runs after {', '.join(missing)}, which "
                f"{'has' if len(missing) == 1 else 'have'} not finished: "
                f"run `sessionkit backfill run {missing[0]}` first"
            )

    def _check_triggers(self) -> None:
        """The backfill writes through the triggers present: only those it was written for."""
        found = triggers.present(self.conn, self.bundle_dir)
        if found.generation in self.backfill.meets:
            return
        raise BackfillRefused(
            f"{self.backfill.name} runs once the push has completed ({found.describe()}; its writes "
            "would meet triggers it was not written for): push first: `sessionkit db push` "
            "(and the backfills its guards name)"
        )

    # -- the run ---------------------------------------------------------------------------
    def _start_or_resume(self) -> tuple[Run, Report]:
        latest = ledger.latest_run(self.conn, self.backfill.name)
        if latest is not None and not latest.finished:
            self._notice(
                f"resuming run {latest.id} ({latest.status}) at step "
                f"{latest.step or self.backfill.steps[0].name}, "
                f"{latest.rows_done:,} rows done"
            )
            stored = ledger.stored_report(self.conn, latest.id, "pre")
            pre = (
                Report("pre", stored["integrity"], stored["counts"])
                if stored
                else reports.take(self.conn, self.backfill, "pre")
            )
            latest.batch_size = self.options.batch_size
            latest.sleep_seconds = self.options.sleep
            latest.status = "running"
            return latest, pre
        if self.options.resume_only:
            raise BackfillRefused(f"nothing to resume: {self.backfill.name} has no unfinished run")
        pre = reports.take(self.conn, self.backfill, "pre")
        with self.conn.transaction():
            run = ledger.create_run(
                self.conn, self.backfill.name, self.options.batch_size, self.options.sleep, who()
            )
            ledger.store_report(self.conn, run.id, "pre", pre.integrity, pre.counts, None)
        return run, pre

    def _run(self) -> Outcome:
        run, pre = self._start_or_resume()
        if self.listener:
            self.listener.report(pre)
        started = time.monotonic()
        rows_at_start = run.rows_done
        try:
            paused = self._steps(run, started)
        except KeyboardInterrupt:
            ledger.finish(self.conn, run, "interrupted", "interrupted by the operator (Ctrl-C)")
            raise
        except psycopg.Error as exc:
            message = (exc.diag.message_primary or str(exc)).strip().splitlines()[0]
            ledger.finish(self.conn, run, "failed", f"{exc.sqlstate}: {message}")
            raise SessionkitError(
                f"backfill {self.backfill.name} failed at step {run.step}: {message}"
                f" (resume with `sessionkit backfill resume {self.backfill.name}`)"
            ) from exc
        seconds = time.monotonic() - started
        if paused:
            ledger.finish(self.conn, run, "paused")
            return Outcome(
                run,
                "paused",
                pre,
                None,
                None,
                run.changes,
                run.conflicts,
                run.rows_done - rows_at_start,
                seconds,
            )
        with self.conn.transaction():
            ledger.resolve_unseen(self.conn, self.backfill.name, run.id)
            run.conflicts = ledger.run_conflicts(self.conn, self.backfill.name, run.id)
            self.conn.execute(
                "update ops.backfill_runs set conflicts = %s where id = %s", (run.conflicts, run.id)
            )
            ledger.finish(self.conn, run, "succeeded")
        post = reports.with_difference(pre, reports.take(self.conn, self.backfill, "post"))
        ledger.store_report(self.conn, run.id, "post", post.integrity, post.counts, post.difference)
        if self.listener:
            self.listener.report(post)
        verification = reports.verify(self.conn, self.backfill)
        return Outcome(
            run,
            "succeeded",
            pre,
            post,
            verification,
            run.changes,
            run.conflicts,
            run.rows_done - rows_at_start,
            seconds,
        )

    def _steps(self, run: Run, started: float) -> bool:
        """Every step from the checkpoint on; True when paused by --max-runtime."""
        names = [s.name for s in self.backfill.steps]
        first = names.index(run.step) if run.step in names else 0
        for step in self.backfill.steps[first:]:
            if not step.applies(self.conn):
                continue
            if run.step != step.name:
                run.step, run.cursor, run.pass_ = step.name, None, 1
                run.pass_started_xid, run.pass_since_xid = None, None
            if self._step(run, step, started):
                return True
        return False

    def _step(self, run: Run, step: Step, started: float) -> bool:
        if run.pass_started_xid is None:
            run.pass_started_xid = ledger.snapshot_xmin(self.conn)
        step.prepare(self.conn, self.params)
        if self.listener:
            self.listener.step_started(step, self._pending(step), run.pass_)
        first = True
        while True:
            if not first:
                step.prepare(self.conn, self.params)
            first = False
            whole_pass = run.cursor is None
            processed = 0
            while (rows := self._batch(run, step)) > 0:
                processed += rows
                if self.listener:
                    self.listener.batch_done(step, rows)
                if (
                    self.options.max_runtime is not None
                    and time.monotonic() - started >= self.options.max_runtime
                ):
                    return True
                if self.options.sleep:
                    time.sleep(self.options.sleep)
            if run.pass_ >= 2 and whole_pass and processed == 0:
                break
            # the next pass revisits what was written since this one began
            run.pass_since_xid = run.pass_started_xid
            run.pass_started_xid = ledger.snapshot_xmin(self.conn)
            run.pass_ += 1
            run.cursor = None
            with self.conn.transaction():
                ledger.save_progress(self.conn, run, 0)
        if self.listener:
            self.listener.step_finished(step)
        return False

    def _pending(self, step: Step) -> int:
        row = self.conn.execute(step.count_query(), self.params).fetchone()
        return int(row[0]) if row else 0

    def _batch(self, run: Run, step: Step) -> int:
        """One batch and its checkpoint in one transaction; rows processed (0 = pass done)."""
        for attempt in range(1, MAX_ATTEMPTS + 1):
            try:
                return self._batch_once(run, step)
            except TRANSIENT:
                if attempt == MAX_ATTEMPTS:
                    raise
                time.sleep(0.2 * attempt)
        return 0

    def _batch_once(self, run: Run, step: Step) -> int:
        conn = self.conn
        begun = time.monotonic()
        saved = (run.cursor, run.rows_done, run.batches, dict(run.changes), run.conflicts)
        try:
            with conn.transaction():
                since = run.pass_since_xid if run.pass_ >= 2 else None
                keys = self._select(step, run.cursor, since)
                if not keys:
                    return 0
                ctx = BatchContext(conn, self.backfill.name, run.id, dry_run=False, params=self.params)
                changes = step.process(ctx, keys)
                run.cursor = list(keys[-1])
                run.rows_done += len(keys)
                run.batches += 1
                for kind, n in changes.items():
                    run.changes[kind] = run.changes.get(kind, 0) + n
                run.conflicts += ctx.conflicts_logged
                ledger.save_progress(conn, run, time.monotonic() - begun)
                return len(keys)
        except BaseException:
            run.cursor, run.rows_done, run.batches, run.changes, run.conflicts = saved
            raise

    def _select(self, step: Step, cursor: Sequence[str] | None, since: int | None) -> list[Key]:
        """Inside the batch's transaction: take (and lock) the keys."""
        conn = self.conn
        conn.execute("set local lock_timeout = '10s'")
        params: dict[str, object] = dict(self.params) | {"limit": self.options.batch_size}
        if cursor is not None:
            params |= {f"k{i}": value for i, value in enumerate(cursor)}
        if since is not None:
            params["since"] = str(since % XID_MODULO)
        query = step.batch_query(after=cursor is not None, recent=since is not None)
        return [tuple(str(v) for v in row) for row in conn.execute(query, params).fetchall()]

    # -- dry run ---------------------------------------------------------------------------
    def _dry_run(self) -> Outcome:
        """Every step once, each batch rolled back: what a run would change now."""
        started = time.monotonic()
        with ledger.read_view(self.conn, self.bundle_dir):
            pre = reports.take(self.conn, self.backfill, "pre")
        if self.listener:
            self.listener.report(pre)
        changes: dict[str, int] = {}
        conflicts = rows = 0
        for step in self.backfill.steps:
            if not step.applies(self.conn):
                continue
            step.prepare(self.conn, self.params)
            with ledger.read_view(self.conn, self.bundle_dir):
                pending = self._pending(step)
            if self.listener:
                self.listener.step_started(step, pending, 1)
            cursor: Sequence[str] | None = None
            while True:
                with ledger.read_view(self.conn, self.bundle_dir):
                    keys = self._select(step, cursor, None)
                    if not keys:
                        break
                    ctx = BatchContext(self.conn, self.backfill.name, None, dry_run=True, params=self.params)
                    for kind, n in step.process(ctx, keys).items():
                        changes[kind] = changes.get(kind, 0) + n
                    conflicts += ctx.conflicts_logged
                rows += len(keys)
                cursor = keys[-1]
                if self.listener:
                    self.listener.batch_done(step, len(keys))
            if self.listener:
                self.listener.step_finished(step)
        return Outcome(None, "dry_run", pre, None, None, changes, conflicts, rows, time.monotonic() - started)
