"""Allowed values of a text column, read from its check constraints.

Postgres prints `check (status in ('a', 'b'))` back as
`CHECK (status = ANY (ARRAY['a'::text, 'b'::text]))` (varchar: `(status)::text = ANY (...)`).
A constraint restricts a column when, after splitting it into top-level AND terms, one term is
`col = ANY (ARRAY[...])`, `col = 'x'` or `col IS NULL OR <one of those>`. Anything else (OR with
other columns, functions, comparisons) restricts nothing and is ignored.
"""

from __future__ import annotations

import re

_IDENT = r'(?:"(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_$]*)'
_CAST = r"(?:::[A-Za-z_][\w ]*(?:\[\])?)*"
_LITERAL = r"'(?:[^']|'')*'"


def _strip_parens(text: str) -> str:
    text = text.strip()
    while text.startswith("(") and text.endswith(")") and _balanced(text[1:-1]):
        text = text[1:-1].strip()
    return text


def _balanced(text: str) -> bool:
    depth, quoted = 0, False
    for ch in text:
        if ch == "'":
            quoted = not quoted
        elif not quoted and ch == "(":
            depth += 1
        elif not quoted and ch == ")":
            depth -= 1
            if depth < 0:
                return False
    return depth == 0 and not quoted


def _split_top(text: str, keyword: str) -> list[str]:
    """Split on a top-level boolean keyword (AND / OR), outside parentheses and quotes."""
    parts, depth, quoted, start, i = [], 0, False, 0, 0
    token = f" {keyword} "
    while i < len(text):
        ch = text[i]
        if ch == "'":
            quoted = not quoted
        elif not quoted and ch == "(":
            depth += 1
        elif not quoted and ch == ")":
            depth -= 1
        elif not quoted and depth == 0 and text.startswith(token, i):
            parts.append(text[start:i])
            i += len(token)
            start = i
            continue
        i += 1
    parts.append(text[start:])
    return [p.strip() for p in parts]


def _unquote_ident(name: str) -> str:
    return name[1:-1].replace('""', '"') if name.startswith('"') else name


def _literals(text: str) -> list[str]:
    return [m[1:-1].replace("''", "'") for m in re.findall(_LITERAL, text)]


def _column_values(term: str) -> tuple[str, list[str]] | None:
    term = _strip_parens(term)
    ors = _split_top(term, "OR")
    if len(ors) == 2:
        first, second = (_strip_parens(p) for p in ors)
        null_test = re.fullmatch(rf"\(?({_IDENT})\)?{_CAST} IS NULL", first)
        if null_test is None:
            return None
        found = _column_values(second)
        if found is None or found[0] != _unquote_ident(null_test.group(1)):
            return None
        return found
    if len(ors) != 1:
        return None
    column = rf"\(?(?P<col>{_IDENT})\)?{_CAST}"
    any_array = re.fullmatch(
        rf"{column} = ANY \(+ARRAY\[(?P<items>(?:{_LITERAL}{_CAST}(?:, )?)+)\]\)?{_CAST}\)", term
    )
    if any_array:
        return _unquote_ident(any_array.group("col")), _literals(any_array.group("items"))
    equal = re.fullmatch(rf"{column} = (?P<lit>{_LITERAL}){_CAST}", term)
    if equal:
        return _unquote_ident(equal.group("col")), _literals(equal.group("lit"))
    return None


def allowed_values(definition: str) -> dict[str, list[str]]:
    """column -> allowed text values, from one `pg_get_constraintdef` output."""
    body = definition.strip()
    if body.upper().startswith("CHECK "):
        body = body[6:]
    body = re.sub(r"\s+NOT VALID$", "", body)
    found: dict[str, list[str]] = {}
    for term in _split_top(_strip_parens(body), "AND"):
        values = _column_values(term)
        if values is None:
            continue
        column, allowed = values
        found[column] = intersect(found[column], allowed) if column in found else allowed
    return found


def domain_values(definition: str) -> list[str] | None:
    """Allowed values of a domain check (`VALUE = ANY (...)`)."""
    return allowed_values(definition).get("VALUE")


def intersect(first: list[str], second: list[str]) -> list[str]:
    return [value for value in first if value in second]
