"""The allow-list of security definer functions in `private`/`ops` that `authenticated` may execute.

A signed-in user can call by direct SQL any function they may execute, with any arguments; a
security definer function runs as its owner, past RLS. Only the helpers that RLS policies and
security_invoker views call as the caller stay executable, each listed with its reason in
definer_allowlist.toml (pinned again by supabase/tests/database/test_private_functions.sql).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

import psycopg

from sessionkit.config import Project
from sessionkit.lint.findings import Finding
from sessionkit.lint.sources import locate

ALLOWLIST_PATH = Path(str(files("sessionkit.lint").joinpath("definer_allowlist.toml")))

EXECUTABLE_DEFINERS = """
select format('%s.%s(%s)', n.nspname, p.proname, oidvectortypes(p.proargtypes))
from pg_proc p join pg_namespace n on n.oid = p.pronamespace
where n.nspname in ('private', 'ops') and p.prosecdef
  and has_function_privilege('authenticated', p.oid, 'execute')
"""


@dataclass(frozen=True)
class AllowedFunction:
    signature: str
    reason: str
    line: int


def load_allowlist(path: Path = ALLOWLIST_PATH) -> list[AllowedFunction]:
    text = path.read_text()
    entries = tomllib.loads(text).get("function", [])
    return [
        AllowedFunction(str(e["signature"]), str(e["reason"]), _line_of(text, str(e["signature"])))
        for e in entries
    ]


def allowlist_findings(
    project: Project, conn: psycopg.Connection, path: Path = ALLOWLIST_PATH
) -> list[Finding]:
    """Executable definer functions missing from the allow-list, and entries matching none."""
    executable = {str(row[0]) for row in conn.execute(EXECUTABLE_DEFINERS).fetchall()}
    allowed = {entry.signature: entry for entry in load_allowlist(path)}
    where = _display(project, path)
    findings = []
    for signature in sorted(executable - set(allowed)):
        file, line = locate(project, "function", signature.split("(")[0])
        findings.append(
            Finding(
                file,
                line,
                "catalog/definer-not-allow-listed",
                f"{signature}: security definer function executable by authenticated and not on {where}: "
                "revoke execute from authenticated, or allow-list it with the reason it is safe",
            )
        )
    for signature in sorted(set(allowed) - executable):
        findings.append(
            Finding(
                where,
                allowed[signature].line,
                "catalog/definer-allow-list-stale",
                f"{signature}: allow-listed, but no such security definer function is executable by "
                "authenticated: remove the entry",
            )
        )
    return findings


def _line_of(text: str, signature: str) -> int:
    at = text.find(f'"{signature}"')
    return text.count("\n", 0, at) + 1 if at >= 0 else 1


def _display(project: Project, path: Path) -> str:
    try:
        return path.resolve().relative_to(project.root.resolve()).as_posix()
    except ValueError:
        return str(path)
