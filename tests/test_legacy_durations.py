"""Reading legacy packages.duration strings: the documented rules of the session_types backfill."""

from __future__ import annotations

import pytest

from sessionkit.backfill.durations import read_duration, type_name


@pytest.mark.parametrize(
    ("raw", "minutes"),
    [
        ("3h", 180),
        ("180 min", 180),
        ("90min", 90),
        ("1h30", 90),
        ("1 h 30 min", 90),
        ("1:30", 90),
        ("1.5 hours", 90),
        ("1,5 Std", 90),
        ("45m", 45),
        ("45 minutes", 45),
        ("2 hours", 120),
        ("60 minutes", 60),
        ("90", 90),  # a bare number above 24 can only be minutes
    ],
)
def test_lengths_are_read_in_minutes(raw: str, minutes: int) -> None:
    reading = read_duration(raw)
    assert (reading.outcome, reading.minutes) == ("parsed", minutes)


@pytest.mark.parametrize("raw", ["3", "12", "1-2h", "60 or 90 min", "45/60", "1 to 2 hours"])
def test_a_small_bare_number_or_a_range_is_ambiguous(raw: str) -> None:
    assert read_duration(raw).outcome == "ambiguous"


@pytest.mark.parametrize("raw", ["", "   ", "tbd", "varies", "1.33h"])
def test_anything_else_is_unparseable(raw: str) -> None:
    assert read_duration(raw).outcome == "unparseable"


@pytest.mark.parametrize("raw", ["0 min", "2000", "25h"])
def test_lengths_outside_a_day_are_out_of_range(raw: str) -> None:
    assert read_duration(raw).outcome == "out_of_range"


def test_3h_and_180_min_name_the_same_type() -> None:
    assert type_name(180) == "3 Hour Session"
    assert {
        type_name(m) for m in (read_duration("3h").minutes or 0, read_duration("180 min").minutes or 0)
    } == {"3 Hour Session"}
    assert type_name(90) == "90 Minute Session"
