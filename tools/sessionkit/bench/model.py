"""What a benchmark reports: figures over several runs, floors measured in the same run, the
ratios between them, correctness checks and the issue's targets."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from typing import Literal

Unit = Literal["s", "ms", "/s"]
Comparison = Literal["<=", ">="]


@dataclass(frozen=True)
class Figure:
    """One measured quantity, sampled once per run (or once per call for latencies)."""

    label: str
    unit: Unit
    samples: tuple[float, ...]
    description: str = ""

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    @property
    def low(self) -> float:
        return min(self.samples)

    @property
    def high(self) -> float:
        return max(self.samples)

    def percentile(self, p: float) -> float:
        """Nearest-rank percentile (p in 0..100) of the samples."""
        ordered = sorted(self.samples)
        rank = max(1, -(-len(ordered) * p // 100))
        return ordered[int(rank) - 1]


@dataclass(frozen=True)
class Ratio:
    """figure / floor (medians); for throughputs the fraction of the floor's rate reached."""

    label: str
    value: float


@dataclass(frozen=True)
class Check:
    """A correctness fact the scenario verified (e.g. overbookings: 0)."""

    label: str
    value: int | float | str
    ok: bool


@dataclass(frozen=True)
class Target:
    """A target of issue 13 and whether this run met it."""

    label: str
    actual: float
    comparison: Comparison
    bound: float
    unit: str

    @property
    def met(self) -> bool:
        return self.actual <= self.bound if self.comparison == "<=" else self.actual >= self.bound


@dataclass
class Result:
    scenario: str
    scale: int
    scale_unit: str
    figures: list[Figure] = field(default_factory=list)
    floors: list[Figure] = field(default_factory=list)
    ratios: list[Ratio] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)
    plans: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def figure(self, label: str) -> Figure:
        return next(f for f in (*self.figures, *self.floors) if f.label == label)

    def ratio(self, label: str, figure: Figure, floor: Figure) -> Ratio:
        """Add and return figure/floor (medians)."""
        value = figure.median / floor.median if floor.median > 0 else float("inf")
        ratio = Ratio(label, value)
        self.ratios.append(ratio)
        return ratio

    @property
    def ok(self) -> bool:
        """Every correctness check passed (targets are reported, not enforced)."""
        return all(c.ok for c in self.checks)
