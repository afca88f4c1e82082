"""Where the project lives and which database a command talks to."""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from sessionkit.errors import SessionkitError

DEFAULT_PORT = 54322
DEFAULT_DATABASE = "postgres"
DEFAULT_SUPERUSER = "postgres"
DB_URL_ENV = "SESSIONKIT_DB_URL"
PORT_ENV = "SESSIONKIT_DB_PORT"


def find_project_root(start: Path | None = None) -> Path:
    """The nearest folder holding both pyproject.toml and migrations/ (or SESSIONKIT_ROOT)."""
    if env := os.environ.get("SESSIONKIT_ROOT"):
        return Path(env).resolve()
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "pyproject.toml").is_file() and (folder / "migrations").is_dir():
            return folder
    raise SessionkitError(f"not inside a sessionkit project (no pyproject.toml + migrations/ above {here})")


@dataclass(frozen=True)
class Project:
    """Paths of one sessionkit checkout."""

    root: Path

    @classmethod
    def discover(cls) -> Project:
        return cls(find_project_root())

    @property
    def migrations_dir(self) -> Path:
        return self.root / "migrations"

    @property
    def functions_dir(self) -> Path:
        return self.root / "functions"

    @property
    def triggers_dir(self) -> Path:
        return self.root / "triggers"

    @property
    def policies_dir(self) -> Path:
        return self.root / "policies"

    @property
    def repeatable_dirs(self) -> tuple[Path, ...]:
        """The repeatable sources, in the order a generated migration re-creates them: functions,
        then the triggers that call them, then the policies."""
        return (self.functions_dir, self.triggers_dir, self.policies_dir)

    @property
    def seeds_dir(self) -> Path:
        return self.root / "seeds"

    @property
    def supabase_dir(self) -> Path:
        return self.root / "supabase"

    @property
    def bundle_dir(self) -> Path:
        return self.supabase_dir / "migrations"

    @property
    def pgtap_dir(self) -> Path:
        return self.supabase_dir / "tests" / "database"

    @property
    def fixtures_dir(self) -> Path:
        return self.supabase_dir / "tests" / "fixtures"

    @property
    def state_dir(self) -> Path:
        """Git-ignored runtime state: the local cluster's data, socket and log."""
        return self.root / ".sessionkit"

    @property
    def supabase_cli(self) -> Path:
        return self.root / "node_modules" / ".bin" / "supabase"


@dataclass(frozen=True)
class Target:
    """The database a command talks to: the local stack unless a URL is given."""

    url: str
    is_local: bool

    @classmethod
    def resolve(cls, db_url: str | None = None) -> Target:
        url = db_url or os.environ.get(DB_URL_ENV)
        if url:
            return cls(url=url, is_local=False)
        return cls(url=local_url(), is_local=True)

    @cached_property
    def display(self) -> str:
        return redact(self.url)


def local_port() -> int:
    return int(os.environ.get(PORT_ENV, DEFAULT_PORT))


def local_url(database: str = DEFAULT_DATABASE) -> str:
    return f"postgresql://{DEFAULT_SUPERUSER}:postgres@127.0.0.1:{local_port()}/{database}"


def redact(url: str) -> str:
    """The URL without its password, for printing."""
    if "@" not in url or "://" not in url:
        return url
    scheme, rest = url.split("://", 1)
    creds, host = rest.rsplit("@", 1)
    user = creds.split(":", 1)[0]
    return f"{scheme}://{user}@{host}"


def with_database(url: str, database: str) -> str:
    """The same server URL pointed at another database."""
    base, _, query = url.partition("?")
    head, _, _ = base.rpartition("/")
    return f"{head}/{database}" + (f"?{query}" if query else "")
