"""Backfills register themselves by name; `backfills()` lists them in dependency order."""

from __future__ import annotations

from typing import TypeVar

from sessionkit.backfill.base import Backfill
from sessionkit.errors import SessionkitError

REGISTRY: dict[str, Backfill] = {}

B = TypeVar("B", bound=type[Backfill])


def register(cls: B) -> B:
    """Class decorator: one instance per backfill name."""
    if cls.name in REGISTRY:
        raise ValueError(f"backfill {cls.name} registered twice")
    REGISTRY[cls.name] = cls()
    return cls


def backfills() -> list[Backfill]:
    """Every registered backfill, dependencies first (the order an upgrade runs them)."""
    import sessionkit.backfill.tasks  # noqa: F401 - registers the product's backfills

    ordered: list[Backfill] = []
    visiting: set[str] = set()

    def visit(backfill: Backfill) -> None:
        if backfill in ordered:
            return
        if backfill.name in visiting:
            raise ValueError(f"backfill dependency cycle through {backfill.name}")
        visiting.add(backfill.name)
        for dependency in backfill.depends_on:
            if dependency not in REGISTRY:
                raise ValueError(f"backfill {backfill.name} depends on unknown {dependency}")
            visit(REGISTRY[dependency])
        ordered.append(backfill)

    for backfill in REGISTRY.values():
        visit(backfill)
    return ordered


def get(name: str) -> Backfill:
    known = {b.name: b for b in backfills()}
    if name not in known:
        raise SessionkitError(f"unknown backfill {name!r}; choose from {', '.join(known)}")
    return known[name]


def prerequisites(backfill: Backfill) -> list[Backfill]:
    """The backfills `backfill` builds on, directly or not, in run order."""
    needed: set[str] = set()
    pending = list(backfill.depends_on)
    while pending:
        name = pending.pop()
        if name not in needed:
            needed.add(name)
            pending.extend(REGISTRY[name].depends_on)
    return [b for b in backfills() if b.name in needed]
