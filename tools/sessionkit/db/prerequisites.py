"""What a database must already have before sessionkit pushes to it or tests on it.

A Supabase project has all of it. The local stack gets it from the compatibility layer
(compat.sql); any other database is only checked, never changed: a missing piece fails with
one line naming it.
"""

from __future__ import annotations

import psycopg

from sessionkit.errors import SessionkitError

# What the migrations and functions use: (what is missing, a query answering true when it is there)
REQUIRED: tuple[tuple[str, str], ...] = (
    ("role anon", "select exists (select 1 from pg_roles where rolname = 'anon')"),
    ("role authenticated", "select exists (select 1 from pg_roles where rolname = 'authenticated')"),
    ("role service_role", "select exists (select 1 from pg_roles where rolname = 'service_role')"),
    ("schema auth", "select to_regnamespace('auth') is not null"),
    ("table auth.users", "select to_regclass('auth.users') is not null"),
    ("function auth.uid()", "select to_regprocedure('auth.uid()') is not null"),
    ("function auth.role()", "select to_regprocedure('auth.role()') is not null"),
    ("schema extensions", "select to_regnamespace('extensions') is not null"),
    ("table storage.buckets", "select to_regclass('storage.buckets') is not null"),
    ("table storage.objects", "select to_regclass('storage.objects') is not null"),
    ("function storage.foldername(text)", "select to_regprocedure('storage.foldername(text)') is not null"),
)

# Extensions the migrations create (as Supabase lets postgres do): in schema extensions, and
# pg_partman in its own schema partman (monthly partitions of the append-only logs).
EXTENSIONS = ("btree_gist", "pgcrypto", "pg_partman")


def missing_prerequisites(conn: psycopg.Connection) -> list[str]:
    """What the migrations expect from Supabase and this database lacks, in a stable order."""
    missing = [name for name, query in REQUIRED if not _true(conn, query)]
    for extension in EXTENSIONS:
        available = _true(
            conn,
            "select exists (select 1 from pg_available_extensions where name = %s)",
            (extension,),
        )
        if not available:
            missing.append(f"extension {extension} (not available on this server)")
    return missing


def require_supabase(conn: psycopg.Connection, display: str) -> None:
    """Fail, naming every missing piece, unless the database is shaped like a Supabase project."""
    missing = missing_prerequisites(conn)
    if missing:
        raise SessionkitError(
            f"{display} is not a Supabase database: missing {', '.join(missing)} "
            "(sessionkit installs these only on its local stack)"
        )


def pg_cron_enabled(conn: psycopg.Connection) -> bool:
    return _true(conn, "select exists (select 1 from pg_extension where extname = 'pg_cron')")


def _true(conn: psycopg.Connection, query: str, params: tuple[str, ...] = ()) -> bool:
    row = conn.execute(query, params).fetchone()
    return bool(row and row[0])
