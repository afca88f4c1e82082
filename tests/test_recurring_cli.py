"""`sessionkit recurring dispatch`: the library function operators' catch-up runs go through."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from datetime import date, timedelta

import psycopg
import pytest
from typer.testing import CliRunner

from sessionkit.errors import SessionkitError
from sessionkit.recurring.cli import dispatch, dispatch_command


@pytest.fixture
def series_org(conn: psycopg.Connection) -> Iterator[tuple[uuid.UUID, list[uuid.UUID]]]:
    """An organization with three weekly series starting the day after tomorrow (deleted afterwards)."""
    slug = f"rc-{uuid.uuid4().hex[:10]}"
    org = conn.execute("select tests.seed_org(%s, 'Europe/Berlin')", (slug,)).fetchone()[0]  # type: ignore[index]
    conn.execute("select tests.seed_weekly_hours(%s, tests.uid(%s))", (org, f"{slug}_provider"))
    service = conn.execute("select tests.seed_bookable_service(%s, 'Weekly', 30)", (org,)).fetchone()[0]  # type: ignore[index]
    series = []
    for i in range(3):
        conn.execute("select tests.add_member(%s, %s, 'client')", (slug, f"{slug}_c{i}"))
        row = conn.execute(
            "select tests.seed_series(%s, %s, %s, %s, 'weekly', current_date + 2,"
            " time '09:00' + make_interval(hours => %s))",
            (org, f"{slug}_c{i}", f"{slug}_provider", service, i),
        ).fetchone()
        series.append(row[0])  # type: ignore[index]
    yield org, series
    conn.execute("delete from public.organizations where id = %s", (org,))


def booked(conn: psycopg.Connection, org: uuid.UUID) -> int:
    row = conn.execute(
        "select count(*) from public.bookings"
        " where organization_id = %s and recurring_booking_id is not null",
        (org,),
    ).fetchone()
    return int(row[0]) if row else 0


def test_dispatch_books_every_occurrence_due_by_the_date_once(
    db_url: str, conn: psycopg.Connection, series_org: tuple[uuid.UUID, list[uuid.UUID]], server_today: date
) -> None:
    org, series = series_org
    result = dispatch(db_url, server_today + timedelta(days=9))  # occurrences on days 2 and 9
    assert result["success"] is True
    assert booked(conn, org) == 6
    assert {e["recurring_id"] for e in result["errors"]}.isdisjoint({str(s) for s in series})
    again = dispatch(db_url, server_today + timedelta(days=9))
    assert booked(conn, org) == 6
    assert not set(map(str, again["bookings"])) & set(map(str, result["bookings"]))


def test_dispatch_in_shards_merges_the_summaries(
    db_url: str, conn: psycopg.Connection, series_org: tuple[uuid.UUID, list[uuid.UUID]], server_today: date
) -> None:
    org, _ = series_org
    result = dispatch(db_url, server_today + timedelta(days=2), shards=3)
    assert result["shards"] == 3
    assert booked(conn, org) == 3
    assert result["count"] == len(result["bookings"]) >= 3


def test_dispatch_refuses_a_date_too_far_ahead(db_url: str, server_today: date) -> None:
    with pytest.raises(psycopg.Error) as caught:
        dispatch(db_url, server_today + timedelta(days=800))
    assert caught.value.diag.message_primary == "INVALID_REQUEST"
    with pytest.raises(SessionkitError):
        dispatch(db_url, server_today, shards=0)


def test_the_command_prints_json(
    db_url: str, series_org: tuple[uuid.UUID, list[uuid.UUID]], server_today: date
) -> None:
    import typer

    app = typer.Typer()
    app.command()(dispatch_command)
    day = (server_today + timedelta(days=2)).isoformat()
    outcome = CliRunner().invoke(app, ["--date", day, "--db-url", db_url, "--json"])
    assert outcome.exit_code == 0, outcome.output
    summary = json.loads(outcome.output)
    assert summary["run_date"] == day
    assert summary["count"] >= 3


def test_the_command_defaults_to_the_servers_today(
    db_url: str, series_org: tuple[uuid.UUID, list[uuid.UUID]], server_today: date
) -> None:
    """Today is the database's (its clock may be moved, its date may differ from this machine's)."""
    import typer

    app = typer.Typer()
    app.command()(dispatch_command)
    outcome = CliRunner().invoke(app, ["--db-url", db_url, "--json"])
    assert outcome.exit_code == 0, outcome.output
    assert json.loads(outcome.output)["run_date"] == server_today.isoformat()
