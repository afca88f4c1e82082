"""recurring-dispatch: the nightly dispatcher on `scale` due weekly series (50 per provider).

Per run, on fresh clones of one fixture: one dispatcher call; the nightly configuration (the
pg_cron shard jobs at once); and the floors: the rows the one-call run inserted (service
sessions, bookings, status history, outbox events) written again into a clone of the fixture
(schema floor) and into primary-key-only tables (bare floor).
"""

from __future__ import annotations

import statistics
import time
from datetime import date

import psycopg

from sessionkit.bench.context import BenchContext
from sessionkit.bench.floors import (
    BARE_FLOOR,
    SCHEMA_FK_FLOOR,
    SCHEMA_FLOOR,
    FloorTime,
    Written,
    bare_floor,
    copy_rows,
    schema_floor,
)
from sessionkit.bench.harness import save_plans, settle
from sessionkit.bench.model import Check, Figure, Result, Target
from sessionkit.bench.registry import Scenario
from sessionkit.db.connect import connect
from sessionkit.recurring.cli import dispatch

NIGHTLY_SHARDS = 2  # the pg_cron jobs of migration 20261124030500
SERIES_PER_PROVIDER = 50

FIXTURE = """
select tests.seed_org('bench', 'Europe/Berlin');
insert into auth.users (id, email, aud, role)
select md5('bench-user:' || g)::uuid, 'bench' || g || '@bench.local', 'authenticated', 'authenticated'
from generate_series(1, %(series)s + %(providers)s) g on conflict do nothing;
insert into public.organization_members (organization_id, user_id, role, status)
select tests.org_id('bench'), md5('bench-user:' || g)::uuid,
       case when g <= %(providers)s then 'provider' else 'client' end, 'accepted'
from generate_series(1, %(series)s + %(providers)s) g on conflict do nothing;
insert into public.availability_rules (organization_id, provider_id, weekday, start_time, end_time)
select tests.org_id('bench'), md5('bench-user:' || g)::uuid, w, '00:00', '24:00'
from generate_series(1, %(providers)s) g, generate_series(0, 6) w;
insert into public.recurring_bookings
  (user_id, specialist_id, service_id, frequency, start_date, local_time)
select md5('bench-user:' || (%(providers)s + 1 + g))::uuid,
       md5('bench-user:' || (1 + g %% %(providers)s))::uuid,
       svc.id, 'weekly', current_date + 2,
       time '00:00' + make_interval(mins => 10 * (g / %(providers)s))
from generate_series(0, %(series)s - 1) g,
     (select tests.seed_bookable_service(tests.org_id('bench'), 'Quick', 10) as id) svc;
"""

# what a dispatch inserts (the fixture has none of these rows)
WRITTEN = (
    Written("service_sessions"),
    Written("bookings"),
    Written("booking_status_history"),
    Written("outbox_events"),
)


def providers_for(scale: int) -> int:
    return max(1, scale // SERIES_PER_PROVIDER)


def arrange(scale: int):  # type: ignore[no-untyped-def]
    def build(conn: psycopg.Connection) -> None:
        with conn.transaction():
            # integers only, so plain formatting is safe; several statements need the simple protocol
            conn.execute(FIXTURE % {"series": int(scale), "providers": providers_for(scale)})

    return build


def run_date(url: str) -> date:
    with connect(url) as conn:
        row = conn.execute("select current_date + 2").fetchone()
    assert row is not None
    return row[0]  # type: ignore[no-any-return]


def dispatched(url: str, shards: int) -> tuple[float, int]:
    """Wall time of the dispatch (shards > 1: concurrent calls, as pg_cron runs them) and the
    number of bookings it made."""
    day = run_date(url)
    settle(url)
    start = time.perf_counter()
    summary = dispatch(url, day, shards=shards)
    return time.perf_counter() - start, int(summary["count"])


def by_table(schema: list[FloorTime], schema_fk: list[FloorTime], bare: list[FloorTime]) -> str:
    """Median seconds per table of each floor: where the schema's write cost is."""
    parts = []
    for w in WRITTEN:
        medians = [
            statistics.median(f.by_table[w.table] for f in floor) for floor in (schema, schema_fk, bare)
        ]
        parts.append(f"{w.table} " + " / ".join(f"{m:.3f}" for m in medians))
    return "by table, schema / + foreign keys / bare (s): " + ", ".join(parts)


def run(ctx: BenchContext, scale: int) -> Result:
    fixture = ctx.fixture(f"dispatch:{scale}", arrange(scale))
    result = Result("recurring-dispatch", scale, "due series")
    one_call: list[float] = []
    nightly: list[float] = []
    schema: list[FloorTime] = []
    schema_fk: list[FloorTime] = []
    bare: list[FloorTime] = []
    booked: set[int] = set()
    for _ in range(ctx.runs):
        with ctx.clone(fixture) as operation:
            seconds, count = dispatched(operation, shards=1)
            one_call.append(seconds)
            booked.add(count)
            with ctx.clone(fixture) as floors:
                copy_rows(operation, floors, WRITTEN)
                settle(floors)
                schema.append(schema_floor(floors, WRITTEN))
                bare.append(bare_floor(floors, WRITTEN))
            with ctx.clone(fixture) as floors:
                copy_rows(operation, floors, WRITTEN)
                settle(floors)
                schema_fk.append(schema_floor(floors, WRITTEN, foreign_keys=True))
        with ctx.clone(fixture) as operation:
            seconds, count = dispatched(operation, shards=NIGHTLY_SHARDS)
            nightly.append(seconds)
            booked.add(count)

    providers = providers_for(scale)
    night = Figure(
        "nightly: pg_cron shard jobs at once",
        "s",
        tuple(nightly),
        f"{NIGHTLY_SHARDS} concurrent dispatch_recurring_bookings calls (shards by provider),"
        f" {providers} providers",
    )
    single = Figure("one call", "s", tuple(one_call), "one dispatch_recurring_bookings call")
    schema_f = Figure("schema floor", "s", tuple(f.seconds for f in schema), SCHEMA_FLOOR)
    schema_fk_f = Figure(
        "schema floor + foreign keys", "s", tuple(f.seconds for f in schema_fk), SCHEMA_FK_FLOOR
    )
    bare_f = Figure("bare floor", "s", tuple(f.seconds for f in bare), BARE_FLOOR)
    result.figures += [night, single]
    result.floors += [schema_f, schema_fk_f, bare_f]
    nightly_ratio = result.ratio("nightly / schema floor", night, schema_f)
    result.ratio("one call / schema floor", single, schema_f)
    floor_ratio = result.ratio("schema floor / bare floor", schema_f, bare_f)
    result.checks.append(
        Check(
            "bookings made per run (every due series)", ", ".join(map(str, sorted(booked))), booked == {scale}
        )
    )
    result.targets += [
        Target("nightly wall time", night.median, "<=", 2.0, "s"),
        Target("nightly / schema floor", nightly_ratio.value, "<=", 1.3, "x"),
        Target("schema floor / bare floor", floor_ratio.value, "<=", 2.0, "x"),
    ]
    result.notes.append(by_table(schema, schema_fk, bare))
    result.notes.append(
        "Floors write the rows the dispatch inserted; the dispatch also claims and advances the series"
        " (one HOT update each) and writes one audit_log row."
    )
    with ctx.clone(fixture) as url:
        save_plans(
            ctx,
            result,
            url,
            "recurring-dispatch.dispatch_recurring_bookings",
            "select public.dispatch_recurring_bookings(current_date + 2)",
            role="service_role",
            # the claim visits every due series, the decision joins every client's membership
            expected_scans=("recurring_bookings", "organization_members"),
        )
    return result


SCENARIO = Scenario(
    name="recurring-dispatch",
    description="the nightly dispatcher: due weekly series (50 per provider) turned into bookings",
    scale_unit="due series",
    default_scale=100_000,
    sweep_scales=(1_000, 10_000, 100_000),
    run=run,
)
