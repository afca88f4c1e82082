"""The guarded contract migration of issue 5: one active subscription per client and organization.

On a legacy database that still holds duplicates it must raise BACKFILL_REQUIRED (PT422) naming
`sessionkit backfill run subscription_links` and change nothing; once the duplicates are
resolved (superseded) it creates the partial unique index. Everything runs in one transaction
that is rolled back, so the shared test database is left as it was.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import psycopg
import pytest

from sessionkit.config import Project

INDEX = "subscriptions_one_active_per_client"


@pytest.fixture
def tx(db_url: str) -> Iterator[psycopg.Connection]:
    with psycopg.connect(db_url) as connection:  # not autocommit: one transaction, rolled back
        yield connection
        connection.rollback()


def migration_sql(project: Project) -> str:
    [path] = sorted(project.migrations_dir.glob("*_one_active_subscription_per_client.sql"))
    return path.read_text()


def index_exists(conn: psycopg.Connection) -> bool:
    row = conn.execute("select to_regclass(%s) is not null", (f"public.{INDEX}",)).fetchone()
    return bool(row and row[0])


def test_guard_refuses_duplicates_then_creates_the_index(project: Project, tx: psycopg.Connection) -> None:
    sql = migration_sql(project)
    slug = f"guard-{uuid.uuid4().hex[:10]}"
    # a legacy state: no index yet, a client with two active subscriptions
    tx.execute(f"drop index public.{INDEX}")
    tx.execute("select tests.seed_org(%s)", (slug,))
    tx.execute(
        "select tests.seed_subscription(tests.org_id(%s), tests.uid(%s), n) from (values (5), (10)) v (n)",
        (slug, f"{slug}_client"),
    )
    count_before = tx.execute("select count(*) from public.subscriptions").fetchone()

    tx.execute("savepoint before_migration")
    with pytest.raises(psycopg.Error) as raised:
        tx.execute(sql)
    error = raised.value
    assert error.sqlstate == "PT422"
    assert error.diag.message_primary == "BACKFILL_REQUIRED"
    assert "sessionkit backfill run subscription_links" in (error.diag.message_detail or "")
    assert "1 client(s)" in (error.diag.message_detail or "")
    tx.execute("rollback to savepoint before_migration")
    assert not index_exists(tx), "a refused migration changes nothing"
    assert tx.execute("select count(*) from public.subscriptions").fetchone() == count_before

    # what the subscription_links backfill does: keep one, supersede the rest
    tx.execute(
        """update public.subscriptions set status = 'superseded'
           where organization_id = tests.org_id(%s) and total_sessions = 5""",
        (slug,),
    )
    tx.execute(sql)
    assert index_exists(tx)
    with pytest.raises(psycopg.errors.UniqueViolation):
        tx.execute(
            "select tests.seed_subscription(tests.org_id(%s), tests.uid(%s), 3)", (slug, f"{slug}_client")
        )


def test_guard_passes_on_a_database_without_duplicates(project: Project, tx: psycopg.Connection) -> None:
    tx.execute(f"drop index public.{INDEX}")
    tx.execute(migration_sql(project))
    assert index_exists(tx)
