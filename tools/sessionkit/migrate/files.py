"""Migration files: `<14-digit UTC timestamp>_<snake_name>.sql`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cached_property
from pathlib import Path

from sessionkit.errors import SessionkitError
from sessionkit.migrate.splitter import split_statements

FILE_NAME = re.compile(r"^(?P<version>\d{14})_(?P<name>[a-z0-9_]+)\.sql$")
VERSION_FORMAT = "%Y%m%d%H%M%S"


@dataclass(frozen=True)
class MigrationFile:
    path: Path
    version: str
    name: str

    @classmethod
    def from_path(cls, path: Path) -> MigrationFile:
        match = FILE_NAME.match(path.name)
        if not match:
            raise SessionkitError(
                f"{path}: migration file names must be <14-digit UTC timestamp>_<snake_name>.sql"
            )
        return cls(path=path, version=match["version"], name=match["name"])

    @cached_property
    def text(self) -> str:
        return self.path.read_text()

    @cached_property
    def statements(self) -> list[str]:
        return split_statements(self.text)

    @property
    def timestamp(self) -> datetime:
        return version_to_datetime(self.version)


def list_migrations(folder: Path) -> list[MigrationFile]:
    """Every migration file in folder, oldest first."""
    if not folder.is_dir():
        return []
    return sorted(
        (MigrationFile.from_path(p) for p in folder.glob("*.sql")),
        key=lambda m: m.version,
    )


def version_to_datetime(version: str) -> datetime:
    return datetime.strptime(version, VERSION_FORMAT).replace(tzinfo=UTC)


def next_version(after: str) -> str:
    """The version one second after `after`."""
    return (version_to_datetime(after) + timedelta(seconds=1)).strftime(VERSION_FORMAT)
