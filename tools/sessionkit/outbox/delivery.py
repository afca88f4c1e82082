"""POST one event to one webhook endpoint: signed, with a timeout, no redirects followed."""

from __future__ import annotations

import ipaddress
import socket
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx

from sessionkit import __version__
from sessionkit.outbox.rpc import Event, Target
from sessionkit.outbox.signing import SIGNATURE_HEADER, signature_header

USER_AGENT = f"sessionkit-outbox/{__version__}"


@dataclass(frozen=True)
class Outcome:
    """What one HTTP attempt came to: a status code, or an error without one."""

    status_code: int | None
    error: str | None
    duration_ms: int

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code <= 299


def private_address_reason(url: str) -> str | None:
    """Why the URL must not be called from the backend (it resolves to a private address), or None."""
    host = urlsplit(url).hostname
    if host is None:
        return "the URL has no host"
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except socket.gaierror as exc:
        return f"cannot resolve {host}: {exc.strerror}"
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if not address.is_global:
            return f"{host} resolves to the non-public address {address}"
    return None


def request_headers(event: Event, body: bytes, secret: str) -> dict[str, str]:
    return {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "X-Sessionkit-Event-Id": str(event.id),
        "X-Sessionkit-Topic": event.topic,
        "X-Sessionkit-Attempt": str(event.attempt),
        SIGNATURE_HEADER: signature_header(secret, body),
    }


def post_event(client: httpx.Client, event: Event, target: Target, allow_private_targets: bool) -> Outcome:
    """Deliver the event to the target once; never raises for network or HTTP failures."""
    started = time.monotonic()

    def elapsed() -> int:
        return int((time.monotonic() - started) * 1000)

    if not allow_private_targets and (reason := private_address_reason(target.url)):
        return Outcome(None, f"refused: {reason}", elapsed())
    body = event.body()
    try:
        response = client.post(target.url, content=body, headers=request_headers(event, body, target.secret))
    except httpx.TimeoutException:
        return Outcome(None, "timed out", elapsed())
    except httpx.HTTPError as exc:
        return Outcome(None, f"{type(exc).__name__}: {exc}"[:500], elapsed())
    error = (
        None if 200 <= response.status_code <= 299 else f"HTTP {response.status_code}: {response.text[:200]}"
    )
    return Outcome(response.status_code, error, elapsed())
