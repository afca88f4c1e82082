"""Connections to the target database."""

from __future__ import annotations

import psycopg

from sessionkit.config import redact
from sessionkit.errors import SessionkitError


def connect(url: str, autocommit: bool = True) -> psycopg.Connection:
    try:
        return psycopg.connect(url, autocommit=autocommit, connect_timeout=10)
    except psycopg.OperationalError as exc:
        reason = str(exc).strip().splitlines()[-1] if str(exc).strip() else "connection refused"
        raise SessionkitError(f"cannot connect to {redact(url)}: {reason}") from exc
