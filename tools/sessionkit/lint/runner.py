"""Run every linter and gather the findings."""

from __future__ import annotations

from collections.abc import Callable

from sessionkit.config import Project, Target
from sessionkit.db.connect import connect
from sessionkit.lint.catalog import run_catalog_lint
from sessionkit.lint.files_lint import run_sqlfluff, run_squawk
from sessionkit.lint.findings import Finding
from sessionkit.lint.supabase_lint import run_supabase_lint


def lint_files(project: Project) -> list[Finding]:
    return run_sqlfluff(project) + run_squawk(project)


def lint_database(project: Project, target: Target) -> list[Finding]:
    with connect(target.url) as conn:
        findings = run_catalog_lint(project, conn)
    return findings + run_supabase_lint(project, target)


def lint_all(
    project: Project, target: Target | None, on_step: Callable[[str], None] | None = None
) -> list[Finding]:
    """File lints always; database lints when a migrated target is given."""
    steps: list[tuple[str, Callable[[], list[Finding]]]] = [
        ("sqlfluff", lambda: run_sqlfluff(project)),
        ("squawk", lambda: run_squawk(project)),
    ]
    if target is not None:
        steps += [
            ("catalog", lambda: _catalog(project, target)),
            ("supabase db lint", lambda: run_supabase_lint(project, target)),
        ]
    findings: list[Finding] = []
    for name, step in steps:
        if on_step:
            on_step(name)
        findings.extend(step())
    return sorted(findings)


def _catalog(project: Project, target: Target) -> list[Finding]:
    with connect(target.url) as conn:
        return run_catalog_lint(project, conn)
