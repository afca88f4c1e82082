"""The SQL sources that lint reads, and where an object is defined in them."""

from __future__ import annotations

import re
from pathlib import Path

from sessionkit.config import Project


def sql_sources(project: Project) -> list[Path]:
    paths: list[Path] = []
    for folder in (project.migrations_dir, *project.repeatable_dirs):
        paths.extend(sorted(folder.rglob("*.sql")))
    return paths


def locate(project: Project, kind: str, name: str) -> tuple[str, int]:
    """The last source file and line that creates `kind` `name` (schema-qualified or not)."""
    bare = name.split(".")[-1]
    pattern = re.compile(
        rf"create\s+(?:or\s+replace\s+)?(?:unique\s+)?{kind}\s+(?:if\s+not\s+exists\s+)?"
        rf"(?:\"?\w+\"?\.)?\"?{re.escape(bare)}\"?\b",
        re.IGNORECASE,
    )
    found = ("migrations", 1)
    for path in sql_sources(project):
        text = path.read_text()
        for match in pattern.finditer(text):
            found = (path.relative_to(project.root).as_posix(), text.count("\n", 0, match.start()) + 1)
    return found
