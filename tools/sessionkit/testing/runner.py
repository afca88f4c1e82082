"""`sessionkit test`: a thin wrapper over one pytest run (pgTAP files through pytest-pgtap)."""

from __future__ import annotations

import os
import subprocess
import sys

from sessionkit.config import DB_URL_ENV, Project, Target
from sessionkit.db.connect import connect
from sessionkit.errors import SessionkitError
from sessionkit.testing.remote import require_ready, temporary_test_helpers


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
    project: Project,
    pgtap_only: bool,
    pytest_only: bool,
    extra: list[str],
    db_url: str | None = None,
    calendar: bool = False,
) -> int:
    args = pytest_args(project, pgtap_only, pytest_only, extra, calendar)
    env = os.environ | ({DB_URL_ENV: db_url} if db_url else {})
    return subprocess.run(args, cwd=project.root, env=env).returncode


def run_tests(
    project: Project,
    target: Target,
    pgtap_only: bool = False,
    pytest_only: bool = False,
    install_helpers: bool = False,
    extra: list[str] | None = None,
    calendar: bool = False,
) -> int:
    """Every suite on the local stack (with calendar: and the calendar matrix); on any other
    database only the pgTAP suites (each file is one rolled-back transaction), after checking it
    is ready, with helpers only when asked."""
    extra = extra or []
    if target.is_local:
        return run_pytest(project, pgtap_only, pytest_only, extra, calendar=calendar)
    if calendar:
        raise SessionkitError(
            "--calendar moves the clock of a local cluster of its own: it runs with the local stack, "
            f"not with {target.display}"
        )
    if pytest_only:
        raise SessionkitError(
            f"the pytest suites (tests/) create databases and commit rows: they run on the local stack, "
            f"not on {target.display} (run the pgTAP suites there)"
        )
    with connect(target.url) as conn:
        require_ready(conn, project, target, helpers=not install_helpers)
    if not install_helpers:
        return run_pytest(project, True, False, extra, db_url=target.url)
    with temporary_test_helpers(project, target):
        return run_pytest(project, True, False, extra, db_url=target.url)
