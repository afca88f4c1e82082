"""Turning the live append-only logs into monthly partitions (migrations 20261127160300/0400) on a
database that already holds rows: a throwaway database is migrated up to the migration before
it, gets audit and status-history rows spread over two and a half years, then takes the rest of
the migrations. Every row, id, policy, trigger, grant and comment must survive; the identity
must go on after the highest id. The partition maintenance itself: test_partitions.sql.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import psycopg
import pytest

from sessionkit import stack
from sessionkit.config import Project, Target
from sessionkit.db.connect import connect
from sessionkit.testing.install import install_test_helpers

from .helpers import scalar, temporary_database

BEFORE_PARTITIONS = "20261127160200"
# the partitions migrations applied (later ones change these tables on purpose)
PARTITIONED = "20261127160400"
TABLES = ("audit_log", "booking_status_history", "outbox_events")

ROWS = """
do $$
declare
  v_org uuid := tests.seed_org('legacy');
  v_service uuid := tests.seed_bookable_service(v_org, 'Physio', 60);
  v_booking uuid := tests.seed_booking(v_service, tests.uid('legacy_client'), now() + interval '3 days');
begin
  insert into public.audit_log (organization_id, actor_id, action, entity, entity_id, new_values, at)
  select v_org, tests.uid('legacy_owner'), 'legacy.probe', 'bookings', v_booking, jsonb_build_object('n', g),
         now() - make_interval(days => 9 * g)
  from generate_series(0, 100) as g;
  insert into public.booking_status_history
    (organization_id, booking_id, from_status, to_status, changed_by, at)
  select v_org, v_booking, 'pending', 'confirmed', case when g % 2 = 0 then tests.uid('legacy_owner') end,
         now() - make_interval(days => 13 * g)
  from generate_series(1, 60) as g;
  insert into public.outbox_events (organization_id, topic, payload, created_at)
  select v_org, 'legacy.probe', jsonb_build_object('n', g), now() - make_interval(days => 11 * g)
  from generate_series(0, 80) as g;
end
$$;
"""

SNAPSHOT: dict[str, str] = {
    "rows": "select md5(string_agg(t::text, ',' order by t.id)) from public.{table} t",
    "count": "select count(*)::text from public.{table}",
    "policies": "select string_agg(policyname || ' ' || cmd || ' ' || roles::text || ' '"
    " || coalesce(qual, ''), '; '"
    " order by policyname) from pg_policies where schemaname = 'public' and tablename = '{table}'",
    "triggers": "select string_agg(pg_get_triggerdef(oid), '; ' order by tgname) from pg_trigger"
    " where tgrelid = 'public.{table}'::regclass and not tgisinternal",
    "grants": "select string_agg(a.grantee::regrole::text || ':' || a.privilege_type, ',' order by 1)"
    " from pg_class c, aclexplode(c.relacl) a where c.oid = 'public.{table}'::regclass",
    "comments": "select obj_description('public.{table}'::regclass, 'pg_class') || ' | ' || string_agg("
    "a.attname || '=' || coalesce(col_description(a.attrelid, a.attnum), ''), ', ' order by a.attnum)"
    " from pg_attribute a where a.attrelid = 'public.{table}'::regclass"
    " and a.attnum > 0 and not a.attisdropped",
    "indexes": "select string_agg(c.relname::text, ', ' order by c.relname) from pg_index i"
    " join pg_class c on c.oid = i.indexrelid"
    " where i.indrelid = 'public.{table}'::regclass and not i.indisprimary",
    "foreign keys": "select string_agg(conname || ' ' || pg_get_constraintdef(oid), '; ' order by conname)"
    " from pg_constraint where conrelid = 'public.{table}'::regclass and contype in ('f', 'c')",
    "row level security": "select relrowsecurity::text from pg_class where oid = 'public.{table}'::regclass",
}


def snapshot(conn: psycopg.Connection, table: str) -> dict[str, Any]:
    return {name: scalar(conn, sql.format(table=table)) for name, sql in SNAPSHOT.items()}


Snapshots = dict[str, dict[str, Any]]


@pytest.fixture(scope="module")
def upgraded(project: Project, db_url: str) -> Iterator[tuple[str, Snapshots, Snapshots]]:
    """A database with rows in both logs, migrated past the partitions migrations, then to the
    end; yields its URL and each table's snapshots from before and right after partitioning."""
    with temporary_database(db_url, prefix="sk_parts") as target:
        local = Target(url=target.url, is_local=True)
        stack.push_target(project, local, to=BEFORE_PARTITIONS)
        with connect(target.url) as conn:
            install_test_helpers(conn, project)
            conn.execute(ROWS)
            before = {table: snapshot(conn, table) for table in TABLES}
        stack.push_target(project, local, to=PARTITIONED)
        with connect(target.url) as conn:
            partitioned = {table: snapshot(conn, table) for table in TABLES}
        stack.push_target(project, local)
        yield target.url, before, partitioned


@pytest.mark.parametrize("table", TABLES)
def test_the_table_is_partitioned_by_month_and_keeps_rows_policies_triggers_grants_and_comments(
    upgraded: tuple[str, Snapshots, Snapshots], table: str
) -> None:
    url, before, partitioned = upgraded
    with connect(url) as conn:
        assert (
            scalar(conn, "select relkind::text from pg_class where oid = %s::regclass", (f"public.{table}",))
            == "p"
        )
    assert int(before[table]["count"]) > 60
    assert partitioned[table] == before[table]


@pytest.mark.parametrize("table", TABLES)
def test_every_month_of_the_old_rows_has_its_partition_and_the_default_partition_is_empty(
    upgraded: tuple[str, Snapshots, Snapshots], table: str
) -> None:
    url, _, _ = upgraded
    column = "created_at" if table == "outbox_events" else "at"
    with connect(url) as conn:
        months = scalar(conn, f"select count(distinct date_trunc('month', {column})) from public.{table}")
        partitions = scalar(conn, "select count(*) from partman.show_partitions(%s)", (f"public.{table}",))
        assert partitions >= months
        assert scalar(conn, f"select count(*) from only public.{table}_default") == 0


def test_the_identity_goes_on_after_the_highest_moved_id(
    upgraded: tuple[str, Snapshots, Snapshots],
) -> None:
    url, _, _ = upgraded
    with connect(url) as conn:
        highest = scalar(conn, "select max(id) from public.audit_log")
        new = scalar(conn, "insert into public.audit_log (action) values ('after.partitioning') returning id")
        assert new == highest + 1


def test_the_status_history_still_records_a_booking_made_after_the_upgrade(
    upgraded: tuple[str, Snapshots, Snapshots],
) -> None:
    url, _, _ = upgraded
    with connect(url) as conn:
        booking = scalar(
            conn,
            "select tests.seed_booking(tests.service_id(tests.org_id('legacy'), 'Physio'),"
            " tests.uid('legacy_client'),"
            " now() + interval '5 days')",
        )
        assert (
            scalar(
                conn, "select count(*) from public.booking_status_history where booking_id = %s", (booking,)
            )
            == 1
        )
