"""integrity: integrity_report over every organization (service_role) on `scale` bookings, and
for one organization as its owner. Floor: reading every row of the tables the report reads once
(count(*) each), what any report over everything must at least do."""

from __future__ import annotations

from sessionkit.bench import population
from sessionkit.bench.context import BenchContext
from sessionkit.bench.floors import scan_floor
from sessionkit.bench.harness import save_plans, timed_call
from sessionkit.bench.model import Check, Figure, Result, Target
from sessionkit.bench.registry import Scenario
from sessionkit.db.connect import connect

REPORT = "select public.integrity_report(%s)"
READ_TABLES = (
    "bookings",
    "booking_cancellations",
    "service_sessions",
    "subscriptions",
    "organization_settings",
)
ORG_CALLS_PER_RUN = 10


def run(ctx: BenchContext, scale: int) -> Result:
    url = ctx.fixture(f"population:{scale}", population.arrange(scale))
    m = population.measured(url)
    result = Result("integrity", scale, "bookings")
    everything: list[float] = []
    one_org: list[float] = []
    scans: list[float] = []
    with connect(url) as conn:
        row = conn.execute(
            "select (public.integrity_report(null) ->> 'total_violations')::integer"
        ).fetchone()
        violations = int(row[0]) if row else -1
        for _ in range(ctx.runs):
            everything.append(timed_call(conn, REPORT, (None,), role="service_role"))
            one_org += [
                1000 * timed_call(conn, REPORT, (m.organization,), user_id=m.owner)
                for _ in range(ORG_CALLS_PER_RUN)
            ]
            scans.append(scan_floor(url, READ_TABLES))
    report = Figure("every organization", "s", tuple(everything), "integrity_report(null) as service_role")
    floor = Figure(
        "scan floor", "s", tuple(scans), f"count(*) of {', '.join(READ_TABLES)} in one transaction"
    )
    org = Figure("one organization", "ms", tuple(one_org), "integrity_report(org) as its owner")
    result.figures.append(report)
    result.floors.append(floor)
    result.figures.append(org)
    result.ratio("every organization / scan floor", report, floor)
    result.checks.append(Check("violations found in the generated data", violations, violations == 0))
    result.targets.append(Target("every organization", report.median, "<=", 5.0, "s"))
    save_plans(
        ctx, result, url, "integrity.integrity_report", REPORT, (None,), role="service_role", hot=False
    )
    # reports, not hot paths: their plans are saved, their scans of mid-sized tables allowed
    save_plans(
        ctx,
        result,
        url,
        "integrity.integrity_report.one-organization",
        REPORT,
        (m.organization,),
        user_id=m.owner,
        hot=False,
    )
    return result


SCENARIO = Scenario(
    name="integrity",
    description="integrity_report over every organization, and over one",
    scale_unit="bookings",
    default_scale=1_000_000,
    sweep_scales=(1_000, 10_000, 100_000, 1_000_000),
    run=run,
    tiny_scale=200,
)
