"""Backfills on a live database (issue 12): rows the application writes during a run are migrated
too, and a second runner of the same backfill is refused."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import psycopg
import pytest
from typer.testing import CliRunner

from sessionkit.backfill.base import Step
from sessionkit.backfill.registry import get
from sessionkit.backfill.reports import Report
from sessionkit.backfill.runner import BackfillBusy, Outcome, Runner, RunOptions
from sessionkit.cli import app
from sessionkit.config import Project
from tests.helpers import scalar
from tests.legacy import legacy_copy, push, resolve_conflicts, run, run_all

EARLY = "00000000-0000-4000-8000-0000000000{:02d}"  # sorts before every generated id
LATE = "ffffffff-ffff-4fff-8fff-ffffffffff{:02d}"  # and after


class WritesAfterFirstBatch:
    """A run listener that lets the application write once the step's first batch committed."""

    def __init__(self, step: str, write: Callable[[], None]) -> None:
        self.step = step
        self.write = write
        self.written = False

    def notice(self, message: str) -> None: ...

    def report(self, report: Report) -> None: ...

    def step_started(self, step: Step, pending: int, pass_: int) -> None: ...

    def step_finished(self, step: Step) -> None: ...

    def batch_done(self, step: Step, rows: int) -> None:
        if step.name == self.step and not self.written:
            self.written = True
            self.write()


def run_with(project: Project, url: str, name: str, listener: WritesAfterFirstBatch) -> Outcome:
    with psycopg.connect(url, autocommit=True) as conn:
        outcome = Runner(conn, get(name), project.bundle_dir, RunOptions(batch_size=100), listener).run()
    assert listener.written
    return outcome


def insert_legacy_bookings(url: str, ids: list[str]) -> None:
    """What an old frontend does: 1-to-1 bookings with times and no service session."""
    with psycopg.connect(url, autocommit=True) as conn:
        for n, booking_id in enumerate(ids):
            conn.execute(
                """insert into public.bookings (id, organization_id, client_id, provider_id, service_id,
                                                start_time, end_time, status, price)
                   select %s, b.organization_id, b.client_id, b.provider_id, b.service_id,
                          date_trunc('hour', now()) + interval '500 days' + make_interval(hours => 2 * %s),
                          date_trunc('hour', now()) + interval '500 days'
                            + make_interval(hours => 2 * %s, mins => 45),
                          'confirmed', b.price
                   from public.bookings b join public.services sv on sv.id = b.service_id
                   where sv.capacity = 1 order by b.id limit 1""",
                (booking_id, n, n),
            )


def test_bookings_inserted_during_a_run_get_their_session_too(
    project: Project, db_url: str, legacy_template: str
) -> None:
    ids = [EARLY.format(n) for n in range(3)] + [LATE.format(n) for n in range(3)]
    with legacy_copy(db_url, legacy_template) as url:
        assert push(project, url) is not None  # before every trigger: legacy inserts stay unlinked
        for name in ("session_types", "booking_kinds"):
            run(project, url, name)
        outcome = run_with(
            project,
            url,
            "service_sessions",
            WritesAfterFirstBatch("link", lambda: insert_legacy_bookings(url, ids)),
        )
        assert outcome.status == "succeeded"
        with psycopg.connect(url) as conn:
            linked = scalar(
                conn,
                """select count(*) from public.bookings b
                   join public.service_sessions ss on ss.id = b.service_session_id
                   where b.id = any(%s::uuid[]) and ss.kind = 'individual' and ss.starts_at = b.start_time""",
                (ids,),
            )
        assert linked == len(ids), "rows written behind the cursor are picked up by the next pass"


def test_a_booking_cancelled_during_the_run_gets_its_record(
    project: Project, db_url: str, legacy_template: str
) -> None:
    with legacy_copy(db_url, legacy_template) as url:
        assert push(project, url) is not None
        run_all(project, url)
        resolve_conflicts(url)
        run_all(project, url)
        assert push(project, url) is None  # cancellations meets this release's triggers only
        with psycopg.connect(url) as conn:
            first_live = str(
                scalar(
                    conn,
                    """select id from public.bookings where status = 'confirmed' and subscription_id is null
                       order by id limit 1""",
                )
            )

        def cancel_like_an_old_frontend() -> None:
            with psycopg.connect(url, autocommit=True) as app_conn:
                app_conn.execute(
                    "update public.bookings set status = 'cancelled' where id = %s", (first_live,)
                )

        outcome = run_with(
            project, url, "cancellations", WritesAfterFirstBatch("record", cancel_like_an_old_frontend)
        )
        assert outcome.status == "succeeded"
        with psycopg.connect(url) as conn:
            recorded = scalar(
                conn, "select count(*) from public.booking_cancellations where booking_id = %s", (first_live,)
            )
        assert recorded == 1


def test_a_second_runner_is_refused(project: Project, db_url: str, legacy_template: str) -> None:
    with legacy_copy(db_url, legacy_template) as url:
        assert push(project, url) is not None
        outcomes: list[Outcome] = []
        with psycopg.connect(url) as holder:  # keeps the first runner inside its first batch
            holder.execute("lock table public.session_types in exclusive mode")
            first = threading.Thread(target=lambda: outcomes.append(run(project, url, "session_types")))
            first.start()
            with psycopg.connect(url, autocommit=True) as watcher:
                deadline = time.monotonic() + 30
                while not scalar(
                    watcher,
                    """select exists (select 1 from pg_stat_activity
                                      where application_name = 'sessionkit backfill session_types'
                                        and wait_event_type = 'Lock')""",
                ):
                    assert time.monotonic() < deadline
                    time.sleep(0.05)
            with pytest.raises(BackfillBusy, match="already running"):
                run(project, url, "session_types")
            result = CliRunner().invoke(app, ["backfill", "run", "session_types", "--db-url", url])
            assert result.exit_code != 0
            assert "backfill session_types is already running" in str(result.exception)
            holder.rollback()
        first.join(timeout=120)
        assert outcomes and outcomes[0].status == "succeeded"
