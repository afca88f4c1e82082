"""cancellations: one booking_cancellations record per historical cancelled booking (seed 002,
"Backfill existing cancellations").

The live path (cancel_booking, or an insert into booking_cancellations) cancels a booking: it
refuses bookings that are already cancelled or in the past, and notifies the parties. A legacy
cancellation happened long ago: it needs its record, not a second cancellation and no
notification. The record is written through the table's triggers with the explicit marker they
honour, cancellation_kind = 'legacy' (private.legacy_cancellation_record: trusted writers only,
for a booking already cancelled): nothing is cancelled again, no outbox event, no credit moves,
and the trigger audits each statement's records per organization
(booking.legacy_cancellation_recorded). The record:
  cancelled_by null (unknown), reason "Legacy cancellation ... (canceller, reason and credit
  policy unknown)", cancellation_policy_applied no_refund (no credit was spent: legacy
  cancelled bookings are never attached to a subscription), created_at = the booking's last
  update (the best known time of the cancellation).
A cancelled booking that does carry a subscription (cancelled by an old frontend after
subscription_links attached it) has an unknown credit policy: a conflict.

It runs once the push has completed (`meets`): the marker arrives with this release's
migrations and triggers; no guard needs it earlier.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from sessionkit.backfill.base import Backfill, BatchContext, Check, ConflictKind, Key, Step
from sessionkit.backfill.registry import register
from sessionkit.backfill.tasks.sql import ids
from sessionkit.backfill.triggers import CURRENT

NAME = "cancellations"
REASON = (
    "Legacy cancellation, recorded by the cancellations backfill "
    "(canceller, reason and credit policy unknown)"
)

RECORD = """
with recorded as (
  insert into public.booking_cancellations
    (id, organization_id, booking_id, cancelled_by, reason, cancellation_policy_applied, created_at,
     cancellation_kind)
  select md5('sessionkit.legacy_cancellation:' || b.id)::uuid, b.organization_id, b.id, null, %(reason)s,
         'no_refund', b.updated_at, 'legacy'
  from public.bookings b
  where b.id = any(%(ids)s::uuid[]) and b.status = 'cancelled' and b.subscription_id is null
    and not exists (select 1 from public.booking_cancellations c where c.booking_id = b.id)
  order by b.id
  returning 1
)
select count(*) from recorded
"""


class Record(Step):
    name = "record"
    title = "record legacy cancellations"
    key = ("b.id",)
    source = "public.bookings b"
    pending = """b.status = 'cancelled'
        and not exists (select 1 from public.booking_cancellations c where c.booking_id = b.id)"""
    recent = "age(b.xmin) <= age(%(since)s::xid)"
    scan = "range"

    def process(self, ctx: BatchContext, keys: Sequence[Key]) -> dict[str, int]:
        params = {"ids": ids(keys), "reason": REASON}
        # the cancelled bookings of the range stay put until the batch commits
        ctx.conn.execute(
            f"select b.id from public.bookings b where b.id = any(%(ids)s::uuid[]) and {self.pending} "
            "order by b.id for update",
            params,
        )
        row = ctx.conn.execute(RECORD, params).fetchone()
        ctx.conflicts(
            "cancelled_booking_with_credit",
            """select b.id::text,
                      'the cancelled booking spent a credit; whether it was restored or forfeited is unknown',
                      jsonb_build_object('booking_id', b.id, 'subscription_id', b.subscription_id,
                                         'starts_at', b.start_time, 'updated_at', b.updated_at)
               from public.bookings b
               where b.id = any(%(ids)s::uuid[]) and b.status = 'cancelled' and b.subscription_id is not null
                 and not exists (select 1 from public.booking_cancellations c where c.booking_id = b.id)""",
            params,
        )
        return {"cancellations_recorded": int(row[0]) if row else 0}


@register
class Cancellations(Backfill):
    name = NAME
    title = "Records of legacy cancellations"
    description = (
        "One booking_cancellations row per historical cancelled booking, marked legacy: recorded through "
        "the triggers without cancelling again, notifying or moving a credit (canceller unknown, no_refund)."
    )
    depends_on = ("subscription_links",)
    meets = (CURRENT,)  # the legacy marker and the triggers honouring it come with the release
    conflict_kinds = (
        ConflictKind(
            "cancelled_booking_with_credit",
            "A cancelled booking without a record carries a subscription: it spent a credit, and whether "
            "the credit was restored or forfeited is unknown.",
            "To restore the credit, set the booking's subscription_id to null (as postgres) and run again: "
            "it is then recorded as no_refund. To forfeit it, insert its booking_cancellations row yourself "
            "(as postgres or service_role) with cancellation_kind = 'legacy' and "
            "cancellation_policy_applied = 'credit_forfeited'.",
        ),
    )
    steps = (Record(),)
    counts_sql: ClassVar[dict[str, str]] = {
        "cancelled_bookings": "select count(*) from public.bookings where status = 'cancelled'",
        "cancelled_without_record": f"select count(*) from public.bookings b where {Record.pending}",
        "cancellation_records": "select count(*) from public.booking_cancellations",
        "legacy_records": "select count(*) from public.booking_cancellations where cancelled_by is null "
        f"and reason = '{REASON}'",
    }
    checks = (
        Check(
            "unrecorded",
            "cancelled bookings without a record and without an open conflict",
            f"""select count(*) from public.bookings b where {Record.pending}
                and not exists (select 1 from ops.backfill_conflicts c where c.backfill = 'cancellations'
                                and c.row_key = b.id::text and c.resolved_at is null)""",
        ),
        Check(
            "records_of_live_bookings",
            "legacy records whose booking is not cancelled",
            f"""select count(*) from public.booking_cancellations c
                join public.bookings b on b.id = c.booking_id
                where c.reason = '{REASON}' and b.status <> 'cancelled'""",
        ),
    )

    def preview(self, conn: Any) -> list[tuple[str, int]]:
        row = conn.execute(
            f"""select count(*) filter (where b.subscription_id is null),
                       count(*) filter (where b.subscription_id is not null)
                from public.bookings b where {Record.pending}""",
            {},
        ).fetchone()
        assert row is not None
        return [
            ("cancellation records to write (no_refund, canceller unknown)", int(row[0])),
            ("cancelled bookings carrying a subscription (conflicts)", int(row[1])),
        ]
