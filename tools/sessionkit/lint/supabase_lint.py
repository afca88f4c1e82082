"""`supabase db lint`: plpgsql_check inside function bodies, run by the real Supabase CLI."""

from __future__ import annotations

import json
import subprocess

from sessionkit.config import Project, Target
from sessionkit.errors import SessionkitError
from sessionkit.lint.findings import Finding
from sessionkit.lint.sources import locate

SCHEMAS = "public,private,ops"


def run_supabase_lint(project: Project, target: Target) -> list[Finding]:
    cli = project.supabase_cli
    if not cli.is_file():
        raise SessionkitError("the Supabase CLI is missing: run `make setup` (npm install)")
    result = subprocess.run(
        [
            str(cli),
            "db",
            "lint",
            f"--remote={target.url}",
            "--schema",
            SCHEMAS,
            "--level",
            "warning",
            "--fail-on",
            "none",
        ],
        cwd=project.root,
        capture_output=True,
        text=True,
        timeout=300,
    )
    if result.returncode != 0:
        raise SessionkitError(f"supabase db lint failed: {result.stderr.strip().splitlines()[-1:]}")
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


def _parse(stdout: str) -> list[dict[str, object]]:
    text = stdout.strip()
    if not text or not text.startswith("["):
        return []
    data = json.loads(text)
    return data if isinstance(data, list) else []
