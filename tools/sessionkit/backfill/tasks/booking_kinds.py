"""booking_kinds: recognise legacy trial and guest bookings by explicit rules.

The legacy app had no booking kind; trial and guest sessions show only in the service name,
the notes or the price. For a regular booking that spent no credit (subscription_id null):
  * guest signal: the service name or the notes contain the word "guest";
  * trial signal: the service name or the notes contain the word "trial";
  * free: price 0 while its service is not free (or it has no service).
Decision: both signals -> ambiguous (conflict); guest -> guest; trial -> trial; free and the
client's first booking in the organization -> trial (a free first session is a trial); free
later on -> ambiguous (goodwill, guest or trial?); else regular. Ambiguous bookings stay regular
and are not linked to a subscription (subscription_links skips them) until an operator sets
the kind, or accepts them as regular (`conflicts booking_kinds --accept ID`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from sessionkit.backfill.base import Backfill, BatchContext, Check, ConflictKind, Key, Step
from sessionkit.backfill.registry import register
from sessionkit.backfill.tasks.sql import ids
from sessionkit.backfill.triggers import AT_EVERY_STOP

NAME = "booking_kinds"

SOURCE = r"""public.bookings b
    left join public.services sv on sv.id = b.service_id
    cross join lateral (
      select coalesce(sv.name, '') ~* '\mguest' or coalesce(b.notes, '') ~* '\mguest' as guest,
             coalesce(sv.name, '') ~* '\mtrial' or coalesce(b.notes, '') ~* '\mtrial' as trial,
             b.price = 0 and coalesce(sv.price, 1) > 0 as free
    ) as sig
    cross join lateral (
      select case
        when sig.guest and sig.trial then 'ambiguous'
        when sig.guest then 'guest'
        when sig.trial then 'trial'
        when sig.free and not exists (
          select 1 from public.bookings e
          where e.client_id = b.client_id and e.organization_id = b.organization_id
            and (e.start_time < b.start_time or (e.start_time = b.start_time and e.id < b.id))) then 'trial'
        when sig.free then 'ambiguous'
        else 'regular'
      end as decided
    ) as k"""

ACCEPTED = """exists (select 1 from ops.backfill_conflicts c
    where c.backfill = 'booking_kinds' and c.row_key = b.id::text and c.resolution = 'accepted')"""

PENDING = f"""b.booking_kind = 'regular' and b.subscription_id is null and k.decided <> 'regular'
    and not {ACCEPTED}"""


class Classify(Step):
    name = "classify"
    title = "recognise trial and guest bookings"
    key = ("b.id",)
    source = SOURCE
    pending = PENDING
    recent = "age(b.xmin) <= age(%(since)s::xid)"
    scan = "range"

    def process(self, ctx: BatchContext, keys: Sequence[Key]) -> dict[str, int]:
        ctx.conn.execute(
            f"""create temporary table bf_kinds on commit drop as
                select b.id, k.decided, sig.guest, sig.trial, sig.free, b.notes, b.price, sv.name as service
                from {SOURCE}
                where b.id = any(%(ids)s::uuid[]) and {PENDING}""",
            {"ids": ids(keys)},
        )
        changed = ctx.conn.execute(
            """update public.bookings b set booking_kind = k.decided
               from bf_kinds k
               where k.id = b.id and k.decided in ('trial', 'guest')
                 and b.booking_kind = 'regular' and b.subscription_id is null
               returning k.decided"""
        ).fetchall()
        ctx.conflicts(
            "ambiguous_booking_kind",
            """select k.id::text,
                      case when k.guest and k.trial then 'both a guest and a trial signal'
                           else 'free of charge, but not the client''s first booking' end,
                      jsonb_build_object('booking_id', k.id, 'service', k.service, 'notes', k.notes,
                                         'price', k.price, 'guest_signal', k.guest, 'trial_signal', k.trial)
               from bf_kinds k where k.decided = 'ambiguous'""",
            {},
        )
        kinds = [row[0] for row in changed]
        return {"trial": kinds.count("trial"), "guest": kinds.count("guest")}


@register
class BookingKinds(Backfill):
    name = NAME
    meets = AT_EVERY_STOP
    title = "Trial and guest bookings"
    description = (
        "Legacy trial and guest bookings recognised by documented rules (service name, notes, a free "
        "first session); ambiguous ones are conflicts and stay regular, unlinked to credits."
    )
    depends_on = ("session_types",)
    conflict_kinds = (
        ConflictKind(
            "ambiguous_booking_kind",
            "A booking shows both a trial and a guest signal, or is free of charge without being the "
            "client's first booking: the rules cannot tell its kind.",
            "Set bookings.booking_kind to 'trial' or 'guest' (the next run finds it fixed), or accept it "
            "as regular with `sessionkit backfill conflicts booking_kinds --accept ID`; subscription_links "
            "attaches it to a subscription only then.",
            acceptable=True,
        ),
    )
    steps = (Classify(),)
    counts_sql: ClassVar[dict[str, str]] = {
        "regular": "select count(*) from public.bookings where booking_kind = 'regular'",
        "trial": "select count(*) from public.bookings where booking_kind = 'trial'",
        "guest": "select count(*) from public.bookings where booking_kind = 'guest'",
        "to_classify": f"select count(*) from {SOURCE} where {PENDING} and k.decided <> 'ambiguous'",
    }
    checks = (
        Check(
            "unclassified",
            "regular bookings the rules call trial or guest",
            f"select count(*) from {SOURCE} where {PENDING} and k.decided <> 'ambiguous'",
        ),
        Check(
            "ambiguous_unlogged",
            "ambiguous bookings without an open conflict",
            f"""select count(*) from {SOURCE} where {PENDING} and k.decided = 'ambiguous'
                and not exists (select 1 from ops.backfill_conflicts c where c.backfill = 'booking_kinds'
                                and c.row_key = b.id::text and c.resolved_at is null)""",
        ),
    )

    def preview(self, conn: Any) -> list[tuple[str, int]]:
        rows = conn.execute(
            f"select k.decided, count(*) from {SOURCE} where {PENDING} group by 1 order by 1", {}
        ).fetchall()
        labels = {
            "trial": "bookings to mark trial",
            "guest": "bookings to mark guest",
            "ambiguous": "ambiguous bookings (conflicts)",
        }
        return [(labels[decided], int(n)) for decided, n in rows]
