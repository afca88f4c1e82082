"""Act as a user the way PostgREST does: in a transaction, `set local role` + JWT claims.

The single Python twin of the pgTAP helpers in helpers.sql; the pytest fixture
`act_as` (tests/conftest.py) is built on it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Literal
from uuid import UUID

import psycopg

Role = Literal["anon", "authenticated", "service_role"]


def claims_for(
    role: Role, user_id: UUID | str | None = None, anonymous: bool = False
) -> dict[str, str | bool]:
    """The JWT claims Supabase Auth issues; `anonymous`: a signInAnonymously() user (is_anonymous)."""
    claims: dict[str, str | bool] = {"role": role}
    if user_id is not None:
        claims |= {"sub": str(user_id), "aud": "authenticated", "is_anonymous": anonymous}
    return claims


def become(
    conn: psycopg.Connection,
    user_id: UUID | str | None = None,
    role: Role | None = None,
    anonymous: bool = False,
) -> None:
    """Inside an open transaction: `role` (authenticated when a user is given) + its JWT claims."""
    effective: Role = role or ("authenticated" if user_id is not None else "anon")
    # one statement, as PostgREST sends it (set_config('role', …, true) = set local role)
    conn.execute(
        "select set_config('role', %s, true), set_config('request.jwt.claims', %s, true)",
        (effective, json.dumps(claims_for(effective, user_id, anonymous))),
    )


@contextmanager
def acting_as(
    conn: psycopg.Connection,
    user_id: UUID | str | None = None,
    role: Role | None = None,
    anonymous: bool = False,
) -> Iterator[psycopg.Connection]:
    """One PostgREST request: a transaction as `role` (authenticated when a user is given)."""
    with conn.transaction():
        become(conn, user_id, role, anonymous)
        yield conn
