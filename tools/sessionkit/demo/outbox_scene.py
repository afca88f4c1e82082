"""The demo's last scene: a reminder leaves the database and reaches a webhook (issue 15).

Everything runs inside the scene's rolled-back transaction: the outbox worker claims, POSTs to a
real HTTP receiver on 127.0.0.1 and acks on the scene's own connection, so the demo data stays
as seeded and nothing is left running.
"""

from __future__ import annotations

import httpx
import psycopg
from rich.table import Table

from sessionkit.demo.engine import Scene, Step
from sessionkit.outbox.receiver import WebhookReceiver
from sessionkit.outbox.worker import OutboxWorker, WorkerSettings
from sessionkit.testing.acting import become

ANNA = "anna@physio-mitte.demo"  # owner, Praxis Physio Mitte (Berlin)
EMMA = "emma@physio-mitte.demo"  # client
PHYSIO_MITTE = "20000000-0000-4000-8000-000000000001"
EMMAS_WORKSHOP = "90000000-0000-4000-8000-000000000001"
DUE = (
    f"(select b.start_time - interval '24 hours' + interval '1 minute' from public.bookings b"
    f" where b.id = '{EMMAS_WORKSHOP}')"
)


def outbox_scene(receiver: WebhookReceiver) -> Scene:
    def subscribe(conn: psycopg.Connection) -> Table:
        row = conn.execute(
            "select r from public.create_webhook_subscription(%s, %s, array['booking.*'], 'CRM') r",
            (PHYSIO_MITTE, receiver.url),
        ).fetchone()
        assert row is not None
        created = row[0]
        receiver.secret = created["secret"]
        table = Table("url", "topics", "secret (shown once)", "secret_hint (what the API shows later)")
        subscription = created["subscription"]
        table.add_row(
            subscription["url"],
            ", ".join(subscription["topics"]),
            created["secret"][:14] + "…",
            subscription["secret_hint"],
        )
        return table

    def deliver(conn: psycopg.Connection) -> Table:
        become(conn, role="service_role")
        settings = WorkerSettings("demo-webhooks", batch_size=50, allow_private_targets=True)
        with httpx.Client(timeout=5) as client:
            worker = OutboxWorker(conn, settings, client)
            while worker.process_batch():
                pass
        table = Table("event", "topic", "attempt", "X-Sessionkit-Signature", "receiver answered")
        for got in receiver.received:
            table.add_row(
                str(got.event_id),
                got.topic,
                str(got.attempt),
                "valid" if got.signature_valid else "INVALID",
                str(got.status),
            )
        return table

    return Scene(
        "The outbox delivers: a reminder reaches a webhook",
        "Every change writes an event to the outbox in its own transaction. Anna subscribes her"
        f" CRM ({receiver.url}, a real HTTP server of this demo) to booking events; the reminder"
        " job (pg_cron, every 5 minutes) emits a booking.reminder 24 hours before Emma's workshop,"
        " with its local time in Berlin; the outbox worker (`sessionkit outbox work`) claims it,"
        " POSTs it signed with HMAC-SHA256 and acks it once the endpoint answered 2xx.",
        (
            Step(ANNA, "subscribes her CRM to booking.* and gets the signing secret once", run=subscribe),
            Step(
                ANNA,
                "keeps the default reminders: 24 h and 1 h before, to clients and providers",
                f"""
                select reminder_offsets_minutes as offsets_minutes, remind_clients, remind_providers
                from public.organization_settings where organization_id = '{PHYSIO_MITTE}'""",
            ),
            Step(
                "service_role",
                "(the clock reaches 24 hours before Emma's workshop) the reminder job runs",
                f"select r ->> 'sent' as sent, r ->> 'skipped' as skipped"
                f" from private.emit_booking_reminders({DUE}) r",
            ),
            Step(
                "service_role",
                "reads the booking.reminder it wrote to the outbox",
                f"""
                select payload ->> 'service_name' as service,
                       concat_ws(' ', payload ->> 'local_date', payload ->> 'local_time',
                                 payload ->> 'timezone') as starts,
                       payload ->> 'offset_minutes' as offset_minutes, payload -> 'recipients' as recipients
                from public.outbox_events
                where topic = 'booking.reminder' and payload ->> 'booking_id' = '{EMMAS_WORKSHOP}'""",
            ),
            Step("service_role", "the outbox worker claims, delivers over HTTP and acks", run=deliver),
            Step(
                ANNA,
                "reads her webhook's delivery log",
                """
                select d.event_id, d.topic, d.attempt, d.status_code, d.succeeded
                from public.webhook_deliveries d order by d.id""",
            ),
            Step(
                EMMA,
                "cannot see webhooks or their log",
                "select count(*) as visible from public.webhook_subscriptions",
            ),
        ),
    )
