"""Small helpers shared by the backfills' SQL."""

from __future__ import annotations

from collections.abc import Sequence

from sessionkit.backfill.base import Key


def ids(keys: Sequence[Key]) -> list[str]:
    """The first key column of every key: what `= any(%s::uuid[])` takes."""
    return [key[0] for key in keys]


def column(keys: Sequence[Key], index: int) -> list[str]:
    return [key[index] for key in keys]
