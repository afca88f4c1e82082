"""Webhook signatures: `X-Sessionkit-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256>`.

The HMAC key is the subscription's secret (the whole `whsec_…` string, UTF-8) and the signed
message is `f"{t}.{body}"`: the timestamp, a dot and the exact request body bytes. A receiver
recomputes it, compares in constant time and refuses timestamps older than a few minutes (a
replayed request). Several `v1=` entries may appear (one per secret while rotating).
"""

from __future__ import annotations

import hashlib
import hmac
import time

SIGNATURE_HEADER = "X-Sessionkit-Signature"
DEFAULT_TOLERANCE_SECONDS = 300


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """Hex HMAC-SHA256 of `<timestamp>.<body>` keyed by the secret."""
    message = str(timestamp).encode() + b"." + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signature_header(secret: str, body: bytes, timestamp: int | None = None) -> str:
    """The value of X-Sessionkit-Signature for this body (now, unless a timestamp is given)."""
    t = int(time.time()) if timestamp is None else timestamp
    return f"t={t},v1={signature(secret, t, body)}"


def verify_signature(
    secret: str,
    header: str | None,
    body: bytes,
    tolerance_seconds: int = DEFAULT_TOLERANCE_SECONDS,
    now: float | None = None,
) -> bool:
    """True when the header carries a valid v1 signature of body, made within the tolerance."""
    if not header:
        return False
    timestamp: int | None = None
    candidates: list[str] = []
    for part in header.split(","):
        key, _, value = part.strip().partition("=")
        if key == "t" and value.isdigit():
            timestamp = int(value)
        elif key == "v1":
            candidates.append(value)
    if timestamp is None or not candidates:
        return False
    current = time.time() if now is None else now
    if abs(current - timestamp) > tolerance_seconds:
        return False
    expected = signature(secret, timestamp, body)
    return any(hmac.compare_digest(expected, candidate) for candidate in candidates)
