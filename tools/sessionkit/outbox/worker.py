"""The outbox worker: claim a batch, deliver each event to its webhooks, ack or fail it.

Delivery guarantees (with the database's consumer protocol, functions/outbox/):
  * at least once: an event is acked only after every webhook it is due to answered 2xx; a
    worker that dies keeps its claimed events only for the consumer's lease;
  * once per endpoint that acks: each 2xx is recorded (webhook_deliveries) before the event
    is acked, and a retried event skips the endpoints that already have it;
  * clean stop (stop(), wired to SIGTERM/SIGINT by the CLI): the event being delivered is
    finished and acked or failed, the rest of the batch is released untried, at once
    claimable by another worker.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field

import httpx
import psycopg

from sessionkit.outbox.delivery import post_event
from sessionkit.outbox.rpc import ConsumerRpc, Event, Target


@dataclass(frozen=True)
class WorkerSettings:
    consumer: str = "webhooks"
    batch_size: int = 20
    poll_seconds: float = 1.0
    timeout_seconds: float = 10.0
    allow_private_targets: bool = False


@dataclass
class WorkerStats:
    batches: int = 0
    claimed: int = 0
    acked: int = 0
    retrying: int = 0
    dead: int = 0
    released: int = 0
    requests: int = 0
    failed_requests: int = 0
    last: str = field(default="waiting for events")


Progress = Callable[[WorkerStats], None]


class OutboxWorker:
    def __init__(
        self,
        conn: psycopg.Connection,
        settings: WorkerSettings,
        client: httpx.Client,
        on_progress: Progress | None = None,
    ) -> None:
        self.rpc = ConsumerRpc(conn, settings.consumer)
        self.settings = settings
        self.client = client
        self.on_progress = on_progress
        self.stats = WorkerStats()
        self._stop = threading.Event()

    def stop(self) -> None:
        """Finish the event in hand, release the rest of the batch, then return from run()."""
        self._stop.set()

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    def run(self, once: bool = False) -> WorkerStats:
        """Deliver until stopped; with once, until nothing is due any more."""
        while not self.stopping:
            if self.process_batch() == 0:
                if once:
                    break
                self._stop.wait(self.settings.poll_seconds)
        return self.stats

    def process_batch(self) -> int:
        """Claim, deliver, settle one batch; returns how many events were claimed."""
        events = self.rpc.claim(self.settings.batch_size)
        if not events:
            return 0
        self.stats.batches += 1
        self.stats.claimed += len(events)
        targets = self.rpc.webhook_targets([e.id for e in events])
        for index, event in enumerate(events):
            if self.stopping:
                self.stats.released += self.rpc.release([e.id for e in events[index:]])
                self._report(f"stopping: released {len(events) - index} untried event(s)")
                break
            self.deliver(event, targets.get(event.id, []))
        return len(events)

    def deliver(self, event: Event, targets: list[Target]) -> None:
        """Every due webhook of the event, then ack (all 2xx) or fail (any other outcome)."""
        failures: list[str] = []
        for target in targets:
            outcome = post_event(self.client, event, target, self.settings.allow_private_targets)
            self.stats.requests += 1
            self.rpc.record_attempt(
                target, event.attempt, outcome.status_code, outcome.error, outcome.duration_ms
            )
            if not outcome.ok:
                self.stats.failed_requests += 1
                failures.append(f"{target.url}: {outcome.error}")
        if not failures:
            self.rpc.ack([event.id])
            self.stats.acked += 1
            self._report(f"delivered {event.topic} #{event.id} to {len(targets)} webhook(s)")
            return
        result = self.rpc.fail(event.id, "; ".join(failures))
        if result.get("status") == "dead":
            self.stats.dead += 1
            self._report(f"dead letter: {event.topic} #{event.id} after {event.attempt} attempt(s)")
        else:
            self.stats.retrying += 1
            self._report(f"retry later: {event.topic} #{event.id} (attempt {event.attempt} failed)")

    def _report(self, message: str) -> None:
        self.stats.last = message
        if self.on_progress is not None:
            self.on_progress(self.stats)
