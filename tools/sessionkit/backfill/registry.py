"""Backfills register themselves by name; `backfills()` lists them in dependency order."""

from __future__ import annotations

from typing import TypeVar

from sessionkit.backfill.base import Backfill
from sessionkit.errors import SessionkitError

REGISTRY: dict[str, Backfill] = {}

B = TypeVar("B", bound=type[Backfill])


def register(cls: B) -> B:
    """Class decorator: one instance per backfill name; registration order = run order."""
    if cls.name in REGISTRY:
        raise ValueError(f"backfill {cls.name} registered twice")
    missing = [d for d in cls.depends_on if d not in REGISTRY]
    if missing:
        raise ValueError(f"backfill {cls.name} depends on {missing[0]}, which must be registered first")
    REGISTRY[cls.name] = cls()
    return cls


def backfills() -> list[Backfill]:
    import sessionkit.backfill.tasks  # noqa: F401 - registers the product's backfills

    return list(REGISTRY.values())


def get(name: str) -> Backfill:
    known = {b.name: b for b in backfills()}
    if name not in known:
        raise SessionkitError(f"unknown backfill {name!r}; choose from {', '.join(known)}")
    return known[name]
