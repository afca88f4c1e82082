"""The allow-lists of security definer functions that `authenticated` and `anon` may execute.

A signed-in user can call by direct SQL any function they may execute, with any arguments; a
security definer function runs as its owner, past RLS. Only the helpers of `private`/`ops` that
RLS policies and security_invoker views call as the caller stay executable by `authenticated`
(`[[function]]` entries), and only the public booking page's RPCs by `anon` (`[[anon_function]]`
entries), each listed with its reason in definer_allowlist.toml (pinned again by
supabase/tests/database/test_private_functions.sql).
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


EXECUTABLE_BY_ANON = """
select format('%s.%s(%s)', n.nspname, p.proname, oidvectortypes(p.proargtypes))
from pg_proc p join pg_namespace n on n.oid = p.pronamespace
where n.nspname in ('public', 'private', 'ops') and p.prosecdef
  and has_function_privilege('anon', p.oid, 'execute')
"""


@dataclass(frozen=True)
class AllowedFunction:
    signature: str
    reason: str
    line: int


def load_allowlist(path: Path = ALLOWLIST_PATH, table: str = "function") -> list[AllowedFunction]:
    text = path.read_text()
    entries = tomllib.loads(text).get(table, [])
    return [
        AllowedFunction(str(e["signature"]), str(e["reason"]), _line_of(text, str(e["signature"])))
        for e in entries
    ]


def allowlist_findings(
    project: Project, conn: psycopg.Connection, path: Path = ALLOWLIST_PATH
) -> list[Finding]:
    """Definer functions of private/ops executable by authenticated, not allow-listed; stale entries."""
    return _findings(
        project, conn, path, EXECUTABLE_DEFINERS, "function", "authenticated", "definer-not-allow-listed"
    )


def anon_allowlist_findings(
    project: Project, conn: psycopg.Connection, path: Path = ALLOWLIST_PATH
) -> list[Finding]:
    """Definer functions executable by anon and not on the anon allow-list, and stale entries."""
    return _findings(
        project, conn, path, EXECUTABLE_BY_ANON, "anon_function", "anon", "definer-executable-by-anon"
    )


def _findings(
    project: Project,
    conn: psycopg.Connection,
    path: Path,
    query: str,
    table: str,
    role: str,
    rule: str,
) -> list[Finding]:
    executable = {str(row[0]) for row in conn.execute(query).fetchall()}
    allowed = {entry.signature: entry for entry in load_allowlist(path, table)}
    where = _display(project, path)
    findings = []
    for signature in sorted(executable - set(allowed)):
        file, line = locate(project, "function", signature.split("(")[0])
        findings.append(
            Finding(
                file,
                line,
                f"catalog/{rule}",
                f"{signature}: security definer function executable by {role} and not on {where}: "
                f"revoke execute from {role}, or allow-list it with the reason it is safe",
            )
        )
    for signature in sorted(set(allowed) - executable):
        findings.append(
            Finding(
                where,
                allowed[signature].line,
                "catalog/definer-allow-list-stale",
                f"{signature}: allow-listed, but no such security definer function is executable by "
                f"{role}: remove the entry",
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
