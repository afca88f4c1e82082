"""The local server's clock: run Postgres "as if now were" another moment, under libfaketime.

A fake clock is an offset from real time (`--clock +3d`, or a moment such as
`--clock 2027-03-27T12:00` turned into the offset that reaches it now). The server runs under
libfaketime (`LD_PRELOAD`, `FAKETIME=<offset in seconds>`), so `now()`, `current_date` and
`clock_timestamp()` of every process move, and time keeps flowing from there. A small library
preloaded first (faketime_waits.c, built here with the C compiler) keeps libfaketime out of
Postgres' waits, where it would show signal handlers the real time (background workers on real
time, timeouts that never fire). The offset is recorded in `.sessionkit/clock.json` so that a
restart (`db reset` restarts the cluster) keeps it; `db start` without `--clock` removes it.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from importlib.resources import files
from pathlib import Path

from sessionkit.errors import SessionkitError

LIBFAKETIME_GLOBS = ("/usr/lib/*/faketime/libfaketime.so.1", "/usr/lib/faketime/libfaketime.so.1")
RELATIVE = re.compile(r"^(?P<sign>[+-])(?P<amount>\d+)(?P<unit>[dhm])$")
UNITS = {"d": "days", "h": "hours", "m": "minutes"}
# A server whose clock differs from this machine's by more than this runs a fake clock.
SKEW_TOLERANCE = timedelta(seconds=5)


@dataclass(frozen=True)
class Clock:
    """A fake clock: the server's time is real time + offset."""

    requested: str
    offset: timedelta

    @property
    def faketime(self) -> str:
        """libfaketime's relative format: signed seconds."""
        return f"{self.offset.total_seconds():+.6f}"

    def to_json(self) -> str:
        return json.dumps({"requested": self.requested, "offset_seconds": self.offset.total_seconds()})

    @classmethod
    def from_json(cls, text: str) -> Clock:
        data = json.loads(text)
        return cls(requested=str(data["requested"]), offset=timedelta(seconds=float(data["offset_seconds"])))


def parse_clock(text: str, now: datetime | None = None) -> Clock:
    """`+3d`, `-12h`, `+90m`, or an ISO moment (`2027-03-27T12:00`, `2027-12-31T23:30Z`; UTC if naive)."""
    spec = text.strip()
    if match := RELATIVE.match(spec):
        amount = int(match["amount"]) * (-1 if match["sign"] == "-" else 1)
        return Clock(requested=spec, offset=timedelta(**{UNITS[match["unit"]]: amount}))
    try:
        moment = datetime.fromisoformat(spec)
    except ValueError:
        raise SessionkitError(
            f"--clock {text!r}: expected +Nd, -Nd, +Nh, +Nm or an ISO moment such as 2027-03-27T12:00"
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return Clock(requested=spec, offset=moment - (now or datetime.now(UTC)))


def libfaketime() -> Path:
    """The preload library of Debian's `faketime` package."""
    for pattern in LIBFAKETIME_GLOBS:
        found = sorted(Path("/").glob(pattern.lstrip("/")))
        if found:
            return found[0]
    raise SessionkitError("libfaketime is not installed: run `make setup` (Debian package faketime)")


def wait_shim(state_dir: Path) -> Path:
    """faketime_waits.c built into the state folder (once per version of the source)."""
    source = files("sessionkit.db").joinpath("faketime_waits.c").read_bytes()
    library = state_dir / f"faketime-waits-{hashlib.sha256(source).hexdigest()[:12]}.so"
    if library.is_file():
        return library
    compiler = shutil.which("cc") or shutil.which("gcc")
    if compiler is None:
        raise SessionkitError(
            "a fake clock needs a C compiler for its preload library: install gcc (make setup)"
        )
    state_dir.mkdir(parents=True, exist_ok=True)
    # built in a folder of its own and renamed into place: clusters started at once (the
    # calendar matrix) each build it without touching another's files or loading a half-written one
    with tempfile.TemporaryDirectory(dir=state_dir) as scratch:
        source_file = Path(scratch) / "faketime_waits.c"
        source_file.write_bytes(source)
        built_library = Path(scratch) / library.name
        built = subprocess.run(
            [compiler, "-shared", "-fPIC", "-O2", "-o", str(built_library), str(source_file)],
            capture_output=True,
            text=True,
        )
        if built.returncode != 0:
            reason = (built.stderr.strip().splitlines() or [f"exit {built.returncode}"])[-1]
            raise SessionkitError(f"building {library.name} failed: {reason}")
        built_library.chmod(0o755)  # the cluster's owner loads it
        os.replace(built_library, library)
    return library


def faketime_env(clock: Clock, shim: Path) -> list[str]:
    """`NAME=value` assignments that start a program under the clock (for `env`).

    The wait shim comes first, so Postgres' waits bypass libfaketime's. The monotonic clock
    stays real: Postgres times waits and durations with it, and a negative offset would
    otherwise take it below zero.
    """
    return [
        f"LD_PRELOAD={shim} {libfaketime()}",
        f"FAKETIME={clock.faketime}",
        "FAKETIME_DONT_FAKE_MONOTONIC=1",
    ]


def read_clock(path: Path) -> Clock | None:
    if not path.is_file():
        return None
    try:
        return Clock.from_json(path.read_text())
    except (ValueError, KeyError) as exc:
        raise SessionkitError(f"{path}: unreadable clock record ({exc}); run `db start`") from exc


def write_clock(path: Path, clock: Clock | None) -> None:
    if clock is None:
        path.unlink(missing_ok=True)
    else:
        path.write_text(clock.to_json() + "\n")


def describe_offset(offset: timedelta) -> str:
    """`+119d 21:56:05` / `-3d 00:00:00`: an offset the way people read it."""
    sign = "-" if offset < timedelta(0) else "+"
    seconds = round(abs(offset.total_seconds()))
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{sign}{days}d {hours:02}:{minutes:02}:{seconds:02}"


def is_fake(offset: timedelta) -> bool:
    return abs(offset) > SKEW_TOLERANCE


def describe_clock(server_time: datetime, offset: timedelta, recorded: Clock | None) -> str:
    """One line for `db status`: the server's time, and whether and how it is fake."""
    shown = server_time.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    if not is_fake(offset):
        return f"{shown} (real time)"
    origin = f"db start --clock {recorded.requested}" if recorded else "not set by sessionkit"
    return f"{shown} (fake: real time {describe_offset(offset)}; {origin})"
