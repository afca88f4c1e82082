"""The product's pg_cron jobs, schedulable again (ops.scheduled_jobs + ops.schedule_jobs()).

On the local stack pg_cron was enabled when the migrations ran, so they scheduled every job: the
list in ops.scheduled_jobs must be exactly those jobs (same schedules, same commands), and
running ops.schedule_jobs() there changes nothing. It is an operator's function: no API role may
call it. The project that enables pg_cron only after its push is tests/test_supabase_shaped.py.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager

import psycopg
import pytest

from sessionkit.config import Project

from .helpers import scalar

FIRST_LISTED = "20261127220000"  # the migration that made jobs a list (ops.scheduled_jobs)
SCHEDULE_CALL = re.compile(r"cron\.schedule\(\s*'([a-z0-9-]+)'")

ActAs = Callable[..., AbstractContextManager[psycopg.Connection]]


def test_the_local_stack_runs_exactly_the_listed_jobs_once_each(conn: psycopg.Connection) -> None:
    listed = conn.execute(
        "select jobname, schedule, command from ops.scheduled_jobs order by jobname"
    ).fetchall()
    scheduled = conn.execute(
        "select c.jobname, c.schedule, c.command from cron.job c"
        " join ops.scheduled_jobs j using (jobname) where c.username = current_user order by c.jobname"
    ).fetchall()
    assert scheduled == listed
    assert len(listed) == 9


def test_every_job_a_released_migration_schedules_is_listed(
    project: Project, conn: psycopg.Connection
) -> None:
    listed = {name for (name,) in conn.execute("select jobname from ops.scheduled_jobs").fetchall()}
    scheduled = {
        name
        for path in sorted((project.root / "migrations").glob("*.sql"))
        if path.name < FIRST_LISTED
        for name in SCHEDULE_CALL.findall(path.read_text())
    }
    assert scheduled == listed


def test_migrations_after_the_list_schedule_through_it_not_with_cron_schedule(project: Project) -> None:
    direct = [
        path.name
        for path in sorted((project.root / "migrations").glob("*.sql"))
        if path.name > FIRST_LISTED and SCHEDULE_CALL.search(path.read_text())
    ]
    assert direct == [], "upsert the job into ops.scheduled_jobs and call ops.schedule_jobs() instead"


def test_scheduling_again_where_the_migrations_scheduled_the_jobs_changes_nothing(
    conn: psycopg.Connection,
) -> None:
    before = conn.execute(
        "select jobid, jobname, schedule, command, active from cron.job order by jobid"
    ).fetchall()
    actions = conn.execute("select jobname, action from ops.schedule_jobs()").fetchall()
    after = conn.execute(
        "select jobid, jobname, schedule, command, active from cron.job order by jobid"
    ).fetchall()
    assert {action for _, action in actions} == {"unchanged"}
    assert after == before


def test_a_changed_schedule_is_put_back_and_reported_updated(conn: psycopg.Connection) -> None:
    with conn.transaction(force_rollback=True):
        conn.execute("select cron.schedule('prune-outbox', '42 3 * * *', 'select private.prune_outbox()')")
        rows = conn.execute("select jobname, action from ops.schedule_jobs()").fetchall()
        actions: dict[str, str] = dict(rows)
        schedule = scalar(conn, "select schedule from cron.job where jobname = 'prune-outbox'")
    assert actions["prune-outbox"] == "updated"
    assert {a for name, a in actions.items() if name != "prune-outbox"} == {"unchanged"}
    assert schedule == "41 3 * * *"


@pytest.fixture
def org_slugs(conn: psycopg.Connection) -> Iterator[tuple[str, str]]:
    """An organization (owner, admin, provider, client) and another one, deleted afterwards."""
    slugs = (f"sj-{uuid.uuid4().hex[:10]}", f"sj-other-{uuid.uuid4().hex[:8]}")
    ids = [scalar(conn, "select tests.seed_org(%s)", (slug,)) for slug in slugs]
    yield slugs
    for org_id in ids:
        conn.execute("delete from public.organizations where id = %s", (org_id,))


@pytest.mark.parametrize(
    "actor", ["owner", "admin", "provider", "client", "other_org_member", "anon", "service_role"]
)
def test_no_api_role_may_schedule_jobs(
    conn: psycopg.Connection, act_as: ActAs, org_slugs: tuple[str, str], actor: str
) -> None:
    slug, other = org_slugs
    if actor in ("anon", "service_role"):
        request = act_as(role=actor)
    else:
        user = f"{other}_client" if actor == "other_org_member" else f"{slug}_{actor}"
        request = act_as(user_id=scalar(conn, "select tests.uid(%s)", (user,)))
    with pytest.raises(psycopg.errors.InsufficientPrivilege), request as c:
        c.execute("select * from ops.schedule_jobs()")
    with pytest.raises(psycopg.errors.InsufficientPrivilege), act_as(role="service_role") as c:
        c.execute("select * from ops.scheduled_jobs")
