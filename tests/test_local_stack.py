"""The local stack: idempotent start, pg_cron running jobs, the Supabase compatibility layer."""

from __future__ import annotations

import json
import time

import psycopg
import pytest

from sessionkit import stack
from sessionkit.config import DEFAULT_DATABASE, Project
from sessionkit.db.compat import install_compat


def test_start_is_idempotent_and_reports_already_running(project: Project, db_url: str) -> None:
    assert stack.start_local(project) is False


def test_cluster_preloads_pg_cron_and_listens_on_loopback(conn: psycopg.Connection) -> None:
    settings = dict(
        conn.execute(
            "select name, setting from pg_settings where name in"
            " ('shared_preload_libraries', 'listen_addresses', 'cron.use_background_workers',"
            " 'cron.database_name')"
        ).fetchall()
    )
    assert settings == {
        "shared_preload_libraries": "pg_cron",
        "listen_addresses": "127.0.0.1",
        "cron.use_background_workers": "on",
        "cron.database_name": DEFAULT_DATABASE,
    }


def test_pg_cron_runs_a_scheduled_job_without_a_tcp_login(conn: psycopg.Connection) -> None:
    if conn.execute("select to_regclass('cron.job')").fetchone() == (None,):
        pytest.skip("pg_cron lives in the stack's main database only (cron.database_name)")
    conn.execute("create table if not exists public.zz_cron_probe (at timestamptz)")
    conn.execute("alter table public.zz_cron_probe enable row level security")
    try:
        conn.execute(
            "select cron.schedule('zz-probe', '* * * * *', 'insert into public.zz_cron_probe values (now())')"
        )
        deadline = time.monotonic() + 75  # pg_cron 1.4: minute resolution
        count = 0
        while time.monotonic() < deadline and count == 0:
            time.sleep(0.5)
            row = conn.execute("select count(*) from public.zz_cron_probe").fetchone()
            count = row[0] if row else 0
        assert count > 0
    finally:
        conn.execute("select cron.unschedule('zz-probe')")
        conn.execute("drop table public.zz_cron_probe")


def test_compat_layer_installs_only_what_is_absent(conn: psycopg.Connection) -> None:
    conn.execute("create or replace function auth.role() returns text language sql as $$ select 'kept' $$")
    try:
        install_compat(conn)
        assert conn.execute("select auth.role()").fetchone() == ("kept",)
    finally:
        conn.execute("drop function auth.role()")
        install_compat(conn)


def test_auth_uid_reads_request_jwt_claims_like_supabase(conn: psycopg.Connection) -> None:
    claims = {"sub": "6f1d7a5e-8a3c-4b7e-9a55-0d7f1f2d3c4b", "role": "authenticated"}
    with conn.transaction():
        conn.execute("select set_config('request.jwt.claims', %s, true)", (json.dumps(claims),))
        row = conn.execute("select auth.uid()::text, auth.role(), auth.jwt() ->> 'sub'").fetchone()
    assert row == (claims["sub"], "authenticated", claims["sub"])


def test_supabase_roles_exist_with_supabase_attributes(conn: psycopg.Connection) -> None:
    rows = dict(
        conn.execute(
            "select rolname, rolbypassrls from pg_roles"
            " where rolname in ('anon', 'authenticated', 'service_role', 'authenticator')"
        ).fetchall()
    )
    assert rows == {"anon": False, "authenticated": False, "service_role": True, "authenticator": False}
