"""Reading legacy `packages.duration` strings ("3h", "180 min", "1h30", "1.5 hours"…).

The documented rules (docs/backfills.md, session_types):
  * hours: "3h", "2 hours", "1.5 hours", "1,5 Std"            -> 60 x hours
  * minutes: "45m", "90min", "180 min", "45 minutes"          -> minutes
  * hours and minutes: "1h30", "1 h 30 min", "1:30"           -> 60 x h + m
  * a bare number: above 24 it can only be minutes ("90"); 24 or less could be hours or
    minutes ("3"), which is ambiguous
  * ranges and alternatives ("1-2h", "60 or 90 min", "45/60") are ambiguous
  * anything else ("", "tbd", "varies") is unparseable; so is a length that is not a whole
    number of minutes, and one outside 1..1440 minutes is out of range.
Ambiguous, unparseable and out-of-range values become conflicts; nothing is guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

HOURS = r"(?:h|hr|hrs|hour|hours|std\.?|stunde|stunden)"
MINUTES = r"(?:m|min|mins|minute|minutes|minuten|')"
NUMBER = r"(\d+(?:\.\d+)?)"

HOURS_ONLY = re.compile(rf"^{NUMBER}\s*{HOURS}$")
MINUTES_ONLY = re.compile(rf"^(\d+)\s*{MINUTES}$")
HOURS_AND_MINUTES = re.compile(rf"^(\d+)\s*{HOURS}\s*(\d{{1,2}})\s*{MINUTES}?$")
CLOCK = re.compile(rf"^(\d+):([0-5]\d)\s*{HOURS}?$")
BARE = re.compile(rf"^{NUMBER}$")
ALTERNATIVES = re.compile(r"\d\s*(?:-|\u2013|/|\bor\b|\boder\b|\bto\b|\bbis\b)\s*\d")

MAX_MINUTES = 1440


@dataclass(frozen=True)
class Reading:
    outcome: str  # parsed | ambiguous | unparseable | out_of_range
    minutes: int | None
    reason: str


def _minutes(value: Decimal, raw: str) -> Reading:
    if value != value.to_integral_value():
        return Reading("unparseable", None, f"{raw!r} is not a whole number of minutes")
    minutes = int(value)
    if not 1 <= minutes <= MAX_MINUTES:
        return Reading("out_of_range", minutes, f"{raw!r} is {minutes} minutes, outside 1..{MAX_MINUTES}")
    return Reading("parsed", minutes, f"{raw!r} = {minutes} minutes")


def read_duration(raw: str) -> Reading:
    text = re.sub(r"\s+", " ", raw.strip().lower().replace(",", "."))
    if not text:
        return Reading("unparseable", None, "empty duration")
    if ALTERNATIVES.search(text):
        return Reading("ambiguous", None, f"{raw!r} names a range or alternatives, not one length")
    try:
        if match := HOURS_ONLY.match(text):
            return _minutes(Decimal(match[1]) * 60, raw)
        if match := MINUTES_ONLY.match(text):
            return _minutes(Decimal(match[1]), raw)
        if match := HOURS_AND_MINUTES.match(text) or CLOCK.match(text):
            return _minutes(Decimal(match[1]) * 60 + Decimal(match[2]), raw)
        if match := BARE.match(text):
            value = Decimal(match[1])
            if value <= 24:
                return Reading("ambiguous", None, f"{raw!r} has no unit: {value} hours or {value} minutes?")
            return _minutes(value, raw)
    except InvalidOperation:
        pass
    return Reading("unparseable", None, f"{raw!r} is not a duration")


def type_name(minutes: int) -> str:
    """The canonical session type name, as private.session_type_default_name() gives it."""
    if minutes % 60 == 0:
        return f"{minutes // 60} Hour Session"
    return f"{minutes} Minute Session"
