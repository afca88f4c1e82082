"""The local server's clock: `db start --clock MOMENT|+Nd` runs Postgres under libfaketime.

The server tests use a cluster of their own (.sessionkit/clock-test/, port SESSIONKIT_DB_PORT
+ 8), so moving its clock never disturbs the stack the other suites run on.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import psycopg
import pytest

from sessionkit import stack
from sessionkit.config import Project
from sessionkit.db.admin import server_clock_offset
from sessionkit.db.clock import (
    describe_clock,
    describe_offset,
    faketime_env,
    is_fake,
    libfaketime,
    parse_clock,
    wait_shim,
)
from sessionkit.db.cluster import LocalCluster, pg_bindir
from sessionkit.errors import SessionkitError

NOW = datetime(2026, 11, 27, 14, 0, tzinfo=UTC)


def test_relative_clocks_are_offsets_in_days_hours_or_minutes() -> None:
    assert parse_clock("+3d").offset == timedelta(days=3)
    assert parse_clock("-2d").offset == timedelta(days=-2)
    assert parse_clock("+12h").offset == timedelta(hours=12)
    assert parse_clock("-90m").offset == timedelta(minutes=-90)


def test_a_moment_without_offset_is_utc() -> None:
    assert parse_clock("2027-03-27T12:00", now=NOW).offset == datetime(2027, 3, 27, 12, tzinfo=UTC) - NOW
    year_end = datetime(2027, 12, 31, 23, 30, tzinfo=UTC)
    assert parse_clock("2027-12-31T23:30Z", now=NOW).offset == year_end - NOW


def test_a_moment_with_an_offset_keeps_it() -> None:
    clock = parse_clock("2027-03-28T03:30+02:00", now=NOW)
    assert clock.offset == datetime(2027, 3, 28, 1, 30, tzinfo=UTC) - NOW


def test_an_unreadable_clock_is_refused_with_one_line() -> None:
    with pytest.raises(SessionkitError, match=r"^--clock 'tomorrow': expected \+Nd"):
        parse_clock("tomorrow")


def test_libfaketime_gets_signed_seconds_a_real_monotonic_clock_and_the_wait_shim_first(
    project: Project,
) -> None:
    env = faketime_env(parse_clock("-1d"), wait_shim(project.state_dir))
    assert "FAKETIME=-86400.000000" in env
    assert "FAKETIME_DONT_FAKE_MONOTONIC=1" in env
    shim, library = env[0].removeprefix("LD_PRELOAD=").split(" ")
    assert shim.endswith(".so") and Path(shim).is_file() and "faketime-waits" in shim
    assert library.endswith("libfaketime.so.1")


def test_offsets_read_as_days_and_time() -> None:
    assert describe_offset(timedelta(days=119, hours=21, minutes=56, seconds=5)) == "+119d 21:56:05"
    assert describe_offset(timedelta(days=-3)) == "-3d 00:00:00"


def test_status_line_says_whether_the_clock_is_fake_and_who_set_it() -> None:
    assert describe_clock(NOW, timedelta(seconds=1), None) == "2026-11-27 14:00:00 UTC (real time)"
    assert describe_clock(NOW, timedelta(days=3), parse_clock("+3d")) == (
        "2026-11-27 14:00:00 UTC (fake: real time +3d 00:00:00; db start --clock +3d)"
    )
    by_hand = describe_clock(NOW, timedelta(days=-3), None)
    assert by_hand.endswith("(fake: real time -3d 00:00:00; not set by sessionkit)")


# -- a real server under the clock ---------------------------------------------------------------
@pytest.fixture(scope="module")
def cluster(project: Project) -> Iterator[LocalCluster]:
    # in the project's state folder, not a pytest temporary folder: other pytest sessions of the
    # same user prune those, and a cluster's data must outlive the module
    cluster = LocalCluster(project, name="clock-test", port_offset=8)
    try:
        yield cluster
    finally:
        cluster.stop()


def server_facts(cluster: LocalCluster) -> tuple[datetime, date, datetime]:
    with psycopg.connect(cluster.url) as conn:
        row = conn.execute("select now(), current_date, clock_timestamp()").fetchone()
    assert row is not None
    return row[0], row[1], row[2]


def test_a_moment_moves_now_current_date_and_clock_timestamp(cluster: LocalCluster) -> None:
    stack.start_cluster_at(cluster, parse_clock("2028-02-29T23:30Z"))
    now, today, clock = server_facts(cluster)
    leap_night = datetime(2028, 2, 29, 23, 30, tzinfo=UTC)
    assert leap_night <= now <= clock < leap_night + timedelta(minutes=5)
    assert today == date(2028, 2, 29)


def test_a_relative_clock_keeps_time_flowing_from_the_offset(cluster: LocalCluster) -> None:
    stack.start_cluster_at(cluster, parse_clock("-3d"))
    with psycopg.connect(cluster.url) as conn:
        _, offset = server_clock_offset(conn)
    assert abs(offset - timedelta(days=-3)) < timedelta(seconds=5)


def test_background_workers_see_the_fake_clock(cluster: LocalCluster) -> None:
    # Postgres 15 starts them from a signal handler that interrupts a wait (the wait shim's job)
    stack.start_cluster_at(cluster, parse_clock("2028-02-29T12:00Z"))
    with psycopg.connect(cluster.url) as conn:
        conn.execute("set force_parallel_mode = on")
        conn.execute("set parallel_setup_cost = 0")
        plan = "\n".join(str(r[0]) for r in conn.execute("explain select clock_timestamp()").fetchall())
        worker_clock = conn.execute("select clock_timestamp()").fetchone()
    assert "Gather" in plan, "clock_timestamp() runs in a parallel worker"
    assert worker_clock is not None and worker_clock[0].date() == date(2028, 2, 29)


def test_timeouts_fire_under_a_fake_clock(cluster: LocalCluster) -> None:
    # a timeout's signal arrives while the backend waits: without the shim it never fired
    stack.start_cluster_at(cluster, parse_clock("+400d"))
    with psycopg.connect(cluster.url, autocommit=True) as holder, psycopg.connect(cluster.url) as waiter:
        holder.execute("create table if not exists clock_probe (id int)")
        holder.execute("begin")
        holder.execute("lock table clock_probe in access exclusive mode")
        waiter.execute("set lock_timeout = '1s'")
        started = time.monotonic()
        with pytest.raises(psycopg.errors.LockNotAvailable):
            waiter.execute("select * from clock_probe")
        assert time.monotonic() - started < 10
        holder.execute("rollback")


def test_a_restart_keeps_the_recorded_clock(cluster: LocalCluster) -> None:
    stack.start_cluster_at(cluster, parse_clock("+30d"))
    cluster.restart()
    with psycopg.connect(cluster.url) as conn:
        _, offset = server_clock_offset(conn)
    assert abs(offset - timedelta(days=30)) < timedelta(seconds=5)


def test_starting_without_a_clock_returns_to_real_time(cluster: LocalCluster) -> None:
    stack.start_cluster_at(cluster, parse_clock("+30d"))
    assert stack.start_cluster_at(cluster, None) is True
    with psycopg.connect(cluster.url) as conn:
        _, offset = server_clock_offset(conn)
    assert not is_fake(offset)
    assert cluster.clock is None
    assert stack.start_cluster_at(cluster, None) is False, "real time again: starting is idempotent"


def test_a_server_started_under_libfaketime_by_hand_is_seen_and_put_back(cluster: LocalCluster) -> None:
    # what the calendar spot-check hook does: pg_ctl under LD_PRELOAD + FAKETIME='@<moment>'
    stack.start_cluster_at(cluster, None)
    cluster.stop()
    hook_env = ["env", f"LD_PRELOAD={libfaketime()}", "FAKETIME=@2027-10-31 00:30:00"]
    pg_ctl = [str(pg_bindir() / "pg_ctl"), "-D", str(cluster.data_dir), "-l", str(cluster.log_file)]
    cluster._run([*hook_env, *pg_ctl, "-w", "start"])
    with psycopg.connect(cluster.url) as conn:
        moment, offset = server_clock_offset(conn)
    assert moment.date() == date(2027, 10, 31) and is_fake(offset)
    assert stack.start_cluster_at(cluster, None) is True
    with psycopg.connect(cluster.url) as conn:
        assert not is_fake(server_clock_offset(conn)[1])


def test_the_clock_record_lives_in_the_state_folder(cluster: LocalCluster) -> None:
    stack.start_cluster_at(cluster, parse_clock("+2d"))
    assert cluster.clock is not None and cluster.clock.requested == "+2d"
    stack.start_cluster_at(cluster, None)
    assert not cluster.clock_file.exists()
