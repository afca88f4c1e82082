"""Install the Supabase compatibility layer (only what is absent) on a plain Postgres."""

from __future__ import annotations

from importlib.resources import files

import psycopg


def compat_sql() -> str:
    return files("sessionkit.db").joinpath("compat.sql").read_text()


def install_compat(conn: psycopg.Connection) -> None:
    """Roles, auth schema and functions, extensions schema: a no-op on Supabase itself."""
    with conn.transaction():
        conn.execute(compat_sql())
