"""What the `db` commands do, as a library: bring a target up to date, reset it, seed it."""

from __future__ import annotations

import psycopg

from sessionkit.config import Project, Target
from sessionkit.db.admin import recreate_database, run_sql_file, server_clock_offset
from sessionkit.db.clock import Clock, is_fake
from sessionkit.db.cluster import LocalCluster
from sessionkit.db.compat import install_compat
from sessionkit.db.connect import connect
from sessionkit.db.prerequisites import require_supabase
from sessionkit.errors import SessionkitError
from sessionkit.migrate.files import MigrationFile
from sessionkit.migrate.guards import Verdict
from sessionkit.migrate.push import PushListener, guard_verdicts, push


def start_local(project: Project) -> bool:
    """Start the local stack (under its recorded clock) and make sure the compatibility layer is there."""
    return start_cluster(LocalCluster(project))


def start_cluster(cluster: LocalCluster) -> bool:
    started = cluster.start()
    with connect(cluster.url) as conn:
        install_compat(conn)
    return started


def start_cluster_at(cluster: LocalCluster, clock: Clock | None) -> bool:
    """`db start [--clock]`: the cluster on this clock (None = real time).

    A fake clock always (re)starts the server, since the offset is fixed at start. Real time
    restarts a server whose clock is fake, whoever started it that way (a recorded clock, or
    a server started under libfaketime by hand); otherwise starting is idempotent.
    """
    if cluster.is_running() and (clock is not None or cluster.clock is not None or _runs_fake_clock(cluster)):
        cluster.stop()
    cluster.set_clock(clock)
    return start_cluster(cluster)


def _runs_fake_clock(cluster: LocalCluster) -> bool:
    with connect(cluster.url) as conn:
        return is_fake(server_clock_offset(conn)[1])


def ensure_reachable(project: Project, target: Target) -> None:
    """The local stack is started on demand; a remote target must already be up."""
    if target.is_local:
        start_local(project)


def push_target(
    project: Project,
    target: Target,
    to: str | None = None,
    dry_run: bool = False,
    listener: PushListener | None = None,
) -> list[MigrationFile]:
    with connect(target.url) as conn:
        prepare(conn, target, dry_run)
        return push(
            conn,
            project.bundle_dir,
            to=to,
            dry_run=dry_run,
            listener=listener,
            functions_dir=project.functions_dir,
        )


def push_dry_run(
    project: Project, target: Target, to: str | None = None
) -> list[tuple[MigrationFile, Verdict | None]]:
    """What `db push` would apply, each guarded migration with its guard's verdict now."""
    with connect(target.url) as conn:
        prepare(conn, target, dry_run=True)
        return guard_verdicts(conn, project.bundle_dir, to=to, functions_dir=project.functions_dir)


def prepare(conn: psycopg.Connection, target: Target, dry_run: bool = False) -> None:
    """The local stack gets the compatibility layer; any other database is only checked:
    sessionkit never installs roles, auth, extensions or settings where it was not asked to."""
    if not target.is_local:
        require_supabase(conn, target.display)
    elif not dry_run:
        install_compat(conn)


def seed(project: Project, target: Target) -> int:
    """Load seeds/*.sql in order; returns how many files ran."""
    paths = sorted(project.seeds_dir.glob("*.sql"))
    with connect(target.url) as conn:
        for path in paths:
            try:
                run_sql_file(conn, path)
            except Exception as exc:
                raise SessionkitError(f"{path}: {str(exc).splitlines()[0]}") from exc
    return len(paths)


def reset(
    project: Project,
    target: Target,
    with_seed: bool = True,
    listener: PushListener | None = None,
    to: str | None = None,
) -> list[MigrationFile]:
    """Drop and recreate the local stack's database, apply every migration (or those up to `to`,
    e.g. the legacy baseline to practise an upgrade on), then the seeds (only with all of them)."""
    if not target.is_local:
        raise SessionkitError(
            f"refusing to reset {target.display}: reset drops and recreates the database, which on a "
            "Supabase project holds auth and storage too; it is for the local stack only"
        )
    recreate_database(target.url)
    # pg_cron's scheduler exits for good when its database is dropped: restart it.
    LocalCluster(project).restart()
    applied = push_target(project, target, to=to, listener=listener)
    if with_seed and to is None:
        seed(project, target)
    return applied
