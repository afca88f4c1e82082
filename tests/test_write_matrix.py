"""The RLS write matrix (docs/security.md): every table, every write, every role.

Each case is one PostgREST-like request (`become`: role + JWT claims) in its own transaction,
rolled back afterwards, against one organization with a row of every kind. The expected outcome
is what docs/security.md documents:
  "ok"   the write happened (at least one row),
  "0"    nothing matched: row level security hides the rows from this role,
  "PTxxx" / "42501" / "23505" / "23503"  the write was refused with that SQLSTATE (42501: not
         granted, or refused by a policy; PT4xx: a contract code from the table's rules).
The rules behind the "ok" cells (which columns, which transitions) are tested in
supabase/tests/database/test_direct_writes.sql and test_invitations.sql.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest

from sessionkit.testing.acting import become

from .helpers import scalar

ROLES = ("owner", "admin", "provider", "client", "other", "anon", "service_role")

# table -> operation -> (sql, expected outcome per role, in ROLES order)
MATRIX: dict[str, dict[str, tuple[str, tuple[str, ...]]]] = {
    "organizations": {
        "insert": (
            "insert into public.organizations (name, slug) values ('Direct', %(new_slug)s)",
            ("42501", "42501", "42501", "42501", "42501", "42501", "ok"),
        ),
        "update": (
            "update public.organizations set name = name || '!' where id = %(org)s",
            ("ok", "ok", "0", "0", "0", "0", "ok"),
        ),
        "delete": (
            "delete from public.organizations where id = %(org)s",
            ("42501", "42501", "42501", "42501", "42501", "42501", "ok"),
        ),
    },
    "organization_members": {
        "insert": (
            "insert into public.organization_members (organization_id, user_id, role)"
            " values (%(org)s, %(outsider)s, 'client')",
            ("ok", "ok", "42501", "42501", "42501", "42501", "ok"),
        ),
        "update": (
            "update public.organization_members set display_name = 'Renamed'"
            " where organization_id = %(org)s and user_id = %(spare_client)s",
            ("ok", "ok", "0", "0", "0", "0", "ok"),
        ),
        "delete": (
            "delete from public.organization_members where organization_id = %(org)s and user_id = "
            "%(spare_client)s",
            ("ok", "ok", "0", "0", "0", "0", "ok"),
        ),
    },
    "organization_settings": {
        "insert": (
            "insert into public.organization_settings (organization_id) values (%(org)s)",
            ("23505", "23505", "42501", "42501", "42501", "42501", "23505"),
        ),
        "update": (
            "update public.organization_settings set note_lock_hours = 12 where organization_id = %(org)s",
            ("ok", "ok", "0", "0", "0", "0", "ok"),
        ),
        "delete": (
            "delete from public.organization_settings where organization_id = %(org)s",
            ("0", "0", "0", "0", "0", "0", "ok"),
        ),
    },
    "services": {
        "insert": (
            "insert into public.services (organization_id, name) values (%(org)s, 'New service')",
            ("ok", "ok", "42501", "42501", "42501", "42501", "ok"),
        ),
        "update": (
            "update public.services set price = 60 where id = %(service)s",
            ("ok", "ok", "0", "0", "0", "0", "ok"),
        ),
        "delete": (
            "delete from public.services where id = %(spare_service)s",
            ("ok", "ok", "0", "0", "0", "0", "ok"),
        ),
    },
    "packages": {
        "insert": (
            "insert into public.packages (organization_id, name, session_count) values (%(org)s, 'New "
            "pack', 5)",
            ("ok", "ok", "42501", "42501", "42501", "42501", "ok"),
        ),
        "update": (
            "update public.packages set price = 99 where id = %(package)s",
            ("ok", "ok", "0", "0", "0", "0", "ok"),
        ),
        "delete": (
            "delete from public.packages where id = %(spare_package)s",
            ("ok", "ok", "0", "0", "0", "0", "ok"),
        ),
    },
    "session_types": {
        "insert": (
            "insert into public.session_types (organization_id, name, duration_minutes) values "
            "(%(org)s, 'Long', 120)",
            ("ok", "ok", "42501", "42501", "42501", "42501", "ok"),
        ),
        "update": (
            "update public.session_types set description = 'Spare' where id = %(spare_type)s",
            ("ok", "ok", "0", "0", "0", "0", "ok"),
        ),
        "delete": (
            "delete from public.session_types where id = %(spare_type)s",
            ("ok", "ok", "0", "0", "0", "0", "ok"),
        ),
    },
    "service_sessions": {
        "insert": (
            "insert into public.service_sessions (organization_id, service_id, provider_id, starts_at, "
            "ends_at)"
            " values (%(org)s, %(workshop_service)s, %(provider)s, tests.slot(5, '18:00'), "
            "tests.slot(5, '19:00'))",
            ("ok", "ok", "ok", "42501", "42501", "42501", "ok"),
        ),
        "update": (
            "update public.service_sessions set location = 'Garden' where id = %(workshop)s",
            ("ok", "ok", "ok", "0", "0", "0", "ok"),
        ),
        "delete": (
            "delete from public.service_sessions where id = %(spare_session)s",
            ("ok", "ok", "0", "0", "0", "0", "ok"),
        ),
    },
    "bookings": {
        "insert": (
            "insert into public.bookings (organization_id, client_id, provider_id, service_id, "
            "start_time, end_time)"
            " values (%(org)s, %(client)s, %(provider)s, %(service)s, tests.slot(4, '09:00'), "
            "tests.slot(4, '10:00'))",
            ("ok", "ok", "ok", "ok", "PT404", "PT401", "ok"),
        ),
        "update": (
            "update public.bookings set notes = 'Bring the X-ray' where id = %(booking)s",
            ("ok", "ok", "ok", "0", "0", "0", "ok"),
        ),
        "confirm": (
            "update public.bookings set status = 'confirmed' where id = %(pending)s",
            ("ok", "ok", "ok", "0", "0", "0", "ok"),
        ),
        "delete": (
            "delete from public.bookings where id = %(booking)s",
            ("42501", "42501", "42501", "42501", "42501", "42501", "ok"),
        ),
    },
    "subscriptions": {
        "insert": (
            "insert into public.subscriptions (organization_id, client_id, package_id, total_sessions)"
            " values (%(org)s, %(client2)s, %(package)s, 5)",
            ("ok", "ok", "42501", "42501", "42501", "42501", "ok"),
        ),
        "update": (
            "update public.subscriptions set expires_at = now() + interval '1 year' where id = "
            "%(subscription)s",
            ("ok", "ok", "0", "0", "0", "0", "ok"),
        ),
        "delete": (
            "delete from public.subscriptions where id = %(spare_subscription)s",
            ("42501", "42501", "42501", "42501", "42501", "42501", "ok"),
        ),
    },
    "recurring_bookings": {
        "insert": (
            "insert into public.recurring_bookings (user_id, specialist_id, service_id, frequency, "
            "start_date)"
            " values (%(client)s, %(provider)s, %(service)s, 'weekly', tests.next_weekday(2, 21))",
            ("ok", "ok", "42501", "ok", "42501", "42501", "ok"),
        ),
        "update": (
            "update public.recurring_bookings set end_date = start_date + 70 where id = %(series)s",
            ("ok", "ok", "0", "ok", "0", "0", "ok"),
        ),
        "delete": (
            "delete from public.recurring_bookings where id = %(series)s",
            ("ok", "ok", "0", "ok", "0", "0", "ok"),
        ),
    },
    "recurring_booking_exceptions": {
        "insert": (
            "insert into public.recurring_booking_exceptions (organization_id, recurring_booking_id, "
            "occurrence_date, kind) values (%(org)s, %(series)s, tests.next_weekday(3, 21) + 14, 'skipped')",
            ("42501", "42501", "42501", "42501", "42501", "42501", "ok"),
        ),
        "update": (
            "update public.recurring_booking_exceptions set reason = 'Rewritten'"
            " where id = %(series_exception)s",
            ("42501", "42501", "42501", "42501", "42501", "42501", "ok"),
        ),
        "delete": (
            "delete from public.recurring_booking_exceptions where id = %(series_exception)s",
            ("42501", "42501", "42501", "42501", "42501", "42501", "ok"),
        ),
    },
    "availability_rules": {
        "insert": (
            "insert into public.availability_rules (organization_id, provider_id, weekday, start_time, "
            "end_time)"
            " values (%(org)s, %(provider)s, 1, '18:00', '20:00')",
            ("ok", "ok", "ok", "42501", "42501", "42501", "ok"),
        ),
        "update": (
            "update public.availability_rules set end_time = '17:30' where id = %(rule)s",
            ("ok", "ok", "ok", "0", "0", "0", "ok"),
        ),
        "delete": (
            "delete from public.availability_rules where id = %(rule)s",
            ("ok", "ok", "ok", "0", "0", "0", "ok"),
        ),
    },
    "specialist_availability_exceptions": {
        "insert": (
            "insert into public.specialist_availability_exceptions"
            " (organization_id, specialist_id, exception_date, reason) values (%(org)s, %(provider)s, "
            "tests.slot(9, '00:00')::date, 'training')",
            ("ok", "ok", "ok", "42501", "42501", "42501", "ok"),
        ),
        "update": (
            "update public.specialist_availability_exceptions set reason = 'personal' where id = "
            "%(exception)s",
            ("ok", "ok", "ok", "0", "0", "0", "ok"),
        ),
        "delete": (
            "delete from public.specialist_availability_exceptions where id = %(exception)s",
            ("ok", "ok", "ok", "0", "0", "0", "ok"),
        ),
    },
    "session_notes": {
        "insert": (
            "insert into public.session_notes (booking_id, provider_id, notes) values (%(booking2)s, "
            "%(provider)s, 'Notes')",
            ("42501", "42501", "ok", "42501", "42501", "42501", "ok"),
        ),
        "update": (
            "update public.session_notes set follow_up_actions = 'Stretch daily' where id = %(note)s",
            ("0", "0", "ok", "0", "0", "0", "ok"),
        ),
        "delete": (
            "delete from public.session_notes where id = %(note)s",
            ("ok", "ok", "0", "0", "0", "0", "ok"),
        ),
    },
    "meeting_recordings": {
        "insert": (
            "insert into public.meeting_recordings (booking_id, storage_path, file_format)"
            " values (%(booking)s, 'sessions/new.mp4', 'mp4')",
            ("ok", "ok", "42501", "42501", "42501", "42501", "ok"),
        ),
        "update": (
            "update public.meeting_recordings set duration_seconds = 60 where id = %(recording)s",
            ("ok", "ok", "0", "0", "0", "0", "ok"),
        ),
        "delete": (
            "delete from public.meeting_recordings where id = %(recording)s",
            ("ok", "ok", "0", "0", "0", "0", "ok"),
        ),
    },
    "booking_cancellations": {
        "insert": (
            "insert into public.booking_cancellations (booking_id, reason) values (%(booking)s, "
            "'Cannot make it')",
            ("ok", "ok", "ok", "ok", "PT404", "PT401", "ok"),
        ),
        "decline": (
            "insert into public.booking_cancellations (booking_id, reason, cancellation_kind)"
            " values (%(pending)s, 'No room', 'declined')",
            ("ok", "ok", "ok", "PT403", "PT404", "PT401", "ok"),
        ),
        "update": (
            "update public.booking_cancellations set reason = 'Rewritten' where id = %(cancellation)s",
            ("42501", "42501", "42501", "42501", "42501", "42501", "ok"),
        ),
        "delete": (
            "delete from public.booking_cancellations where id = %(cancellation)s",
            ("42501", "42501", "42501", "42501", "42501", "42501", "ok"),
        ),
    },
    "booking_status_history": {
        "insert": (
            "insert into public.booking_status_history (organization_id, booking_id, to_status)"
            " values (%(org)s, %(booking)s, 'completed')",
            ("42501", "42501", "42501", "42501", "42501", "42501", "ok"),
        ),
        "update": (
            "update public.booking_status_history set reason = 'Rewritten' where booking_id = %(booking)s",
            ("42501", "42501", "42501", "42501", "42501", "42501", "ok"),
        ),
        "delete": (
            "delete from public.booking_status_history where booking_id = %(booking)s",
            ("42501", "42501", "42501", "42501", "42501", "42501", "ok"),
        ),
    },
    "audit_log": {
        "insert": (
            "insert into public.audit_log (organization_id, action) values (%(org)s, 'forged')",
            ("42501", "42501", "42501", "42501", "42501", "42501", "ok"),
        ),
        "update": (
            "update public.audit_log set action = 'rewritten' where organization_id = %(org)s",
            ("42501", "42501", "42501", "42501", "42501", "42501", "ok"),
        ),
        "delete": (
            "delete from public.audit_log where organization_id = %(org)s",
            ("42501", "42501", "42501", "42501", "42501", "42501", "ok"),
        ),
    },
    "outbox_events": {
        "insert": (
            "insert into public.outbox_events (organization_id, topic) values (%(org)s, 'booking.forged')",
            ("42501", "42501", "42501", "42501", "42501", "42501", "ok"),
        ),
        "update": (
            "update public.outbox_events set processed_at = now() where organization_id = %(org)s",
            ("42501", "42501", "42501", "42501", "42501", "42501", "ok"),
        ),
        "delete": (
            "delete from public.outbox_events where organization_id = %(org)s",
            ("42501", "42501", "42501", "42501", "42501", "42501", "ok"),
        ),
    },
    "webhook_subscriptions": {
        "insert": (
            "insert into public.webhook_subscriptions (organization_id, url, secret_hint)"
            " values (%(org)s, 'https://direct.example/hook', 'abcd')",
            ("42501", "42501", "42501", "42501", "42501", "42501", "ok"),
        ),
        "update": (
            "update public.webhook_subscriptions set is_active = false where id = %(webhook)s",
            ("ok", "ok", "0", "0", "0", "0", "ok"),
        ),
        "delete": (
            "delete from public.webhook_subscriptions where id = %(webhook)s",
            ("ok", "ok", "0", "0", "0", "0", "ok"),
        ),
    },
    "webhook_deliveries": {
        "insert": (
            "insert into public.webhook_deliveries (organization_id, subscription_id, event_id, topic,"
            " attempt, status_code, succeeded)"
            " values (%(org)s, %(webhook)s, 1, 'booking.forged', 1, 500, false)",
            ("42501", "42501", "42501", "42501", "42501", "42501", "ok"),
        ),
        "update": (
            "update public.webhook_deliveries set error = 'rewritten' where id = %(webhook_delivery)s",
            ("0", "0", "0", "0", "0", "0", "ok"),
        ),
        "delete": (
            "delete from public.webhook_deliveries where id = %(webhook_delivery)s",
            ("0", "0", "0", "0", "0", "0", "ok"),
        ),
    },
    "organization_closures": {
        "insert": (
            "insert into public.organization_closures (organization_id, starts_at, ends_at, reason)"
            " values (%(org)s, tests.slot(9, '09:00'), tests.slot(9, '10:00'), 'Direct')",
            ("ok", "ok", "42501", "42501", "42501", "42501", "ok"),
        ),
        "update": (
            "update public.organization_closures set reason = 'Renamed' where id = %(closure)s",
            ("ok", "ok", "0", "0", "0", "0", "ok"),
        ),
        "delete": (
            "delete from public.organization_closures where id = %(closure)s",
            ("ok", "ok", "0", "0", "0", "0", "ok"),
        ),
    },
    "waitlist_entries": {
        "insert": (
            "insert into public.waitlist_entries (organization_id, service_session_id, client_id)"
            " values (%(org)s, %(full_workshop)s, %(spare_client)s)",
            ("42501", "42501", "42501", "42501", "42501", "42501", "ok"),
        ),
        "update": (
            "update public.waitlist_entries set status = 'left', resolved_at = now()"
            " where id = %(waitlist_entry)s",
            ("42501", "42501", "42501", "42501", "42501", "42501", "ok"),
        ),
        "delete": (
            "delete from public.waitlist_entries where id = %(waitlist_entry)s",
            ("42501", "42501", "42501", "42501", "42501", "42501", "ok"),
        ),
    },
}

CASES = [
    pytest.param(table, operation, role, expected[index], id=f"{table}-{operation}-{role}")
    for table, operations in MATRIX.items()
    for operation, (_, expected) in operations.items()
    for index, role in enumerate(ROLES)
]


@pytest.fixture(scope="module")
def world(db_url: str) -> Iterator[dict[str, Any]]:
    """One organization with a row of every kind (and a rival organization), deleted afterwards."""
    slug = f"wm-{uuid.uuid4().hex[:10]}"
    with psycopg.connect(db_url, autocommit=True) as conn:
        ids = _seed_world(conn, slug)
        yield ids
        conn.execute("delete from public.organizations where id in (%s, %s)", (ids["org"], ids["rival_org"]))


def _seed_world(conn: psycopg.Connection, slug: str) -> dict[str, Any]:
    def one(sql: str, params: tuple[Any, ...] = ()) -> Any:
        return scalar(conn, sql, params)

    org = one("select tests.seed_org(%s)", (slug,))
    ids: dict[str, Any] = {"org": org, "rival_org": one("select tests.seed_org(%s)", (f"{slug}-rival",))}
    for role in ("owner", "admin", "provider", "client"):
        ids[role] = one("select tests.uid(%s)", (f"{slug}_{role}",))
    ids["other"] = one("select tests.uid(%s)", (f"{slug}-rival_owner",))
    ids["client2"] = one("select tests.add_member(%s, %s, 'client')", (slug, f"{slug}_client2"))
    ids["spare_client"] = one("select tests.add_member(%s, %s, 'client')", (slug, f"{slug}_spare"))
    ids["outsider"] = one("select tests.create_user(%s)", (f"{slug}_outsider",))
    ids["new_slug"] = f"{slug}-direct"
    ids["service"] = one("select tests.seed_bookable_service(%s, 'Physio', 60)", (org,))
    ids["workshop_service"] = one("select tests.seed_bookable_service(%s, 'Yoga', 60, 10)", (org,))
    ids["spare_service"] = one("select tests.seed_bookable_service(%s, 'Spare', 60)", (org,))
    ids["spare_type"] = one("select tests.seed_session_type(%s, 'Spare type', 45)", (org,))
    conn.execute("select tests.seed_weekly_hours(%s, %s)", (org, ids["provider"]))
    ids["package"] = one("select tests.seed_package(%s, 'Ten', 10)", (org,))
    ids["spare_package"] = one("select tests.seed_package(%s, 'Spare pack', 3)", (org,))
    ids["subscription"] = one("select tests.seed_subscription(%s, %s, 10)", (org, ids["client"]))
    ids["spare_subscription"] = one(
        "select tests.seed_subscription(%s, %s, 3, 'paused')", (org, ids["spare_client"])
    )
    ids["workshop"] = one(
        "select tests.seed_group_session(%s, tests.slot(2, '18:00'), 10)", (ids["workshop_service"],)
    )
    ids["spare_session"] = one(
        "select tests.seed_group_session(%s, tests.slot(3, '18:00'), 10)", (ids["workshop_service"],)
    )
    ids["booking"] = one(
        "select tests.seed_booking(%s, %s, tests.slot(0, '09:00'))", (ids["service"], ids["client"])
    )
    ids["booking2"] = one(
        "select tests.seed_booking(%s, %s, tests.slot(1, '09:00'))", (ids["service"], ids["client"])
    )
    ids["pending"] = one(
        "select tests.seed_booking(%s, %s, tests.slot(1, '11:00'), null, 'pending')",
        (ids["service"], ids["client"]),
    )
    ids["series"] = one(
        "select tests.seed_series(%s, %s, %s, %s, 'weekly', tests.next_weekday(3, 21))",
        (org, f"{slug}_client", f"{slug}_provider", ids["service"]),
    )
    conn.execute(
        "select public.skip_recurring_occurrence(%s, tests.next_weekday(3, 21) + 7)", (ids["series"],)
    )
    ids["series_exception"] = one(
        "select id from public.recurring_booking_exceptions where recurring_booking_id = %s", (ids["series"],)
    )
    ids["rule"] = one(
        "select id from public.availability_rules where provider_id = %s limit 1", (ids["provider"],)
    )
    ids["exception"] = one(
        "insert into public.specialist_availability_exceptions (organization_id, specialist_id, "
        "exception_date, reason)"
        " values (%s, %s, tests.slot(8, '00:00')::date, 'vacation') returning id",
        (org, ids["provider"]),
    )
    ids["note"] = one(
        "insert into public.session_notes (booking_id, notes) values (%s, 'Went well') returning id",
        (ids["booking"],),
    )
    ids["recording"] = one(
        "insert into public.meeting_recordings (booking_id, storage_path, file_format)"
        " values (%s, 'sessions/b.mp4', 'mp4') returning id",
        (ids["booking"],),
    )
    cancelled = one(
        "select tests.seed_booking(%s, %s, tests.slot(6, '09:00'))", (ids["service"], ids["client2"])
    )
    ids["cancellation"] = one(
        "insert into public.booking_cancellations (booking_id, reason) values (%s, 'Moved away') "
        "returning id",
        (cancelled,),
    )
    ids["webhook"] = one(
        "select (public.create_webhook_subscription(%s, 'https://hooks.example/in')"
        " -> 'subscription' ->> 'id')::uuid",
        (org,),
    )
    event = one("select private.emit_event(%s, 'booking.created', '{}')", (org,))
    conn.execute("select public.record_webhook_attempt(%s, %s, 1, 503)", (ids["webhook"], event))
    ids["webhook_delivery"] = one(
        "select id from public.webhook_deliveries where subscription_id = %s", (ids["webhook"],)
    )
    ids["closure"] = one(
        "insert into public.organization_closures (organization_id, starts_at, ends_at, reason)"
        " values (%s, tests.slot(10, '00:00'), tests.slot(11, '00:00'), 'Holiday') returning id",
        (org,),
    )
    ids["full_workshop"] = one(
        "select tests.seed_group_session(%s, tests.slot(4, '18:00'), 1)", (ids["workshop_service"],)
    )
    conn.execute("select private.join_service_session(%s, %s)", (ids["full_workshop"], ids["client2"]))
    ids["waitlist_entry"] = one(
        "select (public.join_waitlist(%s, p_client_id => %s) ->> 'entry_id')::uuid",
        (ids["full_workshop"], ids["client"]),
    )
    return ids


def attempt(conn: psycopg.Connection, role: str, world: dict[str, Any], sql: str) -> str:
    """Run one write as `role` in a transaction that is rolled back; its outcome as in MATRIX."""
    try:
        with conn.transaction(force_rollback=True):
            if role == "service_role":
                become(conn, role="service_role")
            elif role == "anon":
                become(conn)
            else:
                become(conn, world[role])
            cursor = conn.execute(sql, world)
            return "ok" if cursor.rowcount > 0 else "0"
    except psycopg.Error as error:
        return str(error.sqlstate)


@pytest.fixture(scope="module")
def request_conn(db_url: str) -> Iterator[psycopg.Connection]:
    with psycopg.connect(db_url, autocommit=True) as conn:
        yield conn


@pytest.mark.parametrize(("table", "operation", "role", "expected"), CASES)
def test_write_matrix(
    request_conn: psycopg.Connection,
    world: dict[str, Any],
    table: str,
    operation: str,
    role: str,
    expected: str,
) -> None:
    sql, _ = MATRIX[table][operation]
    assert attempt(request_conn, role, world, sql) == expected


def test_the_matrix_covers_every_public_table(request_conn: psycopg.Connection) -> None:
    tables = {
        row[0]
        for row in request_conn.execute(
            "select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace"
            # partitioned tables count, their partitions (reached through them) do not
            " where n.nspname = 'public' and c.relkind in ('r', 'p') and not c.relispartition"
        ).fetchall()
    }
    assert tables == set(MATRIX)
