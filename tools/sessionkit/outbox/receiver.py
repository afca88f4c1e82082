"""A local webhook receiver (127.0.0.1) for tests and the demo: verifies signatures, records what
it got, answers with a status chosen per request (e.g. fail twice, then succeed)."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

from sessionkit.outbox.signing import SIGNATURE_HEADER, verify_signature

# (event id, how many times this event has now arrived) -> HTTP status to answer
Responder = Callable[[int, int], int]


@dataclass(frozen=True)
class Received:
    event_id: int
    topic: str
    attempt: int
    body: dict[str, Any]
    signature_valid: bool
    status: int


class WebhookReceiver:
    """`with WebhookReceiver(secret) as receiver:` serves on receiver.url until the block ends."""

    def __init__(
        self,
        secret: str | None = None,
        respond: Responder | None = None,
        delay_seconds: float = 0.0,
        port: int = 0,
    ) -> None:
        self.secret = secret
        self.respond: Responder = respond or (lambda event_id, seen: 200)
        self.delay_seconds = delay_seconds
        self.received: list[Received] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", port), self._handler_class())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/hooks"

    def __enter__(self) -> WebhookReceiver:
        self._thread.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._server.shutdown()
        self._server.server_close()

    def event_ids(self, status_class: int | None = 2) -> list[int]:
        """Event ids received (by default: those answered 2xx), in arrival order."""
        with self._lock:
            return [
                r.event_id for r in self.received if status_class is None or r.status // 100 == status_class
            ]

    def _record(self, headers: Any, raw: bytes) -> int:
        event_id = int(headers.get("X-Sessionkit-Event-Id", "0"))
        valid = self.secret is not None and verify_signature(self.secret, headers.get(SIGNATURE_HEADER), raw)
        with self._lock:
            seen = 1 + sum(1 for r in self.received if r.event_id == event_id)
            status = self.respond(event_id, seen) if valid else 401
            self.received.append(
                Received(
                    event_id,
                    headers.get("X-Sessionkit-Topic", ""),
                    int(headers.get("X-Sessionkit-Attempt", "0")),
                    json.loads(raw or b"{}"),
                    valid,
                    status,
                )
            )
        return status

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                if receiver.delay_seconds:
                    time.sleep(receiver.delay_seconds)
                status = receiver._record(self.headers, raw)
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                return

        return Handler
