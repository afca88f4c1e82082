"""The outbox consumer RPCs, called as service_role (one transaction each, as PostgREST would)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

import psycopg

from sessionkit.testing.acting import acting_as


@dataclass(frozen=True)
class Event:
    id: int
    organization_id: UUID
    topic: str
    payload: dict[str, Any]
    created_at: datetime
    attempt: int

    def body(self) -> bytes:
        """The webhook request body: the event as compact JSON (keys sorted)."""
        document = {
            "id": self.id,
            "topic": self.topic,
            "organization_id": str(self.organization_id),
            "created_at": self.created_at.isoformat(),
            "payload": self.payload,
        }
        return json.dumps(document, separators=(",", ":"), sort_keys=True, default=str).encode()


@dataclass(frozen=True)
class Target:
    event_id: int
    subscription_id: UUID
    url: str
    secret: str


class ConsumerRpc:
    """claim / ack / fail / release for one consumer, plus the webhook helpers, on one connection."""

    def __init__(self, conn: psycopg.Connection, consumer: str) -> None:
        self.conn = conn
        self.consumer = consumer

    def _rows(self, sql: str, params: tuple[Any, ...]) -> list[tuple[Any, ...]]:
        with acting_as(self.conn, role="service_role") as c:
            return c.execute(sql, params).fetchall()

    def _value(self, sql: str, params: tuple[Any, ...]) -> Any:
        rows = self._rows(sql, params)
        return rows[0][0] if rows else None

    def configure(self, **settings: Any) -> dict[str, Any]:
        types = {
            "topics": "text[]",
            "max_attempts": "integer",
            "retry_base_seconds": "numeric",
            "retry_max_seconds": "numeric",
            "lease_seconds": "numeric",
        }
        unknown = set(settings) - set(types)
        if unknown:
            raise ValueError(f"unknown consumer settings: {sorted(unknown)}")
        args = ", ".join(f"p_{name} => %s::{sql_type}" for name, sql_type in types.items())
        params = (self.consumer, *(settings.get(name) for name in types))
        return dict(self._value(f"select public.configure_outbox_consumer(%s, {args})", params))

    def claim(self, limit: int, topics: list[str] | None = None) -> list[Event]:
        rows = self._rows(
            "select event_id, organization_id, topic, payload, created_at, attempt"
            " from public.claim_outbox_events(%s, %s, %s)",
            (self.consumer, limit, topics),
        )
        return [Event(*row) for row in rows]

    def ack(self, event_ids: list[int]) -> int:
        return int(self._value("select public.ack_outbox_events(%s, %s)", (self.consumer, event_ids)))

    def fail(self, event_id: int, error: str) -> dict[str, Any]:
        return dict(
            self._value("select public.fail_outbox_event(%s, %s, %s)", (self.consumer, event_id, error))
        )

    def release(self, event_ids: list[int]) -> int:
        return int(self._value("select public.release_outbox_events(%s, %s)", (self.consumer, event_ids)))

    def webhook_targets(self, event_ids: list[int]) -> dict[int, list[Target]]:
        rows = self._rows(
            "select event_id, subscription_id, url, secret from public.webhook_targets(%s)", (event_ids,)
        )
        targets: dict[int, list[Target]] = {}
        for row in rows:
            target = Target(*row)
            targets.setdefault(target.event_id, []).append(target)
        return targets

    def record_attempt(
        self,
        target: Target,
        attempt: int,
        status_code: int | None,
        error: str | None,
        duration_ms: int,
    ) -> bool:
        return bool(
            self._value(
                "select public.record_webhook_attempt(%s, %s, %s, %s, %s, %s)",
                (target.subscription_id, target.event_id, attempt, status_code, error, duration_ms),
            )
        )
