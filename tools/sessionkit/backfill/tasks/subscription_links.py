"""subscription_links: one active subscription per client; bookings name the credit they spent.

Steps:
  1. dedupe - per (organization, client) with several active subscriptions, or an active one
              past its expiry: the expired ones become `expired` (what the hourly job does);
              of the rest one stays active - the most recently started one that has started,
              else the one starting first - and the others become `superseded`, each logged
              (an `applied` entry) with what it still held;
  2. attach - a legacy regular booking that is live or took place (pending, confirmed,
              completed, no_show; never cancelled, trial or guest, nor one whose kind is an
              open booking_kinds conflict) is attached to the subscription whose period covers
              its start: exactly one candidate (any status but cancelled) or it is an
              `ambiguous_subscription` conflict. Per subscription the covered bookings spend its
              credits in time order; those beyond its total stay pay-per-session and the
              subscription is logged `overspent_subscription`.
A "legacy" booking is one the database did not create through the booking core: it has no
booking_status_history creation row (bookings made since the upgrade spent - or did not spend -
their credit by the live rules, which this backfill never second-guesses).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from sessionkit.backfill.base import Backfill, BatchContext, Check, ConflictKind, Key, Step
from sessionkit.backfill.registry import register
from sessionkit.backfill.tasks.sql import column, ids

NAME = "subscription_links"

CLIENTS_IN_BATCH = (
    "({alias}organization_id, {alias}client_id) in "
    "(select * from unnest(%(orgs)s::uuid[], %(clients)s::uuid[]))"
)


def clients_in_batch(alias: str = "") -> str:
    return CLIENTS_IN_BATCH.format(alias=f"{alias}." if alias else "")


class Dedupe(Step):
    name = "dedupe"
    title = "expire lapsed, supersede duplicate active subscriptions"
    key = ("s.organization_id", "s.client_id")
    source = "public.subscriptions s"
    pending = "s.status = 'active'"
    recent = "age(s.xmin) <= age(%(since)s::xid)"
    HAVING = "count(*) > 1 or bool_or(s.expires_at <= now())"

    def batch_query(self, after: bool, recent: bool) -> str:
        where = "s.status = 'active'"
        if after:
            where += " and (s.organization_id, s.client_id) > (%(k0)s::uuid, %(k1)s::uuid)"
        having = f"({self.HAVING})" + (f" and bool_or({self.recent})" if recent else "")
        return (
            f"select s.organization_id, s.client_id from public.subscriptions s where {where} "
            f"group by 1, 2 having {having} order by 1, 2 limit %(limit)s"
        )

    def count_query(self) -> str:
        return (
            "select count(*) from (select 1 from public.subscriptions s where s.status = 'active' "
            f"group by s.organization_id, s.client_id having {self.HAVING}) as p"
        )

    def process(self, ctx: BatchContext, keys: Sequence[Key]) -> dict[str, int]:
        params = {"orgs": column(keys, 0), "clients": column(keys, 1)}
        ctx.conn.execute(
            f"select id from public.subscriptions where {clients_in_batch()} order by id for update", params
        )
        expired = ctx.conn.execute(
            f"""update public.subscriptions set status = 'expired', updated_at = now()
                where {clients_in_batch()} and status = 'active' and expires_at <= now()""",
            params,
        ).rowcount
        ctx.conn.execute(
            f"""create temporary table bf_superseded on commit drop as
                with ranked as (
                  select s.id, s.total_sessions, s.starts_at, s.expires_at,
                         first_value(s.id) over w as kept, row_number() over w as rank
                  from public.subscriptions s
                  where {clients_in_batch("s")} and s.status = 'active'
                  window w as (partition by s.organization_id, s.client_id
                               order by s.starts_at <= now() desc,
                                        case when s.starts_at <= now() then s.starts_at end desc nulls last,
                                        s.starts_at, s.id)
                )
                select * from ranked where rank > 1""",
            params,
        )
        superseded = ctx.conn.execute(
            """update public.subscriptions s set status = 'superseded', updated_at = now()
               from bf_superseded d where d.id = s.id"""
        ).rowcount
        ctx.applied(
            "superseded_duplicate_subscription",
            """select d.id::text, format('superseded: %%s stays the active subscription', d.kept),
                      jsonb_build_object('subscription_id', d.id, 'kept_subscription_id', d.kept,
                                         'total_sessions', d.total_sessions, 'starts_at', d.starts_at,
                                         'expires_at', d.expires_at,
                                         'credits_used', (select count(*) from public.bookings b
                                                          where b.subscription_id = d.id
                                                            and b.status in ('pending', 'confirmed',
                                                              'completed', 'no_show')))
               from bf_superseded d""",
            {},
        )
        return {"expired": max(expired, 0), "superseded": max(superseded, 0)}


ELIGIBLE = """b.booking_kind = 'regular' and b.subscription_id is null
    and b.status in ('pending', 'confirmed', 'completed', 'no_show')
    and not exists (select 1 from public.booking_status_history h where h.booking_id = b.id
      and h.from_status is null)
    and not exists (select 1 from ops.backfill_conflicts c
                    where c.backfill = 'booking_kinds' and c.row_key = b.id::text
                      and c.resolved_at is null)"""


def covers(sub: str, booking: str) -> str:
    return (
        f"{sub}.organization_id = {booking}.organization_id and {sub}.client_id = {booking}.client_id "
        f"and {sub}.status <> 'cancelled' and {booking}.start_time >= {sub}.starts_at "
        f"and ({sub}.expires_at is null or {booking}.start_time < {sub}.expires_at)"
    )


# credits a subscription has spent (as private.subscription_credits_used counts them)
CREDITS_USED = """(select count(*) from public.bookings u
    left join public.booking_cancellations c on c.booking_id = u.id
    where u.subscription_id = {sub}
      and (u.status in ('pending', 'confirmed', 'completed', 'no_show')
           or (u.status = 'cancelled' and c.cancellation_policy_applied = 'credit_forfeited')))"""

ATTACH = f"""
create temporary table bf_attach on commit drop as
select b.id as booking_id, b.start_time, s.id as sub_id, s.total_sessions,
       (select array_agg(o.id order by o.id) from public.subscriptions o where {
    covers("o", "b")
}) as candidates
from public.subscriptions s
join public.bookings b on b.organization_id = s.organization_id and b.client_id = s.client_id
where s.id = any(%(ids)s::uuid[]) and {covers("s", "b")} and {ELIGIBLE};

create temporary table bf_spend on commit drop as
select a.*, row_number() over (partition by a.sub_id order by a.start_time, a.booking_id) as n,
       a.total_sessions - {CREDITS_USED.format(sub="a.sub_id")} as credits_left
from bf_attach a
where cardinality(a.candidates) = 1
"""


class Attach(Step):
    name = "attach"
    title = "attach regular bookings to the subscription covering them"
    key = ("s.id",)
    source = "public.subscriptions s"
    pending = f"""s.status <> 'cancelled' and exists (
        select 1 from public.bookings b where {covers("s", "b")} and {ELIGIBLE})"""
    recent = """age(s.xmin) <= age(%(since)s::xid) or exists (
        select 1 from public.bookings b where b.organization_id = s.organization_id
          and b.client_id = s.client_id
          and age(b.xmin) <= age(%(since)s::xid))"""
    scan = "range"

    def process(self, ctx: BatchContext, keys: Sequence[Key]) -> dict[str, int]:
        params = {"ids": ids(keys)}
        # the subscriptions (as the credit trigger does), then their bookings: nothing changes
        # them under the decision
        ctx.conn.execute(
            "select id from public.subscriptions where id = any(%(ids)s::uuid[]) and status <> 'cancelled' "
            "order by id for update",
            params,
        )
        ctx.conn.execute(
            f"""select b.id from public.subscriptions s
                join public.bookings b on b.organization_id = s.organization_id and b.client_id = s.client_id
                where s.id = any(%(ids)s::uuid[]) and {covers("s", "b")} and {ELIGIBLE}
                order by b.id for update of b""",
            params,
        )
        for statement in (s for s in ATTACH.split(";\n") if s.strip()):
            ctx.conn.execute(statement, params)
        attached = ctx.conn.execute(
            """update public.bookings b set subscription_id = p.sub_id
               from bf_spend p where p.booking_id = b.id and p.n <= p.credits_left
                 and b.subscription_id is null"""
        ).rowcount
        ctx.conflicts(
            "ambiguous_subscription",
            """select distinct on (a.booking_id) a.booking_id::text,
                      format('%%s subscriptions of the client cover its start', cardinality(a.candidates)),
                      jsonb_build_object('booking_id', a.booking_id, 'starts_at', a.start_time,
                                         'subscriptions', to_jsonb(a.candidates))
               from bf_attach a where cardinality(a.candidates) > 1
               order by a.booking_id""",
            {},
        )
        ctx.conflicts(
            "overspent_subscription",
            """select p.sub_id::text,
                      format('%%s covered bookings beyond its %%s credits stay pay-per-session', count(*),
                        min(p.total_sessions)),
                      jsonb_build_object('subscription_id', p.sub_id, 'total_sessions', min(p.total_sessions),
                                         'credits_left_before', min(p.credits_left),
                                         'unattached_bookings',
                                           jsonb_agg(p.booking_id order by p.start_time, p.booking_id))
               from bf_spend p where p.n > p.credits_left
               group by p.sub_id""",
            {},
        )
        return {"bookings_attached": max(attached, 0)}


@register
class SubscriptionLinks(Backfill):
    name = NAME
    title = "Subscriptions: one active per client, bookings linked to their credits"
    description = (
        "Duplicate active subscriptions resolved (one kept, the rest superseded and logged); each legacy "
        "regular booking attached to the subscription whose period covers it, in time order up to its "
        "credits; ambiguous cover and over-spent subscriptions logged, trial/guest never attached."
    )
    depends_on = ("service_sessions",)
    conflict_kinds = (
        ConflictKind(
            "superseded_duplicate_subscription",
            "Applied by rule, for review: the client held several active subscriptions; this one is now "
            "superseded (its bookings keep their credits; it cannot be spent any more).",
            "Nothing to do if the kept subscription is right. Otherwise swap the statuses of the two "
            "subscriptions (as postgres) and run the backfill again.",
            informational=True,
        ),
        ConflictKind(
            "ambiguous_subscription",
            "Several subscriptions of the client (overlapping periods) cover the booking's start: which "
            "one's credit it spent cannot be told.",
            "Set bookings.subscription_id to the right subscription (the next run finds it fixed), or "
            "accept it as pay-per-session with `conflicts subscription_links --accept ID`.",
            acceptable=True,
        ),
        ConflictKind(
            "overspent_subscription",
            "The subscription covers more legacy bookings than it has credits: the earliest spent its "
            "credits, the later ones stay pay-per-session.",
            "Raise subscriptions.total_sessions if the client did pay for more (the next run attaches "
            "the rest), or accept the surplus as pay-per-session with `--accept ID`.",
            acceptable=True,
        ),
    )
    steps = (Dedupe(), Attach())
    counts_sql: ClassVar[dict[str, str]] = {
        "clients_with_several_active": """select count(*) from (select 1 from public.subscriptions
            where status = 'active' group by organization_id, client_id having count(*) > 1) as d""",
        "active_past_expiry": """select count(*) from public.subscriptions
            where status = 'active' and expires_at <= now()""",
        "superseded": "select count(*) from public.subscriptions where status = 'superseded'",
        "bookings_with_subscription": """select count(*) from public.bookings
            where subscription_id is not null""",
        "trial_guest_with_subscription": """select count(*) from public.bookings
            where booking_kind <> 'regular' and subscription_id is not null""",
    }
    checks = (
        Check(
            "several_active",
            "clients with more than one active subscription",
            counts_sql["clients_with_several_active"],
        ),
        Check(
            "active_past_expiry", "active subscriptions past their expiry", counts_sql["active_past_expiry"]
        ),
        Check(
            "trial_guest_with_subscription",
            "trial or guest bookings attached to a subscription",
            counts_sql["trial_guest_with_subscription"],
        ),
        Check(
            "overdrawn",
            "subscriptions with more credits spent than they hold",
            f"""select count(*) from public.subscriptions s
                where exists (select 1 from public.bookings x where x.subscription_id = s.id)
                  and {CREDITS_USED.format(sub="s.id")} > s.total_sessions""",
        ),
        Check(
            "attachable_left",
            "legacy bookings covered by exactly one subscription with credits left, not attached",
            f"""select count(*) from public.bookings b
                join public.subscriptions s on {covers("s", "b")}
                where {ELIGIBLE}
                  and (select count(*) from public.subscriptions o where {covers("o", "b")}) = 1
                  and {CREDITS_USED.format(sub="s.id")} < s.total_sessions
                  and not exists (select 1 from ops.backfill_conflicts c
                    where c.backfill = 'subscription_links'
                                  and c.row_key = s.id::text and c.resolution = 'accepted')""",
        ),
    )

    def preview(self, conn: Any) -> list[tuple[str, int]]:
        row = conn.execute(
            f"""select ({self.counts_sql["clients_with_several_active"]}),
                       ({self.counts_sql["active_past_expiry"]}),
                       (select count(*) from public.bookings b where {ELIGIBLE}
                          and exists (select 1 from public.subscriptions s where {covers("s", "b")})),
                       (select count(*) from public.bookings b where {ELIGIBLE}
                          and (select count(*) from public.subscriptions s where {covers("s", "b")}) > 1)""",
            {},
        ).fetchone()
        assert row is not None
        return [
            ("clients whose duplicate active subscriptions get superseded", int(row[0])),
            ("active subscriptions past expiry to expire", int(row[1])),
            ("legacy bookings covered by a subscription (to attach, up to its credits)", int(row[2])),
            ("of which covered by several subscriptions (conflicts)", int(row[3])),
        ]
