"""Fixtures of the pytest suites: connections and the one way to act as a user."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from datetime import date, datetime
from uuid import UUID

import psycopg
import pytest

from sessionkit.config import Project
from sessionkit.db.admin import drop_database
from sessionkit.testing.acting import Role, acting_as
from tests.legacy import make_template

ActAs = Callable[..., AbstractContextManager[psycopg.Connection]]


@pytest.fixture
def conn(db_url: str) -> Iterator[psycopg.Connection]:
    """A superuser connection (autocommit) for arranging data."""
    with psycopg.connect(db_url, autocommit=True) as connection:
        yield connection


@pytest.fixture
def server_now(conn: psycopg.Connection) -> datetime:
    """The database server's clock, never this machine's: `db start --clock` may have moved it."""
    row = conn.execute("select now()").fetchone()
    assert row is not None
    return row[0]


@pytest.fixture
def server_today(conn: psycopg.Connection) -> date:
    """The database server's current_date (its clock, its time zone): what the RPCs call today."""
    row = conn.execute("select current_date").fetchone()
    assert row is not None
    return row[0]


@pytest.fixture
def act_as(db_url: str) -> Iterator[ActAs]:
    """act_as(user_id=None, role=None, anonymous=False): one PostgREST-like request on its own connection."""
    connections: list[psycopg.Connection] = []

    def factory(
        user_id: UUID | str | None = None, role: Role | None = None, anonymous: bool = False
    ) -> AbstractContextManager[psycopg.Connection]:
        connection = psycopg.connect(db_url, autocommit=True)
        connections.append(connection)
        return acting_as(connection, user_id=user_id, role=role, anonymous=anonymous)

    yield factory
    for connection in connections:
        connection.close()


@pytest.fixture(scope="session")
def legacy_template(project: Project, db_url: str) -> Iterator[str]:
    """A database at the legacy baseline with generated legacy data (tests/legacy.py); copy it
    with tests.legacy.legacy_copy, never change it."""
    name = make_template(project, db_url)
    yield name
    drop_database(db_url, name)
