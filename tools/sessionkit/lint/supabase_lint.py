"""`supabase db lint`: plpgsql_check inside function bodies, run by the real Supabase CLI."""

from __future__ import annotations

import json
from typing import Any

from sessionkit.config import Project, Target
from sessionkit.lint.findings import Finding
from sessionkit.lint.sources import locate
from sessionkit.supabase_cli import run_supabase

SCHEMAS = "public,private,ops"


def run_supabase_lint(project: Project, target: Target) -> list[Finding]:
    result = run_supabase(
        project, target.url, "db", "lint", "--schema", SCHEMAS, "--level", "warning", "--fail-on", "none"
    )
    findings: list[Finding] = []
    for entry in _parse(result.stdout):
        function = str(entry.get("function", "?"))
        file, line = locate(project, "function", function.split("(")[0])
        for issue in entry.get("issues", []):
            level = str(issue.get("level", "error"))
            message = str(issue.get("message", ""))
            statement = issue.get("statement") or {}
            where = f" (body line {statement['lineNumber']})" if statement.get("lineNumber") else ""
            findings.append(Finding(file, line, f"plpgsql_check/{level}", f"{function}: {message}{where}"))
    return findings


def _parse(stdout: str) -> list[dict[str, Any]]:
    start = stdout.find("[")  # anything the CLI printed before its JSON report is not findings
    if start == -1:
        return []
    data = json.loads(stdout[start:])
    return data if isinstance(data, list) else []
