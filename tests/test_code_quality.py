"""The toolkit's Python stays ruff-clean and type-checks."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from sessionkit.config import Project


def run_tool(project: Project, module: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", module, *args], cwd=project.root, capture_output=True, text=True, timeout=600
    )


def test_ruff_finds_nothing_in_the_toolkit_and_tests(project: Project) -> None:
    result = run_tool(project, "ruff", "check", "tools", "tests", "conftest.py")
    assert result.returncode == 0, result.stdout


def test_mypy_finds_no_type_errors_in_the_toolkit(project: Project) -> None:
    result = run_tool(project, "mypy", "--cache-dir", str(Path(project.root, ".mypy_cache")))
    assert result.returncode == 0, result.stdout
