"""File linters: sqlfluff (style of every SQL source) and squawk (safety of migrations)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from sqlfluff.core import FluffConfig, Linter

from sessionkit.config import Project
from sessionkit.errors import SessionkitError
from sessionkit.lint.findings import Finding
from sessionkit.lint.sources import sql_sources


def run_sqlfluff(project: Project, paths: list[Path] | None = None) -> list[Finding]:
    """sqlfluff with the rules chosen in pyproject.toml ([tool.sqlfluff])."""
    config = FluffConfig.from_path(str(project.root))
    linter = Linter(config=config)
    findings: list[Finding] = []
    for path in paths if paths is not None else sql_sources(project):
        result = linter.lint_string(path.read_text(), fname=str(path))
        rel = path.relative_to(project.root).as_posix()
        for violation in result.get_violations():
            info = violation.to_dict()
            line = int(str(info["start_line_no"]))
            findings.append(Finding(rel, line, f"sqlfluff/{info['code']}", str(info["description"])))
    return findings


def squawk_binary() -> str:
    beside = Path(sys.executable).parent / "squawk"
    found = str(beside) if beside.is_file() else shutil.which("squawk")
    if not found:
        raise SessionkitError("squawk is not installed (pip install squawk-cli)")
    return found


def run_squawk(project: Project) -> list[Finding]:
    """squawk on migrations/ with .squawk.toml (excluded rules and paths documented there)."""
    files = sorted(project.migrations_dir.glob("*.sql"))
    if not files:
        return []
    config = project.root / ".squawk.toml"
    args = [squawk_binary(), "--reporter", "json"]
    if config.is_file():
        args += ["--config", str(config)]
    args += [str(p.relative_to(project.root)) for p in files]
    result = subprocess.run(args, cwd=project.root, capture_output=True, text=True)
    if result.returncode not in (0, 1) and not result.stdout.strip():
        raise SessionkitError(f"squawk failed: {result.stderr.strip().splitlines()[-1:]}")
    return [
        Finding(str(v["file"]), int(v["line"]) + 1, f"squawk/{v['rule_name']}", str(v["message"]))
        for v in json.loads(result.stdout or "[]")
    ]
