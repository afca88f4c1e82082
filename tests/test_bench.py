"""Benchmarks still work (at a tiny scale): the figures are printed by `sessionkit bench`."""

from __future__ import annotations

import pytest

from sessionkit.bench.run import run_benchmarks
from sessionkit.bench.scenarios import SCENARIOS
from sessionkit.config import Project


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_scenario_runs_and_measures_operation_and_baseline(project: Project, db_url: str, name: str) -> None:
    [result] = run_benchmarks(project, db_url, [name], scale=20)
    assert result.operation.rows > 0
    assert result.baseline.rows > 0
    assert result.operation.seconds > 0 and result.baseline.seconds > 0
