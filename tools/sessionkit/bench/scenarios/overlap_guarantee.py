"""overlap-guarantee: what "a provider's live sessions never overlap" costs, two ways, on the
same rows: the provider calendar lock + btree neighbour check the schema uses (migration
20261127160100), and the btree_gist exclusion constraint it replaced; with neither as the
floor. The rows are the service sessions a nightly dispatch of `scale` series writes (one
INSERT … SELECT, other triggers off); then single-row inserts, each its own transaction, as a
booking makes them."""

from __future__ import annotations

import time

from sessionkit.bench.context import BenchContext
from sessionkit.bench.floors import Written, copy_rows, schema_floor
from sessionkit.bench.harness import settle
from sessionkit.bench.model import Figure, Result
from sessionkit.bench.registry import Scenario
from sessionkit.bench.scenarios import recurring_dispatch
from sessionkit.db.connect import connect

SESSIONS = (Written("service_sessions"),)
SINGLE_ROWS = 300
GUARD_TRIGGERS = ("service_sessions_no_overlap_insert", "service_sessions_no_overlap_update")
EXCLUSION = (
    "alter table public.service_sessions add constraint service_sessions_provider_no_overlap"
    " exclude using gist (provider_id with =, tstzrange(starts_at, ends_at) with &&)"
    " where (status <> 'cancelled')"
)
# a session a day after the provider's latest one (never a conflict), providers in turn
SINGLE = """
insert into public.service_sessions
  (organization_id, service_id, provider_id, session_type_id, kind, visibility, starts_at, ends_at,
   max_participants)
select organization_id, service_id, provider_id, session_type_id, 'individual', 'private',
       starts_at + interval '1 day', ends_at + interval '1 day', 1
from public.service_sessions
where provider_id = (select distinct provider_id from public.service_sessions order by 1 offset %s limit 1)
order by starts_at desc
limit 1
"""

DESIGNS = {
    "calendar lock + btree neighbour check": (),
    "btree_gist exclusion constraint": (
        *(f"drop trigger {t} on public.service_sessions" for t in GUARD_TRIGGERS),
        EXCLUSION,
    ),
    "no overlap guarantee": tuple(f"drop trigger {t} on public.service_sessions" for t in GUARD_TRIGGERS),
}


def single_rows(url: str) -> list[float]:
    """Milliseconds of single-row inserts, one transaction each, over many providers."""
    samples = []
    with connect(url) as conn:
        row = conn.execute("select count(distinct provider_id) from public.service_sessions").fetchone()
        providers = int(row[0]) if row else 1
        for k in range(SINGLE_ROWS):
            start = time.perf_counter()
            conn.execute(SINGLE, (k % providers,))
            samples.append(1000 * (time.perf_counter() - start))
    return samples


def run(ctx: BenchContext, scale: int) -> Result:
    fixture = ctx.fixture(f"dispatch:{scale}", recurring_dispatch.arrange(scale))
    result = Result("overlap-guarantee", scale, "sessions")
    bulk: dict[str, list[float]] = {name: [] for name in DESIGNS}
    single: dict[str, list[float]] = {name: [] for name in DESIGNS}
    for _ in range(ctx.runs):
        with ctx.clone(fixture) as operation:
            recurring_dispatch.dispatched(operation, shards=1)
            for name, setup in DESIGNS.items():
                with ctx.clone(fixture) as url:
                    with connect(url) as conn:
                        for statement in setup:
                            conn.execute(statement)
                    copy_rows(operation, url, SESSIONS)
                    settle(url)
                    bulk[name].append(schema_floor(url, SESSIONS).seconds)
                    single[name] += single_rows(url)
    for name in DESIGNS:
        figure = Figure(f"bulk: {name}", "s", tuple(bulk[name]), f"{scale:,} sessions in one INSERT … SELECT")
        (result.floors if name == "no overlap guarantee" else result.figures).append(figure)
    for name in DESIGNS:
        result.figures.append(
            Figure(
                f"one row: {name}", "ms", tuple(single[name]), "one session inserted in its own transaction"
            )
        )
    floor = result.figure("bulk: no overlap guarantee")
    for name in DESIGNS:
        if name != "no overlap guarantee":
            result.ratio(f"bulk {name} / no guarantee", result.figure(f"bulk: {name}"), floor)
    result.ratio(
        "one row: calendar / exclusion",
        result.figure("one row: calendar lock + btree neighbour check"),
        result.figure("one row: btree_gist exclusion constraint"),
    )
    return result


SCENARIO = Scenario(
    name="overlap-guarantee",
    description="the no-overlap guarantee: calendar lock + btree check vs btree_gist exclusion, same rows",
    scale_unit="sessions",
    default_scale=100_000,
    sweep_scales=(1_000, 10_000, 100_000),
    run=run,
)
