"""The expand migration of issue 11 that turns memberships into invitations.

Memberships that exist when it runs were created by the legacy app and are in use: they must
count as accepted. Every membership created afterwards starts as an invitation. The test puts the
table back in its legacy shape inside one transaction (rolled back, so the shared test database
is left as it was), adds a legacy membership, and runs the migration file.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import psycopg
import pytest

from sessionkit.config import Project

from .helpers import scalar


@pytest.fixture
def tx(db_url: str) -> Iterator[psycopg.Connection]:
    with psycopg.connect(db_url) as connection:  # not autocommit: one transaction, rolled back
        yield connection
        connection.rollback()


def migration_sql(project: Project) -> str:
    return (project.migrations_dir / "20261127120000_member_invitations.sql").read_text()


def legacy_membership(tx: psycopg.Connection) -> tuple[uuid.UUID, uuid.UUID]:
    """The table as the legacy app left it (no status, no invited_by) with one membership in it."""
    slug = f"inv-{uuid.uuid4().hex[:10]}"
    org = scalar(tx, "select tests.seed_org(%s)", (slug,))
    user = scalar(tx, "select tests.create_user(%s)", (f"{slug}_legacy",))
    tx.execute("alter table public.organization_members disable trigger user")
    tx.execute("alter table public.organization_members drop column status cascade")
    tx.execute("alter table public.organization_members drop column invited_by cascade")
    tx.execute(
        "insert into public.organization_members (organization_id, user_id, role)"
        " values (%s, %s, 'provider')",
        (org, user),
    )
    return org, user


def test_memberships_present_at_migration_time_count_as_accepted(
    project: Project, tx: psycopg.Connection
) -> None:
    org, user = legacy_membership(tx)

    tx.execute(migration_sql(project))

    status = scalar(
        tx,
        "select status from public.organization_members where organization_id = %s and user_id = %s",
        (org, user),
    )
    assert status == "accepted"


def test_memberships_created_after_the_migration_start_as_invitations(
    project: Project, tx: psycopg.Connection
) -> None:
    org, _ = legacy_membership(tx)
    tx.execute(migration_sql(project))
    newcomer = scalar(tx, "select tests.create_user(%s)", (f"newcomer-{uuid.uuid4().hex[:8]}",))

    tx.execute(
        "insert into public.organization_members (organization_id, user_id, role) values (%s, %s, 'client')",
        (org, newcomer),
    )

    status = scalar(
        tx,
        "select status from public.organization_members where organization_id = %s and user_id = %s",
        (org, newcomer),
    )
    assert status == "invited"
