"""`sessionkit test`: a thin wrapper over one pytest run (pgTAP files through pytest-pgtap)."""

from __future__ import annotations

import subprocess
import sys

from sessionkit.config import Project
from sessionkit.errors import SessionkitError


def pytest_args(
    project: Project, pgtap_only: bool, pytest_only: bool, extra: list[str], calendar: bool = False
) -> list[str]:
    if pgtap_only and pytest_only:
        raise SessionkitError("--pgtap-only and --pytest-only exclude each other")
    if calendar and pytest_only:
        raise SessionkitError("--calendar runs the pgTAP suites: it cannot go with --pytest-only")
    paths: list[str] = []
    if pgtap_only:
        paths = [str(project.pgtap_dir.relative_to(project.root))]
    elif pytest_only:
        paths = ["tests"]
    # the calendar matrix (conftest.py, sessionkit.testing.calendar)
    options = ["--calendar"] if calendar else []
    return [sys.executable, "-m", "pytest", *paths, *options, *extra]


def run_pytest(
    project: Project, pgtap_only: bool, pytest_only: bool, extra: list[str], calendar: bool = False
) -> int:
    args = pytest_args(project, pgtap_only, pytest_only, extra, calendar)
    return subprocess.run(args, cwd=project.root).returncode
