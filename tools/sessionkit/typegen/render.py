"""The Jinja2 environment of the generators (templates in sessionkit/templates/typegen)."""

from __future__ import annotations

from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined


def all_sorted(names: list[str]) -> list[str]:
    """`__all__` order as ruff (RUF022) wants it: CONSTANTS, then Classes, then the rest."""
    return sorted(dict.fromkeys(names), key=lambda n: (_kind(n), n))


def import_sorted(names: list[str]) -> list[str]:
    """Names of one `from x import ...` in ruff's isort order (by kind, then case-insensitive)."""
    return sorted(dict.fromkeys(names), key=lambda n: (_kind(n), n.lower(), n))


def import_line(module: str, names: list[str]) -> str:
    """`from module import a, b`, wrapped the way ruff's isort does past 110 characters."""
    ordered = import_sorted(names)
    line = f"from {module} import {', '.join(ordered)}"
    if len(line) <= 110:
        return line
    return "\n".join([f"from {module} import (", *[f"    {n}," for n in ordered], ")"])


def _kind(name: str) -> int:
    if name.isupper() and len(name) > 1:
        return 0
    return 1 if name[:1].isupper() else 2


@cache
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("sessionkit", "templates/typegen"),
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=StrictUndefined,
        autoescape=False,
    )
    env.filters["import_sorted"] = import_sorted
    env.globals["all_sorted"] = all_sorted
    env.globals["import_line"] = import_line
    return env


def render_template(name: str, **context: Any) -> str:
    text = environment().get_template(name).render(**context)
    lines = [line.rstrip() for line in text.splitlines()]
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(lines) + "\n"
