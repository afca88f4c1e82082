"""Split a migration into statements the way the Supabase CLI records them.

`supabase db push` stores each migration's statements in
supabase_migrations.schema_migrations.statements: the file cut at every `;` that is
outside quotes, dollar quotes and comments, each piece stripped of surrounding
whitespace and of its final `;`, empty pieces dropped. Comments stay with the
statement that follows them.
"""

from __future__ import annotations

import re

_DOLLAR_TAG = re.compile(r"\$([A-Za-z_][A-Za-z_0-9]*)?\$")


def split_statements(sql: str) -> list[str]:
    statements: list[str] = []
    start = 0
    i = 0
    n = len(sql)
    depth = 0  # parentheses, so `;` inside e.g. a rule body never splits
    while i < n:
        ch = sql[i]
        nxt = sql[i + 1] if i + 1 < n else ""
        if ch == "-" and nxt == "-":
            end = sql.find("\n", i)
            i = n if end == -1 else end + 1
        elif ch == "/" and nxt == "*":
            i = _skip_block_comment(sql, i)
        elif ch == "'" or ch == '"':
            i = _skip_quoted(sql, i, ch)
        elif ch == "$" and (match := _DOLLAR_TAG.match(sql, i)) and not _is_identifier_char(sql, i):
            tag = match.group(0)
            end = sql.find(tag, match.end())
            i = n if end == -1 else end + len(tag)
        elif ch == "(":
            depth += 1
            i += 1
        elif ch == ")":
            depth = max(depth - 1, 0)
            i += 1
        elif ch == ";" and depth == 0:
            _append(statements, sql[start:i])
            i += 1
            start = i
        else:
            i += 1
    _append(statements, sql[start:])
    return statements


def _append(statements: list[str], piece: str) -> None:
    piece = piece.strip()
    if piece:
        statements.append(piece)


def _skip_block_comment(sql: str, i: int) -> int:
    level = 0
    n = len(sql)
    while i < n:
        if sql.startswith("/*", i):
            level += 1
            i += 2
        elif sql.startswith("*/", i):
            level -= 1
            i += 2
            if level == 0:
                return i
        else:
            i += 1
    return n


def _skip_quoted(sql: str, i: int, quote: str) -> int:
    i += 1
    n = len(sql)
    while i < n:
        if sql[i] == quote:
            if i + 1 < n and sql[i + 1] == quote:
                i += 2
                continue
            return i + 1
        i += 1
    return n


def _is_identifier_char(sql: str, i: int) -> bool:
    """`$1` parameters and identifiers like `a$b` are not dollar quotes."""
    return i > 0 and (sql[i - 1].isalnum() or sql[i - 1] == "_")


def normalize(statements: list[str]) -> str:
    """Content fingerprint that ignores comments and whitespace, for drift checks."""
    text = "\n".join(statements)
    text = re.sub(r"--[^\n]*", "", text)
    return " ".join(text.split())
