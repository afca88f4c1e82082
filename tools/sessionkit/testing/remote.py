"""Testing on a database other than the local stack: checked, and changed only when asked.

`sessionkit test --db-url URL` runs the pgTAP suites there. The database must already be a
Supabase project with every migration applied (nothing is installed or pushed). The pgTAP
helpers (extension pgtap, schema tests) are installed only with --install-test-helpers, for
the run, and removed afterwards, also when the run fails.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import psycopg

from sessionkit.config import Project, Target
from sessionkit.db.connect import connect
from sessionkit.db.prerequisites import require_supabase
from sessionkit.errors import SessionkitError
from sessionkit.migrate.push import plan
from sessionkit.testing.install import (
    helpers_missing,
    install_test_helpers,
    remove_test_helpers,
    tests_schema_is_ours,
)


def require_ready(conn: psycopg.Connection, project: Project, target: Target, helpers: bool = True) -> None:
    """Supabase-shaped, up to date, and (unless they will be installed) holding the helpers."""
    require_supabase(conn, target.display)
    pending = plan(conn, project.bundle_dir)
    if pending:
        raise SessionkitError(
            f"{len(pending)} migration(s) pending on {target.display} (first: {pending[0].path.name}): "
            "run `sessionkit db push --db-url …` first"
        )
    missing = helpers_missing(conn) if helpers else []
    if missing:
        raise SessionkitError(
            f"{target.display} has no pgTAP test helpers: missing {', '.join(missing)} "
            "(pass --install-test-helpers to install them for this run; they are removed afterwards)"
        )


@contextmanager
def temporary_test_helpers(project: Project, target: Target) -> Iterator[None]:
    """Install pgTAP and schema tests for the duration of the block, then remove what was added."""
    with connect(target.url) as conn:
        if tests_schema_is_ours(conn) is False:
            raise SessionkitError(
                f"{target.display} already has a schema `tests` that sessionkit did not install: "
                "refusing to install test helpers into it (and to drop it afterwards)"
            )
        pgtap_was_there = "extension pgtap" not in helpers_missing(conn)
        install_test_helpers(conn, project)
    try:
        yield
    finally:
        with connect(target.url) as conn:
            remove_test_helpers(conn, drop_pgtap=not pgtap_was_there)
