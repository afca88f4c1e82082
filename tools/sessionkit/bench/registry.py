"""The scenario registry: every module of `sessionkit.bench.scenarios` that defines `SCENARIO`.

To add a scenario, put a module in tools/sessionkit/bench/scenarios/ with

    SCENARIO = Scenario(name="backfill", description="…", scale_unit="bookings",
                        default_scale=1_000_000, sweep_scales=(1_000, 10_000, 100_000), run=run)

where `run(ctx: BenchContext, scale: int) -> Result` arranges its data with `ctx.fixture(…)`,
measures on `ctx.clone(…)` copies `ctx.runs` times, and fills the Result with its figures,
floors, ratios, checks and targets (see the existing scenarios). It is found by name, listed by
`sessionkit bench --list`, run by `sessionkit bench NAME` and checked at a tiny scale by
tests/test_bench.py.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from sessionkit.bench.context import BenchContext
from sessionkit.bench.model import Result
from sessionkit.errors import SessionkitError

# the order of the suite (issue 13); scenarios not listed here follow alphabetically
ORDER = ("recurring-dispatch", "booking", "slots", "cancel", "integrity", "backfill")


@dataclass(frozen=True)
class Scenario:
    name: str
    description: str
    scale_unit: str
    default_scale: int
    sweep_scales: tuple[int, ...]
    run: Callable[[BenchContext, int], Result]
    tiny_scale: int = 20


@cache
def scenarios() -> dict[str, Scenario]:
    from sessionkit.bench import scenarios as package

    found: list[Scenario] = []
    for module in pkgutil.iter_modules(package.__path__):
        loaded = importlib.import_module(f"{package.__name__}.{module.name}")
        scenario = getattr(loaded, "SCENARIO", None)
        if isinstance(scenario, Scenario):
            found.append(scenario)

    def rank(s: Scenario) -> tuple[int, str]:
        return (ORDER.index(s.name) if s.name in ORDER else len(ORDER), s.name)

    return {s.name: s for s in sorted(found, key=rank)}


def select(names: list[str]) -> list[Scenario]:
    """The named scenarios (all when none is named); unknown names fail with the choices."""
    known = scenarios()
    unknown = [n for n in names if n not in known]
    if unknown:
        raise SessionkitError(f"unknown scenario {unknown[0]!r}; choose from {', '.join(known)}")
    return [known[n] for n in names] if names else list(known.values())
