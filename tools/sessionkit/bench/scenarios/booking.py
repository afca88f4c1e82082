"""booking: 8 clients at once, each an `authenticated` user (RLS on) booking 1-to-1 sessions
with their own provider through book_individual_session, as PostgREST would send it; pgbench's
simple-update from the same run as the reference. Then the contention variant: 8 connections,
4 clients with 2 credits each (the organization requires a subscription), 2 providers with 12
overlapping 10-minute slots each, 1,000 attempts to book or cancel at random: verified to end
with no overlapping sessions and no credit spent twice.

The database already holds other organizations' bookings (BACKGROUND_PER_BOOKING for every
booking the run makes, 100,000 at the default scale), analysed: the RPC's cached plans are
those of a running database. In an empty one they are made for empty tables (sequential scans
of bookings and service_sessions) and each client's connection keeps them while its own
bookings pile up (3 ms per booking at first, 7 ms after 1,500).
"""

from __future__ import annotations

import random
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import psycopg

from sessionkit.bench.context import BenchContext
from sessionkit.bench.harness import save_plans, settle
from sessionkit.bench.model import Check, Figure, Result, Target
from sessionkit.bench.registry import Scenario
from sessionkit.db.connect import connect
from sessionkit.testing.acting import become
from sessionkit.testing.parallel import run_parallel

CLIENTS = 8
SLOT_MINUTES = 10
CONTENTION_ATTEMPTS = 1_000
CONTENTION_CLIENTS = 4
CONTENTION_CREDITS = 2
CONTENTION_SLOTS = 12
BACKGROUND_PER_BOOKING = 25
BACKGROUND_ORG_BOOKINGS = 1_000  # bench.populate: 10 providers x 100 sessions per organization
BOOK = "select id from public.book_individual_session(%s, %s, %s)"
CANCEL = "select public.cancel_booking(%s, 'changed my mind')"
# refusals the rules are expected to produce under contention; anything else is a failure
EXPECTED_REFUSALS = {"SLOT_TAKEN", "NO_CREDITS_LEFT", "ALREADY_CANCELLED"}

FIXTURE = """
select tests.seed_org('bench', 'UTC');
select tests.add_member('bench', 'bench_p' || i, 'provider'),
       tests.add_member('bench', 'bench_c' || i, 'client'),
       tests.seed_weekly_hours(tests.org_id('bench'), tests.uid('bench_p' || i), '00:00', '24:00')
from generate_series(1, %(clients)s) as i;
select tests.seed_bookable_service(tests.org_id('bench'), 'Quick', %(minutes)s);

select tests.seed_org('contend', 'UTC');
update public.organization_settings set requires_subscription = true
where organization_id = tests.org_id('contend');
select tests.add_member('contend', 'contend_p' || i, 'provider'),
       tests.seed_weekly_hours(tests.org_id('contend'), tests.uid('contend_p' || i), '00:00', '24:00')
from generate_series(1, 2) as i;
select tests.add_member('contend', 'contend_c' || i, 'client'),
       tests.seed_subscription(tests.org_id('contend'), tests.uid('contend_c' || i), %(credits)s)
from generate_series(1, %(contention_clients)s) as i;
select tests.seed_bookable_service(tests.org_id('contend'), 'Quick', %(minutes)s);
"""


def arrange(scale: int):  # type: ignore[no-untyped-def]
    def build(conn: psycopg.Connection) -> None:
        with conn.transaction():
            organizations = max(1, scale * BACKGROUND_PER_BOOKING // BACKGROUND_ORG_BOOKINGS)
            conn.execute("select bench.populate('others', %s, 10, 100, 100)", (organizations,))
            conn.execute(
                FIXTURE
                % {
                    "clients": CLIENTS,
                    "minutes": SLOT_MINUTES,
                    "credits": CONTENTION_CREDITS,
                    "contention_clients": CONTENTION_CLIENTS,
                }
            )

    return build


def ids(conn: psycopg.Connection, slug: str, names: list[str]) -> tuple[str, list[str]]:
    """The organization's Quick service and the ids of the named test users."""
    row = conn.execute(
        "select tests.service_id(tests.org_id(%s), 'Quick'),"
        " array(select tests.uid(n)::text from unnest(%s::text[]) n)",
        (slug, names),
    ).fetchone()
    assert row is not None
    return str(row[0]), list(row[1])


def base_time(conn: psycopg.Connection) -> datetime:
    row = conn.execute("select date_trunc('hour', now()) + interval '2 days'").fetchone()
    assert row is not None
    return row[0]  # type: ignore[no-any-return]


@dataclass
class Outcome:
    latencies: list[float] = field(default_factory=list)
    refusals: Counter[str] = field(default_factory=Counter)
    booked: int = 0
    cancelled: int = 0


def request(
    conn: psycopg.Connection, user: str, call: str, params: tuple[object, ...], outcome: Outcome
) -> str | None:
    """One PostgREST-like request; returns the first column, or None when refused (counted)."""
    start = time.perf_counter()
    try:
        with conn.transaction():
            become(conn, user_id=user)
            row = conn.execute(call, params).fetchone()
    except psycopg.Error as exc:
        outcome.refusals[exc.diag.message_primary or exc.diag.sqlstate or "?"] += 1
        return None
    finally:
        outcome.latencies.append(time.perf_counter() - start)
    return str(row[0]) if row else None


def throughput(url: str, bookings: int) -> tuple[float, Outcome]:
    """Wall time of CLIENTS clients booking `bookings` sessions in all, and what happened."""
    with connect(url) as conn:
        service, clients = ids(conn, "bench", [f"bench_c{i}" for i in range(1, CLIENTS + 1)])
        _, providers = ids(conn, "bench", [f"bench_p{i}" for i in range(1, CLIENTS + 1)])
        base = base_time(conn)
    per_client = max(1, bookings // CLIENTS)
    outcomes = [Outcome() for _ in range(CLIENTS)]

    def client(i: int):  # type: ignore[no-untyped-def]
        def task(barrier: threading.Barrier) -> float:
            with connect(url) as conn:
                barrier.wait()
                for k in range(per_client):
                    starts = base + timedelta(minutes=SLOT_MINUTES * k)
                    if request(conn, clients[i], BOOK, (service, providers[i], starts), outcomes[i]):
                        outcomes[i].booked += 1
                return time.perf_counter()

        return task

    settle(url)
    start = time.perf_counter()
    finished = run_parallel([client(i) for i in range(CLIENTS)], join_timeout=600)
    total = Outcome()
    for o in outcomes:
        total.latencies += o.latencies
        total.refusals += o.refusals
        total.booked += o.booked
    return max(finished) - start, total


def contention(url: str, attempts: int) -> tuple[Outcome, dict[str, int]]:
    """Random bookings and cancellations by 8 connections on few slots and few credits; returns
    what happened and the violations found afterwards."""
    clients_names = [f"contend_c{i}" for i in range(1, CONTENTION_CLIENTS + 1)]
    with connect(url) as conn:
        service, clients = ids(conn, "contend", clients_names)
        _, providers = ids(conn, "contend", ["contend_p1", "contend_p2"])
        base = base_time(conn) + timedelta(days=1)
    # slots half a session apart: neighbours overlap, so overlaps are tested, not only equal times
    slots = [base + timedelta(minutes=SLOT_MINUTES // 2 * j) for j in range(CONTENTION_SLOTS)]
    threads = 2 * CONTENTION_CLIENTS
    outcomes = [Outcome() for _ in range(threads)]

    def worker(t: int):  # type: ignore[no-untyped-def]
        def task(barrier: threading.Barrier) -> None:
            rng = random.Random(t)
            me = clients[t % CONTENTION_CLIENTS]  # two connections per client: its credits race too
            mine: list[str] = []
            with connect(url) as conn:
                barrier.wait()
                for _ in range(attempts // threads):
                    if mine and rng.random() < 0.3:
                        booking = mine.pop(rng.randrange(len(mine)))
                        if request(conn, me, CANCEL, (booking,), outcomes[t]) is not None:
                            outcomes[t].cancelled += 1
                        continue
                    provider = rng.choice(providers)
                    booking_id = request(conn, me, BOOK, (service, provider, rng.choice(slots)), outcomes[t])
                    if booking_id:
                        outcomes[t].booked += 1
                        mine.append(booking_id)

        return task

    run_parallel([worker(t) for t in range(threads)], join_timeout=600)
    total = Outcome()
    for o in outcomes:
        total.latencies += o.latencies
        total.refusals += o.refusals
        total.booked += o.booked
        total.cancelled += o.cancelled
    return total, violations(url)


VIOLATIONS = """
select
  (select count(*) from public.service_sessions a
   join public.service_sessions b on b.provider_id = a.provider_id and b.id > a.id
    and b.status <> 'cancelled' and tstzrange(a.starts_at, a.ends_at) && tstzrange(b.starts_at, b.ends_at)
   where a.status <> 'cancelled' and a.organization_id = tests.org_id('contend')) as overbookings,
  (select count(*) from public.subscriptions s
   where s.organization_id = tests.org_id('contend')
     and private.subscription_credits_used(s.id) > s.total_sessions) as double_spent,
  (public.integrity_report(tests.org_id('contend')) ->> 'total_violations')::integer as integrity_violations
"""


def violations(url: str) -> dict[str, int]:
    with connect(url) as conn:
        row = conn.execute(VIOLATIONS).fetchone()
    assert row is not None
    return {"overbookings": int(row[0]), "double_spent": int(row[1]), "integrity": int(row[2])}


def run(ctx: BenchContext, scale: int) -> Result:
    fixture = ctx.fixture(f"booking:{scale}", arrange(scale))
    result = Result("booking", scale, "bookings by 8 clients")
    rates: list[float] = []
    walls: list[float] = []
    latencies: list[float] = []
    refusals: Counter[str] = Counter()
    for _ in range(ctx.runs):
        with ctx.clone(fixture) as url:
            wall, outcome = throughput(url, scale)
            walls.append(wall)
            rates.append(outcome.booked / wall)
            latencies += outcome.latencies
            refusals += outcome.refusals
    pgbench = ctx.pgbench()
    tps = [pgbench.tps("simple-update", CLIENTS, ctx.pgbench_seconds) for _ in range(ctx.runs)]
    rate = Figure(
        "bookings/s", "/s", tuple(rates), f"{CLIENTS} authenticated clients, each with their own provider"
    )
    latency = Figure(
        "latency per booking",
        "ms",
        tuple(x * 1000 for x in latencies),
        "one request: begin, role + JWT claims, book_individual_session, commit",
    )
    p95 = latency.percentile(95)
    wall_time = Figure("wall time", "s", tuple(walls), f"{scale:,} bookings")
    floor = Figure(
        "pgbench simple-update",
        "/s",
        tuple(tps),
        f"pgbench -N, {CLIENTS} clients, {ctx.pgbench_seconds} s: the server's smallest write transaction",
    )
    floor_time = Figure(
        "pgbench simple-update time",
        "s",
        tuple(scale / t for t in tps),
        f"{scale:,} pgbench -N transactions at that rate",
    )
    result.figures += [rate, latency, wall_time]
    result.floors += [floor, floor_time]
    result.ratio("bookings/s / pgbench simple-update tps", rate, floor)
    result.notes.append(f"latency p50 {latency.median:.1f} ms, p95 {p95:.1f} ms")
    result.checks.append(
        Check(
            "refused bookings (free slots, no credits required)",
            ", ".join(f"{k}: {v}" for k, v in refusals.items()) or "0",
            not refusals,
        )
    )
    result.targets += [
        Target("bookings/s", rate.median, ">=", 800, "/s"),
        Target("p95 latency", p95, "<=", 20, "ms"),
    ]

    with ctx.clone(fixture) as url:
        # 1,000 attempts from the default scale on (fewer in the harness' tiny runs)
        outcome, found = contention(url, min(CONTENTION_ATTEMPTS, scale))
    unexpected = {k: v for k, v in outcome.refusals.items() if k not in EXPECTED_REFUSALS}
    attempts = len(outcome.latencies)
    result.checks += [
        Check(
            f"contention: {attempts} attempts, {outcome.booked} booked,"
            f" {outcome.cancelled} cancelled, refused",
            ", ".join(f"{k}: {v}" for k, v in sorted(outcome.refusals.items())),
            not unexpected,
        ),
        Check(
            "contention: overbookings (overlapping live sessions of a provider)",
            found["overbookings"],
            found["overbookings"] == 0,
        ),
        Check(
            "contention: credits spent twice (subscriptions over their total)",
            found["double_spent"],
            found["double_spent"] == 0,
        ),
        Check("contention: integrity_report violations", found["integrity"], found["integrity"] == 0),
    ]
    with connect(fixture) as conn:
        service, (client,) = ids(conn, "bench", ["bench_c1"])
        _, (provider,) = ids(conn, "bench", ["bench_p1"])
        starts = base_time(conn)
    save_plans(
        ctx,
        result,
        fixture,
        "booking.book_individual_session",
        BOOK,
        (service, provider, starts),
        user_id=client,
    )
    return result


SCENARIO = Scenario(
    name="booking",
    description="8 authenticated clients booking 1-to-1 sessions through the RPC, and a contention check",
    scale_unit="bookings",
    default_scale=4_000,
    sweep_scales=(1_000, 4_000, 16_000),
    run=run,
    tiny_scale=80,
)
