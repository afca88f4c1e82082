"""outbox-claim: claim_outbox_events latency (service_role, 100 new events per claim) with 1,000
and with `scale` events already delivered to the consumer. A claim reads only the events after the
consumer's cursor (index on outbox_events (xact_id, id)) and its due deliveries (partial index),
never the delivered history, so it should be flat. Reference: pgbench simple-update with one
client, the server's smallest write transaction."""

from __future__ import annotations

import psycopg

from sessionkit.bench.context import BenchContext
from sessionkit.bench.harness import save_plans, timed_call
from sessionkit.bench.model import Check, Figure, Result
from sessionkit.bench.registry import Scenario
from sessionkit.db.connect import connect

BATCH = 100
CALLS_PER_RUN = 20
SMALL = 1_000
CONSUMER = "bench-webhooks"
ORG = "md5('outbox-bench')::uuid"
CLAIM = "select * from public.claim_outbox_events(%s, %s)"
EMIT = f"""
insert into public.outbox_events (organization_id, topic, payload)
select {ORG}, 'booking.created', jsonb_build_object('n', g) from generate_series(1, %s) as g
"""


def arrange(delivered: int):  # type: ignore[no-untyped-def]
    """An organization, a consumer, and `delivered` events it has delivered (one INSERT … SELECT
    per table), its cursors past them."""

    def build(conn: psycopg.Connection) -> None:
        with conn.transaction():
            conn.execute(
                f"insert into public.organizations (id, name, slug, timezone) values ({ORG}, 'Outbox bench',"
                " 'outbox-bench', 'UTC')"
            )
            conn.execute("select public.configure_outbox_consumer(%s)", (CONSUMER,))
            conn.execute(
                f"""insert into public.outbox_events (organization_id, topic, payload, created_at)
                select {ORG}, 'booking.created', jsonb_build_object('n', g), now() - interval '1 day'
                from generate_series(1, %s) as g""",
                (delivered,),
            )
            conn.execute(
                """insert into ops.outbox_deliveries
                  (consumer, event_id, organization_id, topic, event_created_at, status, attempts,
                   delivered_at)
                select %s, e.id, e.organization_id, e.topic, e.created_at, 'delivered', 1, now()
                from public.outbox_events e""",
                (CONSUMER,),
            )
        with conn.transaction():  # a later snapshot: every event above is behind its xmin
            conn.execute(
                """update ops.outbox_consumers
                set safe_xact_id = pg_snapshot_xmin(pg_current_snapshot())::text::bigint, safe_event_id = 0,
                    eager_xact_id = pg_snapshot_xmin(pg_current_snapshot())::text::bigint, eager_event_id = 0
                where consumer = %s""",
                (CONSUMER,),
            )

    return build


def latencies(ctx: BenchContext, delivered: int) -> tuple[Figure, list[int], str]:
    url = ctx.fixture(f"outbox:{delivered}", arrange(delivered))
    samples: list[float] = []
    claimed: list[int] = []
    with ctx.clone(url) as clone, connect(clone) as conn:
        for _ in range(CALLS_PER_RUN * ctx.runs):
            conn.execute(EMIT, (BATCH,))
            samples.append(1000 * timed_call(conn, CLAIM, (CONSUMER, BATCH), role="service_role"))
            with conn.transaction():
                ids = [
                    r[0]
                    for r in conn.execute(
                        "select event_id from ops.outbox_deliveries"
                        " where consumer = %s and status = 'pending'",
                        (CONSUMER,),
                    )
                ]
                claimed.append(len(ids))
                conn.execute("select public.ack_outbox_events(%s, %s)", (CONSUMER, ids))
    figure = Figure(
        f"{delivered:,} delivered events",
        "ms",
        tuple(samples),
        f"claim_outbox_events of {BATCH} new events as service_role ({len(samples)} calls)",
    )
    return figure, claimed, url


def run(ctx: BenchContext, scale: int) -> Result:
    result = Result("outbox-claim", scale, "delivered events")
    big, big_claimed, url = latencies(ctx, scale)
    small, small_claimed, _ = latencies(ctx, min(SMALL, scale))
    tps = [ctx.pgbench().tps("simple-update", 1, ctx.pgbench_seconds) for _ in range(ctx.runs)]
    floor = Figure(
        "pgbench simple-update",
        "ms",
        tuple(1000 / t for t in tps),
        f"pgbench -N, 1 client, {ctx.pgbench_seconds} s: the server's smallest write transaction",
    )
    result.figures += [big, small]
    result.floors.append(floor)
    flat = result.ratio(f"{big.label} / {small.label}", big, small)
    result.ratio(f"{big.label} / pgbench simple-update", big, floor)
    result.checks.append(
        Check(
            f"every claim handed out {BATCH} new events",
            ", ".join(str(n) for n in sorted(set(big_claimed + small_claimed))),
            set(big_claimed + small_claimed) == {BATCH},
        )
    )
    result.notes.append(f"flat means a ratio near 1: {flat.value:.2f}")
    with connect(url) as conn:
        conn.execute(EMIT, (BATCH,))
    save_plans(ctx, result, url, "outbox.claim_outbox_events", CLAIM, (CONSUMER, BATCH), role="service_role")
    return result


SCENARIO = Scenario(
    name="outbox-claim",
    description="claim_outbox_events latency with few and with millions of delivered events",
    scale_unit="delivered events",
    default_scale=2_000_000,
    sweep_scales=(1_000, 100_000, 1_000_000, 2_000_000),
    run=run,
    tiny_scale=200,
)
