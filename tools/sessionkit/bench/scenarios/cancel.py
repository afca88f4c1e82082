"""cancel: cancel_booking latency (the booking's client, authenticated) with 1,000 and with
`scale` rows in booking_cancellations: it should be flat. Reference: pgbench simple-update with
one client, the server's smallest write transaction."""

from __future__ import annotations

from contextlib import ExitStack
from dataclasses import dataclass

import psycopg

from sessionkit.bench import population
from sessionkit.bench.context import BenchContext
from sessionkit.bench.harness import save_plans, timed_call
from sessionkit.bench.model import Check, Figure, Result
from sessionkit.bench.registry import Scenario
from sessionkit.db.connect import connect

CALLS_PER_RUN = 30
SMALL = 1_000
CANCEL = "select public.cancel_booking(%s, 'bench')"
# future confirmed bookings of the first organization, with their client
TARGETS = """
select b.id, b.client_id from public.bookings b
where b.organization_id = bench.org_id('live', 1) and b.status = 'confirmed'
  and b.start_time > now() + interval '2 days'
order by b.start_time, b.id
limit %s
"""
LIVE_EVERY = 1_000_000_000  # a second population that cancels (almost) nothing: the bookings to cancel


def arrange(scale: int):  # type: ignore[no-untyped-def]
    """`scale` cancelled bookings with their cancellation rows, plus live ones to cancel."""
    cancelled = population.arrange(scale, cancel_every=1)

    def build(conn: psycopg.Connection) -> None:
        cancelled(conn)
        with conn.transaction():
            conn.execute("select bench.populate('live', 1, 4, 20, 100, %s)", (LIVE_EVERY,))

    return build


WARM_UP = 5


@dataclass
class Side:
    """One fixture (a count of cancellation rows), its connection and the bookings left to cancel."""

    url: str
    rows: int
    conn: psycopg.Connection
    targets: list[tuple[str, str]]
    samples: list[float]

    def cancel_next(self) -> float:
        booking, client = self.targets.pop()
        return 1000 * timed_call(self.conn, CANCEL, (booking,), user_id=client)


def side(ctx: BenchContext, name: str, rows: int, calls: int, stack: ExitStack) -> Side:
    url = ctx.fixture(f"cancellations:{name}:{rows}", arrange(rows))
    conn = stack.enter_context(connect(url))
    targets = [(str(b), str(c)) for b, c in conn.execute(TARGETS, (calls + WARM_UP + 1,)).fetchall()]
    counted = conn.execute("select count(*) from public.booking_cancellations").fetchone()
    return Side(url, int(counted[0]) if counted else 0, conn, targets[1:], [])


def run(ctx: BenchContext, scale: int) -> Result:
    result = Result("cancel", scale, "cancellation rows")
    calls = CALLS_PER_RUN * ctx.runs
    with ExitStack() as stack:
        big = side(ctx, "many", scale, calls, stack)
        small = side(ctx, "few", min(SMALL, scale), calls, stack)
        for s in (big, small):
            for _ in range(WARM_UP):  # caches and plans of both, before anything counts
                s.cancel_next()
        # alternating, so that whatever else the machine does weighs on both alike
        for _ in range(calls):
            for s in (big, small):
                s.samples.append(s.cancel_next())
    figures = [
        Figure(
            label,
            "ms",
            tuple(s.samples),
            f"cancel_booking by the client, {s.rows:,} cancellation rows in the database"
            f" ({len(s.samples)} calls, alternating with the other database)",
        )
        for label, s in (("many cancellation rows", big), ("1,000 cancellation rows", small))
    ]
    url = big.url
    tps = [ctx.pgbench().tps("simple-update", 1, ctx.pgbench_seconds) for _ in range(ctx.runs)]
    floor = Figure(
        "pgbench simple-update",
        "ms",
        tuple(1000 / t for t in tps),
        f"pgbench -N, 1 client, {ctx.pgbench_seconds} s: the server's smallest write transaction",
    )
    result.figures += figures
    result.floors.append(floor)
    flat = result.ratio(f"{figures[0].label} / {figures[1].label}", figures[0], figures[1])
    result.ratio(f"{figures[0].label} / pgbench simple-update", figures[0], floor)
    result.checks.append(
        Check(
            "every call cancelled a booking",
            len(big.samples) + len(small.samples),
            len(big.samples) == len(small.samples) == calls,
        )
    )
    result.notes.append(f"flat means a ratio near 1: {flat.value:.2f}")
    with connect(url) as conn:
        row = conn.execute(TARGETS, (1,)).fetchone()
    assert row is not None
    save_plans(ctx, result, url, "cancel.cancel_booking", CANCEL, (str(row[0]),), user_id=str(row[1]))
    return result


SCENARIO = Scenario(
    name="cancel",
    description="cancel_booking latency with few and with many cancellation rows",
    scale_unit="cancellation rows",
    default_scale=1_000_000,
    sweep_scales=(1_000, 10_000, 100_000, 1_000_000),
    run=run,
    tiny_scale=200,
)
