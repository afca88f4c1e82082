"""cancellations: one booking_cancellations record per historical cancelled booking (seed 002,
"Backfill existing cancellations").

This is the explicit, audited backfill path beside the live one. The live path (cancel_booking,
or an insert into booking_cancellations) cancels a booking: it refuses bookings that are
already cancelled or in the past, and notifies the parties. A legacy cancellation happened long
ago: it needs its record, not a second cancellation and no notification. So the record is
written with the live trigger bypassed (the runner's replica role, which only the database
owner's backfill session can take), as:
  cancelled_by null (unknown), reason "Legacy cancellation ... (canceller, reason and credit
  policy unknown)", cancellation_policy_applied no_refund (no credit was spent: legacy
  cancelled bookings are never attached to a subscription), created_at = the booking's last
  update (the best known time of the cancellation);
and every batch leaves one audit_log entry per organization (action backfill.cancellations,
the booking ids). A cancelled booking that does carry a subscription (cancelled by an old
frontend after subscription_links attached it) has an unknown credit policy: a conflict.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from sessionkit.backfill.base import Backfill, BatchContext, Check, ConflictKind, Key, Step
from sessionkit.backfill.registry import register
from sessionkit.backfill.tasks.sql import ids

NAME = "cancellations"
REASON = (
    "Legacy cancellation, recorded by the cancellations backfill "
    "(canceller, reason and credit policy unknown)"
)

RECORD = """
with recorded as (
  insert into public.booking_cancellations
    (id, organization_id, booking_id, cancelled_by, reason, cancellation_policy_applied, created_at)
  select md5('sessionkit.legacy_cancellation:' || b.id)::uuid, b.organization_id, b.id, null, %(reason)s,
         'no_refund', b.updated_at
  from public.bookings b
  where b.id = any(%(ids)s::uuid[]) and b.status = 'cancelled' and b.subscription_id is null
  on conflict do nothing
  returning organization_id, booking_id
),
audited as (
  insert into public.audit_log (organization_id, actor_id, action, entity, new_values)
  select r.organization_id, null, 'backfill.cancellations', 'bookings',
         jsonb_build_object('run_id', %(run_id)s::bigint, 'count', count(*),
                            'booking_ids', jsonb_agg(r.booking_id order by r.booking_id),
                            'cancelled_by', null, 'cancellation_policy_applied', 'no_refund')
  from recorded r
  group by r.organization_id
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
        params = {"ids": ids(keys), "reason": REASON, "run_id": ctx.run_id}
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
        "One booking_cancellations row per historical cancelled booking, through the explicit, audited "
        "backfill path (canceller and policy unknown/legacy, no notifications)."
    )
    depends_on = ("subscription_links",)
    conflict_kinds = (
        ConflictKind(
            "cancelled_booking_with_credit",
            "A cancelled booking without a record carries a subscription: it spent a credit, and whether "
            "the credit was restored or forfeited is unknown.",
            "To restore the credit, set the booking's subscription_id to null (as postgres) and run again: "
            "it is then recorded as no_refund. To forfeit it, insert its booking_cancellations row yourself "
            "with cancellation_policy_applied = 'credit_forfeited' (as postgres, triggers off).",
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
