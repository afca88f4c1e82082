"""Which triggers a backfill meets, and whether it was written for them.

Backfills write through the normal triggers (no `session_replication_role`). The triggers
present depend on where `db push` stopped: the functions, triggers and policies of a release
arrive with its generated migration (`*_sync_repeatable_objects.sql`), which runs after the
release's other migrations, so a guard of the release stops the push before it. Three cases:

  * `bare`: no release's generated migration applied (the push stopped at 20261124020200):
    no user triggers; plain writes, foreign keys checked;
  * a released generated migration's version (e.g. `20261124030501`): the push stopped at a
    guard of a later release, whose triggers are not deployed; the previous release's are;
  * `current`: the bundle's newest generated migration is applied (the push completed).

Each backfill declares where it may run (`Backfill.meets`): `bare` and `current` for all (no
triggers, or the ones it is written for), plus the released generations whose triggers it was
checked against - only backfills a guard needs while those triggers are live. Anywhere else the
runner refuses with one line: push first.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import psycopg

from sessionkit.migrate.bundle import GENERATED_SUFFIX

BARE = "bare"
CURRENT = "current"
# the generated migration of the release before issue 12's: its triggers are live when the push
# stops at 20261127140200 (service sessions without kind) or at the later guards of issue 12
RELEASE_20261124 = "20261124030501"
# where a backfill a guard of issue 12 needs runs: wherever the push stops, or after it completed
AT_EVERY_STOP = (BARE, RELEASE_20261124, CURRENT)


@dataclass(frozen=True)
class Triggers:
    generation: str  # BARE, CURRENT or the version of the newest generated migration applied

    def describe(self) -> str:
        if self.generation == BARE:
            return "no triggers are deployed yet (the push stopped before the first release's functions)"
        if self.generation == CURRENT:
            return "this release's triggers are deployed"
        return (
            f"the triggers of the previous release (generated migration {self.generation}) are live, "
            "this release's are not deployed yet"
        )


def generated_versions(bundle_dir: Path) -> list[str]:
    """The versions of the bundle's generated migrations, oldest first."""
    return sorted(p.name.split("_", 1)[0] for p in bundle_dir.glob(f"*{GENERATED_SUFFIX}.sql"))


def present(conn: psycopg.Connection, bundle_dir: Path) -> Triggers:
    """The triggers the database has now, from the generated migrations it recorded as applied."""
    generated = generated_versions(bundle_dir)
    row = conn.execute("select to_regclass('supabase_migrations.schema_migrations') is not null").fetchone()
    applied: set[str] = set()
    if row and row[0]:
        applied = {
            str(v)
            for (v,) in conn.execute(
                "select version from supabase_migrations.schema_migrations where version = any(%s)",
                (generated,),
            ).fetchall()
        }
    deployed = [v for v in generated if v in applied]
    if not deployed:
        return Triggers(BARE)
    if deployed[-1] == generated[-1]:
        return Triggers(CURRENT)
    return Triggers(deployed[-1])


ORDER = (
    "push (it stops at a guard) -> the backfills that guard names -> push -> ... -> the push "
    "completes -> the remaining backfills"
)


def when(meets: tuple[str, ...]) -> str:
    """When in the upgrade a backfill declaring `meets` runs."""
    if meets == (CURRENT,):
        return "after the push has completed"
    if RELEASE_20261124 in meets:
        return "wherever the push stops (no triggers or the previous release's), or after it"
    return "where the push stops before any trigger is deployed (20261124020200), or after it completed"
