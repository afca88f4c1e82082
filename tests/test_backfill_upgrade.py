"""Issue 12 end to end: a legacy database upgraded with `db push` and the five backfills.

baseline -> generated legacy data -> push (stops at the first refusing guard) -> the backfills
written for the triggers present -> the operator resolves the conflicts as docs/backfills.md says
-> them again -> push succeeds -> the remaining backfills (this release's triggers live) ->
integrity_report all zeros. Two starting points: with duplicate active
subscriptions the push stops at 20261124020200, before the functions, the triggers and the
ledger exist; without them it stops at the first guard of issue 12, with the released triggers
live. The backfills must be right in both.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import psycopg
import pytest

from sessionkit.backfill.runner import Outcome
from sessionkit.config import Project
from sessionkit.testing.acting import acting_as
from tests.helpers import scalar
from tests.legacy import (
    fingerprints,
    legacy_copy,
    push,
    resolve_conflicts,
    resolve_credits,
    run,
    run_all,
    without_duplicate_subscriptions,
)


@dataclass
class Upgrade:
    url: str
    first_stop: str
    first_runs: dict[str, Outcome]
    final_runs: dict[str, Outcome]
    touched: set[str]
    before: dict[str, str]
    after: dict[str, str]
    counts_before: dict[str, int]


COUNTED = ("organizations", "services", "packages", "subscriptions", "bookings")


def table_counts(url: str) -> dict[str, int]:
    with psycopg.connect(url) as conn:
        return {t: int(scalar(conn, f"select count(*) from public.{t}")) for t in COUNTED}


@pytest.fixture(scope="module", params=["duplicate_subscriptions", "no_duplicates"])
def upgrade(
    request: pytest.FixtureRequest, project: Project, db_url: str, legacy_template: str
) -> Iterator[Upgrade]:
    with legacy_copy(db_url, legacy_template) as url:
        if request.param == "no_duplicates":
            without_duplicate_subscriptions(url)
        counts_before, before = table_counts(url), fingerprints(url)
        stop = push(project, url)
        assert stop is not None
        first = run_all(project, url, batch_size=200)  # those the triggers present allow
        touched = resolve_conflicts(url)
        final = run_all(project, url, batch_size=200)
        refused = push(project, url)
        assert refused is None, str(refused)
        later = run_all(project, url, batch_size=200)  # the push completed: the remaining ones too
        first |= {name: outcome for name, outcome in later.items() if name not in first}
        final |= later
        resolve_credits(url)
        final["cancellations"] = run(project, url, "cancellations", batch_size=200)
        yield Upgrade(url, str(stop), first, final, touched, before, fingerprints(url), counts_before)


def test_the_first_push_stops_at_a_guard_naming_the_backfill(upgrade: Upgrade) -> None:
    assert "BACKFILL_REQUIRED" in upgrade.first_stop
    assert "sessionkit backfill run" in upgrade.first_stop


def test_every_backfill_succeeds_and_verifies(upgrade: Upgrade) -> None:
    for name, outcome in upgrade.first_runs.items():
        assert outcome.status == "succeeded", name
        assert outcome.verification is not None and outcome.verification.passed, name


def test_the_legacy_mess_becomes_conflicts_not_guesses(upgrade: Upgrade) -> None:
    conflicts = {name: outcome.conflicts for name, outcome in upgrade.first_runs.items()}
    assert conflicts["session_types"] > 0  # "", "tbd", "3", "1-2h"
    assert conflicts["booking_kinds"] > 0  # "trial for a guest", free later sessions
    assert conflicts["service_sessions"] > 0  # the double-booked providers
    assert upgrade.touched, "the operator cancelled the later booking of each double-booked pair"


def test_integrity_report_is_all_zeros_after_the_upgrade(upgrade: Upgrade) -> None:
    with psycopg.connect(upgrade.url) as conn:
        report = scalar(conn, "select public.integrity_report()")
    violated = {i["name"]: i["violations"] for i in report["invariants"] if i["violations"]}
    assert violated == {}


def test_the_contract_holds_after_the_push(upgrade: Upgrade) -> None:
    with psycopg.connect(upgrade.url) as conn:
        nullable = conn.execute(
            """select table_name || '.' || column_name, is_nullable from information_schema.columns
               where table_schema = 'public'
                 and (table_name, column_name) in (('bookings', 'service_session_id'),
                                                   ('service_sessions', 'kind'), ('service_sessions',
                                                     'visibility'))"""
        ).fetchall()
        duration = scalar(
            conn,
            """select count(*) from information_schema.columns
               where table_schema = 'public' and table_name = 'packages' and column_name = 'duration'""",
        )
        readings = scalar(conn, "select count(*) from ops.legacy_package_durations")
        unique_index = scalar(
            conn, "select to_regclass('public.subscriptions_one_active_per_client') is not null"
        )
    assert sorted(nullable) == [
        ("bookings.service_session_id", "NO"),
        ("service_sessions.kind", "NO"),
        ("service_sessions.visibility", "NO"),
    ]
    assert duration == 0
    assert readings > 0, "the durations' readings outlive the column"
    assert unique_index


def test_legacy_bookings_keep_client_provider_time_and_status(upgrade: Upgrade) -> None:
    """Except the double-bookings the operator cancelled, nothing a user sees of a booking moved."""
    kept = {k: v for k, v in upgrade.before.items() if k not in upgrade.touched}
    assert {k: v for k, v in upgrade.after.items() if k in kept} == kept
    assert set(upgrade.after) == set(upgrade.before)
    assert table_counts(upgrade.url)["bookings"] == upgrade.counts_before["bookings"]
    for table in ("organizations", "packages", "subscriptions"):
        assert table_counts(upgrade.url)[table] == upgrade.counts_before[table]


def test_running_finished_backfills_again_changes_nothing(project: Project, upgrade: Upgrade) -> None:
    for name, outcome in run_all(project, upgrade.url).items():
        assert outcome.status == "succeeded"
        assert sum(outcome.changes.values()) == 0, (name, outcome.changes)


def test_a_legacy_client_books_a_workshop_through_the_rpc(upgrade: Upgrade) -> None:
    with psycopg.connect(upgrade.url, autocommit=True) as conn:
        row = conn.execute(
            """select ss.id, m.user_id from public.service_sessions ss
               join public.organization_members m on m.organization_id = ss.organization_id
                 and m.role = 'client'
               where ss.kind in ('workshop', 'course_session') and ss.status = 'scheduled'
                 and ss.starts_at > now() + interval '1 day' and ss.current_participants < ss.max_participants
                 and not exists (select 1 from public.bookings b where b.service_session_id = ss.id
                   and b.client_id = m.user_id)
                 and not exists (select 1 from public.subscriptions s where s.client_id = m.user_id
                   and s.status = 'active')
               order by ss.id, m.user_id limit 1"""
        ).fetchone()
        assert row is not None
        session_id, client_id = row
        before = scalar(
            conn, "select current_participants from public.service_sessions where id = %s", (session_id,)
        )
        with acting_as(conn, user_id=client_id) as c:
            booking = c.execute(
                "select id, status, service_session_id from public.book_session(%s)", (session_id,)
            ).fetchone()
        assert booking is not None and booking[2] == session_id
        after = scalar(
            conn, "select current_participants from public.service_sessions where id = %s", (session_id,)
        )
    assert after == before + 1


def test_a_legacy_client_books_a_1_to_1_session_once_the_provider_has_hours(upgrade: Upgrade) -> None:
    with psycopg.connect(upgrade.url, autocommit=True) as conn:
        row = conn.execute(
            """select sv.id, p.user_id, c.user_id, sv.organization_id from public.services sv
               join public.organization_members p on p.organization_id = sv.organization_id
                 and p.role = 'provider'
               join public.organization_members c on c.organization_id = sv.organization_id
                 and c.role = 'client'
               where sv.capacity = 1 and sv.is_active and sv.price > 0 and sv.session_type_id is not null
                 and sv.provider_id is null
                 and not exists (select 1 from public.subscriptions s where s.client_id = c.user_id
                   and s.status = 'active')
               order by sv.id, p.user_id, c.user_id limit 1"""
        ).fetchone()
        assert row is not None, "a legacy service got its session type from the session_types backfill"
        service_id, provider_id, client_id, org = row
        # the legacy app had no working hours in the database: the provider adds them first
        conn.execute(
            """insert into public.availability_rules
                 (organization_id, provider_id, weekday, start_time, end_time)
               select %s, %s, d, '00:00', '24:00' from generate_series(0, 6) d""",
            (org, provider_id),
        )
        starts = scalar(conn, "select date_trunc('hour', now()) + interval '30 days 3 hours'")
        with acting_as(conn, user_id=client_id) as c:
            booking = c.execute(
                "select id, service_session_id, booking_kind from public.book_individual_session(%s, %s, %s)",
                (service_id, provider_id, starts),
            ).fetchone()
    assert booking is not None and booking[1] is not None and booking[2] == "regular"


def test_legacy_cancellations_are_recorded_as_history_not_cancelled_again(upgrade: Upgrade) -> None:
    with psycopg.connect(upgrade.url) as conn:
        recorded = scalar(
            conn, "select count(*) from public.booking_cancellations where cancellation_kind = 'legacy'"
        )
        announced = scalar(
            conn,
            """select count(*) from public.outbox_events e
               join public.booking_cancellations c on c.id::text = e.payload ->> 'cancellation_id'
               where c.cancellation_kind = 'legacy'""",
        )
        audited = scalar(
            conn,
            """select coalesce(sum(jsonb_array_length(new_values -> 'booking_ids')), 0) from public.audit_log
               where action = 'booking.legacy_cancellation_recorded'""",
        )
    assert recorded > 0
    assert announced == 0, "history notifies nobody"
    assert audited == recorded, "each record audited once, by the trigger"


def test_legacy_bookings_spend_their_credits_through_the_credit_trigger(upgrade: Upgrade) -> None:
    """With no triggers (first stop) or with this release's credit trigger re-checking each named
    credit (after the push): attached, and no subscription overdrawn."""
    assert upgrade.first_runs["subscription_links"].changes["bookings_attached"] > 0
    with psycopg.connect(upgrade.url) as conn:
        report = scalar(conn, "select public.integrity_report()")
    credits = {i["name"]: i["violations"] for i in report["invariants"]}
    assert credits["negative_remaining_credits"] == 0 and credits["subscription_balance_math"] == 0
