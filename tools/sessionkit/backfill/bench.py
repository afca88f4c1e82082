"""`sessionkit bench backfill`: the whole legacy upgrade on a generated `scale`-booking database.

Per backfill: its speed in bookings per second (the bookings of the database over the backfill's
wall time, reports and verify included) and in rows of its own collection per second, next to a
floor measured in the same run: the same rows written by one set-based statement with triggers
off (the floor's definition; the backfills themselves write through the triggers), on the
upgraded copy before its contract push after resetting what the backfill wrote. Also the runner's peak memory
after each backfill (it keeps no row in memory: flat from a thousand bookings to a million) and
the whole upgrade's wall time (push, the backfills the stop allows, the runbook's conflict fixes
with them again, the contract push, then the backfills that wait for it).
"""

from __future__ import annotations

import os
import resource
import time

import psycopg

from sessionkit import stack
from sessionkit.backfill import practice
from sessionkit.backfill.registry import backfills
from sessionkit.backfill.runner import Outcome, RunOptions
from sessionkit.backfill.tasks.booking_kinds import PENDING as KIND_PENDING
from sessionkit.backfill.tasks.booking_kinds import SOURCE as KIND_SOURCE
from sessionkit.backfill.tasks.cancellations import REASON
from sessionkit.backfill.tasks.session_types import TYPE_MAP, length_minutes
from sessionkit.backfill.tasks.subscription_links import covers
from sessionkit.bench.context import BenchContext
from sessionkit.bench.floors import triggers_off
from sessionkit.bench.harness import settle
from sessionkit.bench.model import Check, Figure, Result, Target
from sessionkit.config import Target as DbTarget
from sessionkit.db.connect import connect
from sessionkit.legacy.generate import LEGACY_BASELINE_VERSION, generate

TARGET_ROWS_PER_SECOND = 20_000
SEED = 1

LEGACY_BOOKING = "not exists (select 1 from public.booking_status_history h where h.booking_id = b.id)"

# per backfill: (reset what it wrote - not timed, the same writes as one statement each - timed)
FLOORS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "session_types": (
        ("update public.bookings set session_type_id = null where session_type_id is not null",),
        (
            f"""update public.bookings b set session_type_id = m.type_id from {TYPE_MAP} as m
                where m.organization_id = b.organization_id and m.type_id is not null
                  and m.minutes = {length_minutes("b.start_time", "b.end_time")}""",
        ),
    ),
    "booking_kinds": (
        ("update public.bookings set booking_kind = 'regular' where booking_kind <> 'regular'",),
        (
            f"""update public.bookings t set booking_kind = x.decided
                from (select b.id, k.decided from {KIND_SOURCE}
                      where {KIND_PENDING} and k.decided in ('trial', 'guest')) as x
                where t.id = x.id""",
        ),
    ),
    "service_sessions": (
        (
            """update public.bookings b set service_session_id = null from public.service_sessions ss
               where ss.id = b.service_session_id and ss.kind = 'individual'""",
            "delete from public.service_sessions where kind = 'individual'",
        ),
        (
            """insert into public.service_sessions
                 (id, organization_id, service_id, provider_id, session_type_id, kind, visibility, starts_at,
                  ends_at, max_participants, current_participants, status)
               select md5('sessionkit.individual_session:' || b.id)::uuid, b.organization_id, b.service_id,
                      b.provider_id, b.session_type_id, 'individual', 'private', b.start_time, b.end_time, 1,
                      case when b.status = 'cancelled' then 0 else 1 end,
                      case b.status when 'cancelled' then 'cancelled' when 'pending' then 'scheduled'
                                    when 'confirmed' then 'scheduled' else 'completed' end
               from public.bookings b where b.service_session_id is null""",
            """update public.bookings b
               set service_session_id = md5('sessionkit.individual_session:' || b.id)::uuid
               where b.service_session_id is null""",
        ),
    ),
    "subscription_links": (
        (
            f"""update public.bookings b set subscription_id = null
                where b.subscription_id is not null and {LEGACY_BOOKING}""",
        ),
        (
            f"""update public.bookings t set subscription_id = x.sub_id
                from (select distinct on (b.id) b.id, s.id as sub_id
                      from public.bookings b join public.subscriptions s on {covers("s", "b")}
                      where b.booking_kind = 'regular' and b.subscription_id is null
                        and b.status in ('pending', 'confirmed', 'completed', 'no_show') and {LEGACY_BOOKING}
                      order by b.id, s.id) as x
                where t.id = x.id""",
        ),
    ),
    "cancellations": (
        ("delete from public.booking_cancellations where cancelled_by is null and reason = %(reason)s",),
        (
            """insert into public.booking_cancellations
                 (id, organization_id, booking_id, cancelled_by, reason, cancellation_policy_applied,
                   created_at)
               select md5('sessionkit.legacy_cancellation:' || b.id)::uuid, b.organization_id, b.id, null,
                      %(reason)s, 'no_refund', b.updated_at
               from public.bookings b
               where b.status = 'cancelled'
                 and not exists (select 1 from public.booking_cancellations c where c.booking_id = b.id)""",
        ),
    ),
}


def legacy_database(ctx: BenchContext, scale: int) -> str:
    """A database at the legacy baseline holding `scale` generated bookings."""
    url = ctx.new_database("legacy")
    target = DbTarget(url=url, is_local=True)
    stack.push_target(ctx.project, target, to=LEGACY_BASELINE_VERSION)
    with connect(url) as conn:
        generate(conn, scale, SEED)
        conn.execute("vacuum (analyze)")
    return url


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def floor_seconds(url: str) -> dict[str, float]:
    """Each backfill's writes as set-based statements, on the backfilled database before its
    contract push: what it wrote reset, then the same writes timed - all rolled back."""
    seconds: dict[str, float] = {}
    params = {"reason": REASON}
    with psycopg.connect(url, autocommit=True) as conn:
        for name, (reset, writes) in FLOORS.items():
            with conn.transaction(force_rollback=True):
                triggers_off(conn)
                for statement in reset:
                    conn.execute(statement, params)
                started = time.perf_counter()
                for statement in writes:
                    conn.execute(statement, params)
                seconds[name] = time.perf_counter() - started
    return seconds


def bookings(url: str) -> int:
    with connect(url) as conn:
        row = conn.execute("select count(*) from public.bookings").fetchone()
    return int(row[0]) if row else 0


def run(ctx: BenchContext, scale: int) -> Result:
    result = Result("backfill", scale, "bookings")
    legacy = legacy_database(ctx, scale)
    names = [b.name for b in backfills()]
    per_booking: dict[str, list[float]] = {n: [] for n in names}
    per_row: dict[str, list[float]] = {n: [] for n in names}
    floors: dict[str, list[float]] = {n: [] for n in names}
    rss: dict[str, float] = {}
    whole: list[float] = []
    ok = True
    total = bookings(legacy)
    rss_before = peak_rss_mb()
    for _ in range(ctx.runs):
        with ctx.clone(legacy) as url:
            settle(url)

            def measured(name: str, outcome: Outcome) -> None:
                rss[name] = peak_rss_mb()

            target = DbTarget(url=url, is_local=True)
            done = practice.upgrade(ctx.project, target, RunOptions(), measured, contract=False)
            for name, seconds in floor_seconds(url).items():
                floors[name].append(total / seconds)
            practice.contract_push(ctx.project, target, done)
            practice.after_push(ctx.project, target, done, RunOptions(), measured)
            whole.append(done.wall_seconds)
            for name in names:
                outcome = done.first_runs[name]
                per_booking[name].append(total / done.seconds[name])
                per_row[name].append(outcome.rows / max(outcome.seconds, 1e-9))
                ok = ok and outcome.ok
            ok = ok and done.final_stop is None
            with connect(url) as conn:
                row = conn.execute(
                    "select (public.integrity_report() ->> 'total_violations')::int"
                ).fetchone()
            violations = int(row[0]) if row else -1
    for name in names:
        figure = Figure(
            name, "/s", tuple(per_booking[name]), "bookings of the database per second of the run"
        )
        rows = Figure(f"{name} (own rows)", "/s", tuple(per_row[name]), "rows of its collection per second")
        floor = Figure(
            f"{name} floor", "/s", tuple(floors[name]), "the same writes, one statement, triggers off"
        )
        result.figures += [figure, rows]
        result.floors.append(floor)
        result.ratio(f"{name} / floor", figure, floor)
        result.targets.append(Target(f"{name} bookings/s", figure.median, ">=", TARGET_ROWS_PER_SECOND, "/s"))
    result.figures.append(
        Figure("whole upgrade", "s", tuple(whole), "push, 5 backfills, fixes and again, push")
    )
    result.checks += [
        Check("every backfill verified, the contract push passed", "yes" if ok else "no", ok),
        Check("integrity violations after the upgrade", violations, violations == 0),
    ]
    result.notes.append(
        "runner peak RSS (MB): start "
        + f"{rss_before:.0f}, "
        + ", ".join(f"after {name} {mb:.0f}" for name, mb in rss.items())
    )
    result.notes.append(f"load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    return result
