"""backfill: the legacy upgrade (issue 12); the scenario lives with the backfills."""

from __future__ import annotations

from sessionkit.backfill.bench import run
from sessionkit.bench.registry import Scenario

SCENARIO = Scenario(
    name="backfill",
    description="upgrade a generated legacy database: each backfill's bookings/s vs a set-based floor",
    scale_unit="bookings",
    default_scale=1_000_000,
    sweep_scales=(10_000, 100_000, 1_000_000),
    run=run,
    tiny_scale=500,
)
