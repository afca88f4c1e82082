"""Webhook delivery end to end (issue 15): the database's consumer protocol, the worker, and a real
HTTP receiver on 127.0.0.1 (an ephemeral port). Every test uses its own organization, webhook
subscription and outbox consumer (registered before its events are written: a consumer sees the
events written from its registration on), and deletes them afterwards.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest

from sessionkit.outbox.receiver import WebhookReceiver
from sessionkit.outbox.rpc import ConsumerRpc
from sessionkit.outbox.signing import signature_header, verify_signature
from sessionkit.outbox.worker import OutboxWorker, WorkerSettings
from sessionkit.testing.acting import acting_as

from .helpers import scalar

FAST_RETRIES = {"max_attempts": 3, "retry_base_seconds": 0.02, "retry_max_seconds": 0.05}


@dataclass
class Hooked:
    """An organization with one webhook subscription, and an outbox consumer of its own."""

    org: uuid.UUID
    subscription: uuid.UUID
    secret: str
    consumer: str


@pytest.fixture
def hooked(conn: psycopg.Connection, db_url: str) -> Iterator[Callable[..., Hooked]]:
    """hooked(url, topics=['*'], **consumer_settings): subscription to url + a fresh consumer."""
    made: list[Hooked] = []

    def factory(url: str, topics: list[str] | None = None, **settings: Any) -> Hooked:
        slug = f"wh-{uuid.uuid4().hex[:10]}"
        org = scalar(conn, "select tests.seed_org(%s)", (slug,))
        with (
            psycopg.connect(db_url, autocommit=True) as owner,
            acting_as(owner, user_id=scalar(conn, "select tests.uid(%s)", (f"{slug}_owner",))) as tx,
        ):
            created = scalar(
                tx, "select public.create_webhook_subscription(%s, %s, %s)", (org, url, topics or ["*"])
            )
        consumer = f"test-{uuid.uuid4().hex[:10]}"
        ConsumerRpc(conn, consumer).configure(**(FAST_RETRIES | settings))
        hooked = Hooked(org, uuid.UUID(created["subscription"]["id"]), created["secret"], consumer)
        made.append(hooked)
        return hooked

    yield factory
    for h in made:
        conn.execute("delete from public.organizations where id = %s", (h.org,))
        conn.execute("delete from ops.outbox_consumers where consumer = %s", (h.consumer,))


def emit(
    conn: psycopg.Connection, org: uuid.UUID, count: int = 1, topic: str = "booking.created"
) -> list[int]:
    """count committed outbox events of the organization; their ids."""
    return [
        scalar(
            conn, "select private.emit_event(%s, %s, %s)", (org, topic, psycopg.types.json.Jsonb({"n": n}))
        )
        for n in range(count)
    ]


def worker(db_url: str, consumer: str, batch_size: int = 20) -> OutboxWorker:
    conn = psycopg.connect(db_url, autocommit=True)
    settings = WorkerSettings(
        consumer, batch_size=batch_size, poll_seconds=0.02, timeout_seconds=5, allow_private_targets=True
    )
    return OutboxWorker(conn, settings, httpx.Client(timeout=5))


def delivery_states(conn: psycopg.Connection, consumer: str, ids: list[int]) -> dict[int, tuple[str, int]]:
    rows = conn.execute(
        "select event_id, status, attempts from ops.outbox_deliveries"
        " where consumer = %s and event_id = any(%s)",
        (consumer, ids),
    ).fetchall()
    return {row[0]: (row[1], row[2]) for row in rows}


def status_of(conn: psycopg.Connection, consumer: str, event_id: int) -> str | None:
    state = delivery_states(conn, consumer, [event_id]).get(event_id)
    return state[0] if state else None


def run_until(predicate: Callable[[], bool], work: Callable[[], Any], timeout: float = 20) -> None:
    """Call work() (a worker pass) until predicate() holds; retries are due after short backoffs."""
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        work()
        time.sleep(0.02)


def test_an_event_reaches_the_webhook_signed_and_is_acked(
    conn: psycopg.Connection, db_url: str, hooked
) -> None:
    with WebhookReceiver() as receiver:
        h = hooked(receiver.url)
        receiver.secret = h.secret
        [event_id] = emit(conn, h.org, topic="booking.cancelled")
        worker(db_url, h.consumer).run(once=True)

    [got] = receiver.received
    assert (got.event_id, got.topic, got.attempt, got.signature_valid, got.status) == (
        event_id,
        "booking.cancelled",
        1,
        True,
        200,
    )
    assert got.body["payload"] == {"n": 0} and got.body["organization_id"] == str(h.org)
    assert delivery_states(conn, h.consumer, [event_id]) == {event_id: ("delivered", 1)}
    assert conn.execute(
        "select status_code, succeeded from public.webhook_deliveries where subscription_id = %s",
        (h.subscription,),
    ).fetchall() == [(200, True)]


def test_the_signature_verifies_only_with_the_secret_the_body_and_a_fresh_timestamp() -> None:
    body = b'{"id":1}'
    header = signature_header("whsec_right", body)
    assert verify_signature("whsec_right", header, body)
    assert not verify_signature("whsec_wrong", header, body)
    assert not verify_signature("whsec_right", header, b'{"id":2}')
    assert not verify_signature(
        "whsec_right", signature_header("whsec_right", body, int(time.time()) - 3600), body
    )
    assert not verify_signature("whsec_right", None, body)


def test_a_receiver_with_another_secret_answers_401_and_the_event_is_retried(
    conn: psycopg.Connection, db_url: str, hooked
) -> None:
    with WebhookReceiver(secret="whsec_not_the_subscriptions") as receiver:
        h = hooked(receiver.url)
        [event_id] = emit(conn, h.org)
        worker(db_url, h.consumer).run(once=True)

    assert [(r.signature_valid, r.status) for r in receiver.received] == [(False, 401)]
    state = conn.execute(
        "select status, last_error from ops.outbox_deliveries where consumer = %s and event_id = %s",
        (h.consumer, event_id),
    ).fetchone()
    assert state is not None and state[0] == "pending" and "HTTP 401" in state[1]


def test_a_receiver_failing_twice_then_succeeding_gets_the_event_on_the_third_attempt(
    conn: psycopg.Connection, db_url: str, hooked
) -> None:
    with WebhookReceiver(respond=lambda event_id, seen: 503 if seen <= 2 else 200) as receiver:
        h = hooked(receiver.url)
        receiver.secret = h.secret
        [event_id] = emit(conn, h.org)
        w = worker(db_url, h.consumer)
        run_until(lambda: status_of(conn, h.consumer, event_id) == "delivered", lambda: w.run(once=True))

    assert [(r.attempt, r.status) for r in receiver.received] == [(1, 503), (2, 503), (3, 200)]
    assert delivery_states(conn, h.consumer, [event_id]) == {event_id: ("delivered", 3)}
    assert conn.execute(
        "select attempt, status_code, succeeded from public.webhook_deliveries"
        " where event_id = %s order by id",
        (event_id,),
    ).fetchall() == [(1, 503, False), (2, 503, False), (3, 200, True)]


def test_a_receiver_that_always_fails_dead_letters_the_event_after_the_cap(
    conn: psycopg.Connection, db_url: str, hooked
) -> None:
    with WebhookReceiver(respond=lambda event_id, seen: 500) as receiver:
        h = hooked(receiver.url)
        receiver.secret = h.secret
        [event_id] = emit(conn, h.org)
        w = worker(db_url, h.consumer)
        run_until(lambda: status_of(conn, h.consumer, event_id) == "dead", lambda: w.run(once=True))
        time.sleep(0.1)  # past the longest backoff: a dead letter is never claimed again
        w.run(once=True)

    assert [r.attempt for r in receiver.received] == [1, 2, 3]
    assert delivery_states(conn, h.consumer, [event_id]) == {event_id: ("dead", 3)}
    with acting_as(conn, role="service_role") as tx:
        report = scalar(tx, "select public.integrity_report(%s)", (h.org,))
    dead = next(i for i in report["invariants"] if i["name"] == "outbox_dead_letters")
    assert (dead["violations"], dead["sample_ids"]) == (1, [f"{h.consumer}:{event_id}"])


def test_a_requeued_dead_letter_is_delivered_once_the_receiver_is_fixed(
    conn: psycopg.Connection, db_url: str, hooked
) -> None:
    healthy = threading.Event()
    with WebhookReceiver(respond=lambda event_id, seen: 200 if healthy.is_set() else 500) as receiver:
        h = hooked(receiver.url, max_attempts=1)
        receiver.secret = h.secret
        [event_id] = emit(conn, h.org)
        w = worker(db_url, h.consumer)
        w.run(once=True)
        assert delivery_states(conn, h.consumer, [event_id]) == {event_id: ("dead", 1)}
        healthy.set()
        with acting_as(conn, role="service_role") as tx:
            assert scalar(tx, "select public.requeue_outbox_events(%s, %s)", (h.consumer, [event_id])) == 1
        w.run(once=True)

    assert [r.status for r in receiver.received] == [500, 200]
    assert delivery_states(conn, h.consumer, [event_id]) == {event_id: ("delivered", 1)}


def test_two_workers_at_once_never_deliver_the_same_event_twice(
    conn: psycopg.Connection, db_url: str, hooked
) -> None:
    with WebhookReceiver(delay_seconds=0.005) as receiver:
        h = hooked(receiver.url)
        receiver.secret = h.secret
        ids = emit(conn, h.org, 60)
        workers = [worker(db_url, h.consumer, batch_size=5) for _ in range(2)]
        threads = [threading.Thread(target=w.run, kwargs={"once": True}) for w in workers]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)

    counts = Counter(receiver.event_ids())
    assert sorted(counts) == sorted(ids)
    assert max(counts.values()) == 1
    assert all(w.stats.acked > 0 for w in workers), f"both workers deliver: {[w.stats for w in workers]}"
    assert set(delivery_states(conn, h.consumer, ids).values()) == {("delivered", 1)}


def test_every_consumer_sees_every_event_once(conn: psycopg.Connection, db_url: str, hooked) -> None:
    h = hooked("http://127.0.0.1:9/unused")
    reminders = f"test-{uuid.uuid4().hex[:10]}"
    ConsumerRpc(conn, reminders).configure(topics=["booking.*"])
    try:
        ids = emit(conn, h.org, 3) + emit(conn, h.org, 1, topic="subscription.created")
        webhooks_rpc, reminders_rpc = ConsumerRpc(conn, h.consumer), ConsumerRpc(conn, reminders)
        first = [e.id for e in webhooks_rpc.claim(100) if e.organization_id == h.org]
        assert first == ids
        assert [e.id for e in reminders_rpc.claim(100) if e.organization_id == h.org] == ids[:3]
        webhooks_rpc.ack(first)
        assert [e.id for e in webhooks_rpc.claim(100) if e.organization_id == h.org] == []
        assert [e.id for e in reminders_rpc.claim(100) if e.organization_id == h.org] == []
    finally:
        conn.execute("delete from ops.outbox_consumers where consumer = %s", (reminders,))


def test_an_event_committed_after_a_newer_one_is_not_skipped(
    conn: psycopg.Connection, db_url: str, hooked
) -> None:
    h = hooked("http://127.0.0.1:9/unused")
    rpc = ConsumerRpc(conn, h.consumer)
    with psycopg.connect(db_url) as slow:  # a transaction that writes first and commits last
        early = scalar(slow, "select private.emit_event(%s, 'booking.created', '{}')", (h.org,))
        [late] = emit(conn, h.org)
        assert late > early
        assert [e.id for e in rpc.claim(100) if e.organization_id == h.org] == [late]
        slow.commit()
    assert [e.id for e in rpc.claim(100) if e.organization_id == h.org] == [early]


def worker_process(db_url: str, consumer: str, *extra: str) -> subprocess.Popen[bytes]:
    command = [
        str(Path(sys.executable).parent / "sessionkit"),
        "outbox",
        "work",
        "--consumer",
        consumer,
        "--allow-private-targets",
        "--poll",
        "0.05",
        *extra,
    ]
    env = os.environ | {"SESSIONKIT_DB_URL": db_url}
    return subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def wait_for(predicate: Callable[[], bool], timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def test_a_worker_killed_mid_batch_loses_nothing_and_acks_nothing_undelivered(
    conn: psycopg.Connection, db_url: str, hooked
) -> None:
    with WebhookReceiver(delay_seconds=0.03) as receiver:
        h = hooked(receiver.url, lease_seconds=1)
        receiver.secret = h.secret
        ids = emit(conn, h.org, 40)
        process = worker_process(db_url, h.consumer, "--batch-size", "10")
        wait_for(lambda: len(receiver.event_ids()) >= 12)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)

        delivered_at_kill = [
            i for i, (status, _) in delivery_states(conn, h.consumer, ids).items() if status == "delivered"
        ]
        assert set(delivered_at_kill) <= set(receiver.event_ids()), "an event was acked without a 2xx"
        assert len(delivered_at_kill) < len(ids), "the worker was killed mid-batch"

        time.sleep(1.1)  # the dead worker's lease ends
        w = worker(db_url, h.consumer)
        run_until(
            lambda: all(s == "delivered" for s, _ in delivery_states(conn, h.consumer, ids).values()),
            lambda: w.run(once=True),
        )

    assert set(receiver.event_ids()) == set(ids), "every event was delivered at least once"


def test_sigterm_finishes_the_event_in_hand_and_releases_the_rest(
    conn: psycopg.Connection, db_url: str, hooked
) -> None:
    with WebhookReceiver(delay_seconds=0.05) as receiver:
        h = hooked(receiver.url)
        receiver.secret = h.secret
        ids = emit(conn, h.org, 30)
        process = worker_process(db_url, h.consumer, "--batch-size", "30")
        wait_for(lambda: len(receiver.event_ids()) >= 3)
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=10)
        assert process.returncode == 0, stderr.decode()

        states = delivery_states(conn, h.consumer, ids)
        received = receiver.event_ids()
        assert sorted(i for i, (s, _) in states.items() if s == "delivered") == sorted(received)
        released = [i for i, (s, attempts) in states.items() if s == "pending"]
        assert released and all(states[i][1] == 0 for i in released), "released untried, no attempt counted"

        worker(db_url, h.consumer).run(once=True)

    counts = Counter(receiver.event_ids())
    assert sorted(counts) == sorted(ids) and max(counts.values()) == 1, "nothing lost, nothing twice"


def test_a_booking_reminder_reaches_a_webhook_with_its_local_time(db_url: str) -> None:
    """Reminder job -> outbox -> worker -> HTTP, in one transaction that is rolled back (the job
    run at a chosen instant would otherwise leave other bookings' reminders behind)."""
    consumer = f"test-{uuid.uuid4().hex[:10]}"
    with WebhookReceiver() as receiver, psycopg.connect(db_url) as conn:
        slug = f"rm-{uuid.uuid4().hex[:10]}"
        org = scalar(conn, "select tests.seed_org(%s, 'Europe/Berlin')", (slug,))
        service = scalar(conn, "select tests.seed_bookable_service(%s, 'Physio', 60)", (org,))
        booking = scalar(
            conn,
            "select tests.seed_booking(%s, tests.uid(%s), tests.slot(0, '10:00', 'Europe/Berlin'))",
            (service, f"{slug}_client"),
        )
        created = scalar(
            conn,
            "select public.create_webhook_subscription(%s, %s, array['booking.reminder'])",
            (org, receiver.url),
        )
        receiver.secret = created["secret"]
        ConsumerRpc(conn, consumer).configure()
        conn.execute(
            "select tests.run_reminders(b.start_time - interval '24 hours' + interval '1 minute')"
            " from public.bookings b where b.id = %s",
            (booking,),
        )
        settings = WorkerSettings(consumer, batch_size=100, allow_private_targets=True)
        with httpx.Client(timeout=5) as client:
            worker_ = OutboxWorker(conn, settings, client)
            while worker_.process_batch():
                pass
        conn.rollback()

    [got] = receiver.received
    payload = got.body["payload"]
    assert (got.topic, got.signature_valid, got.status) == ("booking.reminder", True, 200)
    assert (payload["booking_id"], payload["local_time"], payload["offset_minutes"]) == (
        str(booking),
        "10:00",
        1440,
    )
