"""slots: get_available_slots for one provider with working hours, exceptions, an override, a
recurring series and existing bookings, in a database of `scale` bookings (1,000,000 = 10,000
providers); one week and one month, as a member of the organization (authenticated, RLS on).
Reference: pgbench select-only with one client, the server's cheapest read round trip."""

from __future__ import annotations

from datetime import timedelta

from sessionkit.bench import population
from sessionkit.bench.context import BenchContext
from sessionkit.bench.harness import save_plans, timed_call
from sessionkit.bench.model import Check, Figure, Result, Target
from sessionkit.bench.registry import Scenario
from sessionkit.db.connect import connect

CALLS_PER_RUN = 40
SLOTS = "select * from public.get_available_slots(%s, %s, %s, %s)"


def run(ctx: BenchContext, scale: int) -> Result:
    url = ctx.fixture(f"population:{scale}", population.arrange(scale))
    m = population.measured(url)
    result = Result("slots", scale, "bookings in the database")
    spans = {"one week": 6, "one month": 29}
    samples: dict[str, list[float]] = {label: [] for label in spans}
    found: dict[str, int] = {}
    with connect(url) as conn:
        for label, days in spans.items():
            params = (m.provider, m.service, m.monday, m.monday + timedelta(days=days))
            found[label] = len(conn.execute(SLOTS, params).fetchall())
            timed_call(conn, SLOTS, params, user_id=m.member)  # warm the caches and plans once
        for _ in range(ctx.runs):
            for label, days in spans.items():
                params = (m.provider, m.service, m.monday, m.monday + timedelta(days=days))
                samples[label] += [
                    1000 * timed_call(conn, SLOTS, params, user_id=m.member) for _ in range(CALLS_PER_RUN)
                ]
    tps = [ctx.pgbench().tps("select-only", 1, ctx.pgbench_seconds) for _ in range(ctx.runs)]
    floor = Figure(
        "pgbench select-only",
        "ms",
        tuple(1000 / t for t in tps),
        f"pgbench -S, 1 client, {ctx.pgbench_seconds} s: one primary-key read per transaction",
    )
    for label in spans:
        figure = Figure(
            f"{label}",
            "ms",
            tuple(samples[label]),
            f"get_available_slots as a member, {found[label]} slots ({len(samples[label])} calls)",
        )
        result.figures.append(figure)
        result.ratio(f"{label} / pgbench select-only", figure, floor)
        result.checks.append(Check(f"{label}: slots offered", found[label], found[label] > 0))
    result.floors.append(floor)
    result.targets += [
        Target("one week (median)", result.figure("one week").median, "<=", 10, "ms"),
        Target("one month (median)", result.figure("one month").median, "<=", 30, "ms"),
    ]
    for label, days in spans.items():
        save_plans(
            ctx,
            result,
            url,
            f"slots.get_available_slots.{label.replace(' ', '-')}",
            SLOTS,
            (m.provider, m.service, m.monday, m.monday + timedelta(days=days)),
            user_id=m.member,
        )
    return result


SCENARIO = Scenario(
    name="slots",
    description="get_available_slots for one busy provider (week, month) in a large database",
    scale_unit="bookings",
    default_scale=1_000_000,
    sweep_scales=(1_000, 10_000, 100_000, 1_000_000),
    run=run,
    tiny_scale=200,
)
