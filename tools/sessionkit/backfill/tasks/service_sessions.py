"""service_sessions: every booking gets its service session (seed 001, migrations 0018/0019).

Steps:
  1. classify - legacy service sessions (workshops and courses; kind/visibility null) get a kind
                (course_session when the service's name says course, else workshop) and
                visibility public;
  2. link     - each booking without a session:
                * a workshop/course booking joins the group session of its service starting at its
                  start time (same provider, same end) - unless that would overfill the session,
                  put a client in it twice, or several sessions match (conflicts);
                * a 1-to-1 booking gets a private `individual` session with exactly its times
                  (status from the booking; the deprecated start_time/end_time are never written);
                  one overlapping another live session or booking of its provider is a conflict
                  (a legacy double-booking), never a failure of the exclusion constraint; a booking
                  without a service gets its organization's inactive "Legacy booking (no service)";
                * a booking of a group service with no session at its time is a conflict;
                written through the triggers: a new private session starts empty, a stale legacy
                count is put right before the batch's bookings join (the participant trigger, where
                deployed, then counts each link), and afterwards every session the batch touched
                holds its live bookings (a group session recounted; a new private session holds
                exactly its own booking): a no-op where the trigger counted, the count itself where
                no trigger is deployed yet;
  3. participants - every other group session's stale current_participants recomputed.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from psycopg import errors

from sessionkit.backfill.base import Backfill, BatchContext, Check, ConflictKind, Key, Step
from sessionkit.backfill.registry import register
from sessionkit.backfill.tasks.sql import ids
from sessionkit.backfill.triggers import AT_EVERY_STOP

NAME = "service_sessions"
GROUP_KINDS = "('workshop', 'course_session')"
PLACEHOLDER_NAME = "Legacy booking (no service)"
COURSE_NAME = r"'\m(course|courses|kurs|class series|programme|program)\M'"

LIVE_COUNT = """(select count(*) from public.bookings x
    where x.service_session_id = {session} and x.status <> 'cancelled')"""

REASONS = {
    "ambiguous_group_session": "several group sessions of its service and provider start at its start time",
    "group_session_mismatch": (
        "the group sessions of its service at its start time have another provider or end"
    ),
    "group_session_over_capacity": "its group session would hold more live bookings than max_participants",
    "duplicate_group_booking": "its client already has a live booking in the same group session",
    "group_booking_without_session": (
        "its service is a group service, but no session of it starts at its start time"
    ),
    "provider_double_booked": "its provider has another live session or booking overlapping it",
}


class Classify(Step):
    name = "classify"
    title = "kind and visibility of legacy service sessions"
    key = ("ss.id",)
    source = "public.service_sessions ss"
    pending = "ss.kind is null or ss.visibility is null"
    recent = "age(ss.xmin) <= age(%(since)s::xid)"
    lock = "ss"

    def process(self, ctx: BatchContext, keys: Sequence[Key]) -> dict[str, int]:
        rows = ctx.conn.execute(
            f"""update public.service_sessions ss
                set kind = coalesce(ss.kind, case when sv.name ~* {COURSE_NAME}
                  then 'course_session' else 'workshop' end),
                    visibility = coalesce(ss.visibility, 'public'),
                    updated_at = now()
                from public.services sv
                where sv.id = ss.service_id and ss.id = any(%s::uuid[])
                returning ss.kind""",
            (ids(keys),),
        ).fetchall()
        kinds = [r[0] for r in rows]
        return {"workshops": kinds.count("workshop"), "courses": kinds.count("course_session")}


GROUP_MATCH = """g.organization_id = {b}.organization_id and g.service_id = {b}.service_id
    and g.starts_at = {b}.start_time and g.provider_id = {b}.provider_id and g.kind in ('workshop',
      'course_session')"""

# Legacy double-bookings, found once per pass (prepare): live unlinked 1-to-1 bookings (no group
# session of theirs) overlapping another one of the same provider - both sides, in one sort by
# (provider, start): a booking overlaps an earlier one when it starts before the latest end so
# far, and a later one when it ends after the next start.
DOUBLES = f"""
create temporary table if not exists bf_double (id uuid primary key);
truncate bf_double;
insert into bf_double
select w.id from (
  select b.id, b.start_time, b.end_time,
         max(b.end_time) over (partition by b.provider_id order by b.start_time, b.id
                               rows between unbounded preceding and 1 preceding) as previous_end,
         lead(b.start_time) over (partition by b.provider_id order by b.start_time, b.id) as next_start
  from public.bookings b
  left join public.service_sessions g on {GROUP_MATCH.format(b="b")}
  where b.service_session_id is null and b.status <> 'cancelled' and g.id is null
) w
where w.start_time < w.previous_end or w.end_time > w.next_start
"""

# the batch, and what happens to each booking (verdict: group | individual | a conflict kind)
BATCH = """
create temporary table bf_link on commit drop as
select b.id, b.organization_id as org, b.client_id, b.provider_id, b.service_id, b.start_time, b.end_time,
       b.status, b.session_type_id, b.created_at, coalesce(sv.capacity, 1) as capacity,
       b.status <> 'cancelled' as live, d.id is not null as double_booked,
       md5('sessionkit.individual_session:' || b.id)::uuid as new_session_id,
       case g.exact when 1 then g.exact_ids[1] end as session_id,
       case when g.matches = 0 then null
            when g.exact = 1 then 'group'
            when g.exact = 0 then 'group_session_mismatch'
            else 'ambiguous_group_session' end as verdict,
       case when g.matches > 0 then jsonb_build_object('sessions', to_jsonb(coalesce(g.exact_ids, g.all_ids)))
            else '{}'::jsonb end as detail
from public.bookings b
left join public.services sv on sv.id = b.service_id
left join bf_double d on d.id = b.id
cross join lateral (
  select count(*) as matches,
         count(*) filter (where ss.provider_id = b.provider_id and ss.ends_at = b.end_time) as exact,
         array_agg(ss.id order by ss.id) filter (where ss.provider_id = b.provider_id
           and ss.ends_at = b.end_time) as exact_ids,
         array_agg(ss.id order by ss.id) as all_ids
  from public.service_sessions ss
  where ss.organization_id = b.organization_id and ss.service_id = b.service_id
    and ss.starts_at = b.start_time
    and ss.kind in ('workshop', 'course_session')
) as g
where b.id = any(%(ids)s::uuid[]) and b.service_session_id is null;

-- the group sessions' load once every matching legacy booking is in: live bookings linked
-- already plus live unlinked bookings of the same session (service, provider and start)
create temporary table bf_load on commit drop as
select ss.id as session_id, ss.max_participants,
       (select count(*) from public.bookings x where x.service_session_id = ss.id and x.status <> 'cancelled')
       + (select count(*) from public.bookings x
          where x.service_session_id is null and x.status <> 'cancelled'
            and x.organization_id = ss.organization_id and x.service_id = ss.service_id
            and x.start_time = ss.starts_at and x.provider_id = ss.provider_id) as load
from public.service_sessions ss
where ss.id in (select session_id from bf_link where verdict = 'group');

update bf_link l
set verdict = 'group_session_over_capacity', session_id = null,
    detail = jsonb_build_object('session_id', d.session_id, 'max_participants', d.max_participants,
                                'live_bookings', d.load)
from bf_load d
where d.session_id = l.session_id and l.live and d.load > d.max_participants;

update bf_link l
set verdict = 'duplicate_group_booking',
    detail = jsonb_build_object('session_id', l.session_id, 'client_id', l.client_id),
    session_id = null
from public.service_sessions ss
where l.verdict = 'group' and l.live and ss.id = l.session_id
  and exists (
    select 1 from public.bookings x
    where x.client_id = l.client_id and x.id <> l.id and x.status <> 'cancelled'
      and (x.service_session_id = ss.id
           or (x.service_session_id is null and x.organization_id = ss.organization_id
               and x.service_id = ss.service_id and x.start_time = ss.starts_at
               and x.provider_id = ss.provider_id)));

update bf_link l
set verdict = case when l.capacity > 1 then 'group_booking_without_session'
                   when l.live and l.double_booked then 'provider_double_booked'
                   else 'individual' end
where l.verdict is null
"""

PLACEHOLDERS = f"""
insert into public.services (id, organization_id, name, description, price, capacity, is_active)
select distinct md5('sessionkit.legacy_service:' || l.org)::uuid, l.org, '{PLACEHOLDER_NAME}',
       'Created by the service_sessions backfill for legacy bookings that named no service. Not bookable.',
       0, 1, false
from bf_link l
where l.verdict = 'individual' and l.service_id is null
on conflict (id) do nothing;

update bf_link l set service_id = md5('sessionkit.legacy_service:' || l.org)::uuid
where l.verdict = 'individual' and l.service_id is null
"""

# the batch's group sessions hold exactly their live bookings: before the links (a stale legacy
# count put right, so a participant trigger counts each link from the truth) and after them
# (a no-op where a trigger counted, the count itself where none is deployed)
RECOUNT_GROUPS = f"""update public.service_sessions ss
set current_participants = {LIVE_COUNT.format(session="ss.id")}
where ss.id in (select l.session_id from bf_link l where l.verdict = 'group')
  and ss.current_participants <> {LIVE_COUNT.format(session="ss.id")};"""

# {on_conflict}: nothing (the usual case: one pass of index work), or "on conflict do nothing"
# when the provider's calendar has no room for some session (an overlapping live session: the
# exclusion constraint), which is then not inserted and its booking is a double-booking too
SESSIONS = """
create temporary table bf_created on commit drop as
with created as (
  insert into public.service_sessions
    (id, organization_id, service_id, provider_id, session_type_id, kind, visibility, starts_at, ends_at,
     max_participants, current_participants, status, created_at)
  select l.new_session_id, l.org, l.service_id, l.provider_id, l.session_type_id,
         'individual', 'private', l.start_time, l.end_time, 1, 0,
         case l.status when 'cancelled' then 'cancelled' when 'completed' then 'completed'
                       when 'no_show' then 'completed' else 'scheduled' end,
         l.created_at
  from bf_link l
  where l.verdict = 'individual'
  order by l.id
  {on_conflict}
  returning id
)
select id from created
"""

WRITE = f"""
update bf_link l set verdict = 'provider_double_booked'
where l.verdict = 'individual' and not exists (select 1 from bf_created c where c.id = l.new_session_id);

update bf_link l
set detail = jsonb_build_object(
      'sessions', (select jsonb_agg(s.id order by s.id) from public.service_sessions s
                   where s.provider_id = l.provider_id and s.status <> 'cancelled'
                     and tstzrange(s.starts_at, s.ends_at) && tstzrange(l.start_time, l.end_time)),
      'bookings', (select jsonb_agg(x.id order by x.id) from public.bookings x
                   where x.provider_id = l.provider_id and x.id <> l.id and x.service_session_id is null
                     and x.status <> 'cancelled' and x.start_time < l.end_time and x.end_time > l.start_time
                     and x.start_time > l.start_time - %(max_length)s::interval))
where l.verdict = 'provider_double_booked';

{RECOUNT_GROUPS}

update public.bookings b
set service_session_id = coalesce(l.session_id, l.new_session_id), service_id = l.service_id
from bf_link l
where b.id = l.id and l.verdict in ('group', 'individual');

{RECOUNT_GROUPS}

update public.service_sessions ss
set current_participants = 1
from bf_link l
where ss.id = l.new_session_id and l.verdict = 'individual' and l.live and ss.current_participants <> 1
"""

TALLY = """
select count(*) filter (where verdict = 'individual'), count(*) filter (where verdict = 'group'),
       count(*) filter (where verdict = 'individual' and service_id = md5('sessionkit.legacy_service:'
         || org)::uuid)
from bf_link
"""


def _statements(sql: str) -> list[str]:
    return [s for s in sql.split(";\n") if s.strip()]


class Link(Step):
    name = "link"
    title = "link bookings: group sessions, or a private individual session"
    key = ("b.id",)
    source = "public.bookings b"
    pending = "b.service_session_id is null"
    recent = "age(b.xmin) <= age(%(since)s::xid)"
    lock = "b"

    def prepare(self, conn: Any, params: dict[str, Any]) -> None:
        """Per pass: the legacy double-bookings (bf_double, a session temp table), and the longest
        legacy booking, which bounds the overlap look-ups on (provider_id, start_time)."""
        with conn.transaction():
            for statement in _statements(DOUBLES):
                conn.execute(statement)
        row = conn.execute(
            """select coalesce(max(end_time - start_time), interval '1 day')::text
               from public.bookings where service_session_id is null"""
        ).fetchone()
        params["max_length"] = row[0] if row else "1 day"

    def process(self, ctx: BatchContext, keys: Sequence[Key]) -> dict[str, int]:
        params = ctx.params | {"ids": ids(keys)}
        for statement in _statements(BATCH) + _statements(PLACEHOLDERS):
            ctx.conn.execute(statement, params)
        try:
            with ctx.conn.transaction():  # a savepoint
                ctx.conn.execute(SESSIONS.format(on_conflict=""))
        except errors.ExclusionViolation:
            ctx.conn.execute(SESSIONS.format(on_conflict="on conflict do nothing"))
        for statement in _statements(WRITE):
            ctx.conn.execute(statement, params)
        for kind, reason in REASONS.items():
            ctx.conflicts(
                kind,
                """select l.id::text, %(reason)s,
                          l.detail || jsonb_build_object('booking_id', l.id, 'provider_id', l.provider_id,
                                                         'starts_at', l.start_time, 'ends_at', l.end_time)
                   from bf_link l where l.verdict = %(kind)s""",
                {"reason": reason, "kind": kind},
            )
        row = ctx.conn.execute(TALLY).fetchone()
        assert row is not None
        return {
            "sessions_created": int(row[0]),
            "linked_to_group_sessions": int(row[1]),
            "linked_to_legacy_service": int(row[2]),
        }


class Participants(Step):
    name = "participants"
    title = "recompute group sessions' participant counts"
    key = ("ss.id",)
    source = "public.service_sessions ss"
    pending = f"ss.kind in {GROUP_KINDS} and ss.current_participants <> {LIVE_COUNT.format(session='ss.id')}"
    recent = "age(ss.xmin) <= age(%(since)s::xid)"
    lock = "ss"

    def process(self, ctx: BatchContext, keys: Sequence[Key]) -> dict[str, int]:
        params = {"ids": ids(keys)}
        updated = ctx.conn.execute(
            f"""update public.service_sessions ss
                set current_participants = {LIVE_COUNT.format(session="ss.id")}, updated_at = now()
                where ss.id = any(%(ids)s::uuid[])
                  and {LIVE_COUNT.format(session="ss.id")} <= ss.max_participants""",
            params,
        ).rowcount
        ctx.conflicts(
            "group_session_over_capacity",
            f"""select ss.id::text, 'the session holds more live bookings than max_participants',
                       jsonb_build_object('session_id', ss.id, 'max_participants', ss.max_participants,
                                          'live_bookings', {LIVE_COUNT.format(session="ss.id")})
                from public.service_sessions ss
                where ss.id = any(%(ids)s::uuid[])
                  and {LIVE_COUNT.format(session="ss.id")} > ss.max_participants""",
            params,
        )
        return {"participant_counts_fixed": max(updated, 0)}


def _kind(name: str, meaning: str, resolution: str) -> ConflictKind:
    return ConflictKind(name, meaning, resolution, blocks="bookings.service_session_id not null")


@register
class ServiceSessions(Backfill):
    name = NAME
    title = "A service session for every booking"
    description = (
        "A private individual session for every legacy 1-to-1 booking, workshop/course bookings linked to "
        "their session, kind/visibility for legacy sessions, participant counts recomputed; legacy "
        "double-bookings become conflicts."
    )
    depends_on = ("booking_kinds",)
    meets = AT_EVERY_STOP
    conflict_kinds = (
        _kind(
            "provider_double_booked",
            "A live 1-to-1 booking overlaps another live session or booking of the same provider (the "
            "provider was double-booked in the legacy app). Both bookings are logged.",
            "Decide which booking stands: cancel the other (cancel_booking, or for a past one update its "
            "status to 'cancelled' as postgres) or move it (update its start_time/end_time), then run the "
            "backfill again.",
        ),
        _kind(
            "group_booking_without_session",
            "A booking of a group service (capacity > 1) has no session of that service at its start time.",
            "Create the missing session (create_service_session) or correct the booking's service/time, "
            "then run again.",
        ),
        _kind(
            "ambiguous_group_session",
            "Several workshop/course sessions of the booking's service start at its start time.",
            "Cancel or merge the duplicate sessions (see the service_session_duplicate_times view), then "
            "run again.",
        ),
        _kind(
            "group_session_mismatch",
            "The session of the booking's service at its start time has another provider or end time.",
            "Correct the booking's provider/end time or the session's, then run again.",
        ),
        _kind(
            "group_session_over_capacity",
            "Linking its live bookings would put more participants in a group session than its "
            "max_participants.",
            "Raise the session's max_participants or cancel surplus bookings, then run again.",
        ),
        _kind(
            "duplicate_group_booking",
            "A client holds two live bookings for the same group session.",
            "Cancel the duplicate booking, then run again.",
        ),
    )
    steps = (Classify(), Link(), Participants())
    counts_sql: ClassVar[dict[str, str]] = {
        "bookings_without_session": "select count(*) from public.bookings where service_session_id is null",
        "sessions_unclassified": """select count(*) from public.service_sessions
            where kind is null or visibility is null""",
        "individual_sessions": "select count(*) from public.service_sessions where kind = 'individual'",
        "group_sessions": f"select count(*) from public.service_sessions where kind in {GROUP_KINDS}",
        "group_participants_stale": f"""select count(*) from public.service_sessions ss
            where {Participants.pending}""",
    }
    checks = (
        Check(
            "unlinked_without_conflict",
            "bookings without a service session and without an open conflict",
            """select count(*) from public.bookings b
               where b.service_session_id is null and not exists (
                 select 1 from ops.backfill_conflicts c
                 where c.backfill = 'service_sessions' and c.row_key = b.id::text
                   and c.resolved_at is null)""",
        ),
        Check(
            "sessions_unclassified",
            "service sessions without kind or visibility",
            "select count(*) from public.service_sessions where kind is null or visibility is null",
        ),
        Check(
            "deprecated_times_differ",
            "bookings whose start_time/end_time differ from their session's",
            """select count(*) from public.bookings b
               join public.service_sessions ss on ss.id = b.service_session_id
               where b.start_time <> ss.starts_at or b.end_time <> ss.ends_at""",
        ),
        Check(
            "participants_stale",
            "group sessions whose participant count is not their live bookings "
            "(over-capacity conflicts aside)",
            f"""select count(*) from public.service_sessions ss where {Participants.pending}
                and {LIVE_COUNT.format(session="ss.id")} <= ss.max_participants""",
        ),
    )

    def preview(self, conn: Any) -> list[tuple[str, int]]:
        row = conn.execute(
            f"""select (select count(*) from public.service_sessions
                        where kind is null or visibility is null),
                       (select count(*) from public.bookings b where b.service_session_id is null
                          and not exists (select 1 from public.service_sessions ss
                                          where ss.organization_id = b.organization_id
                                            and ss.service_id = b.service_id
                                            and ss.starts_at = b.start_time and ss.kind is distinct
                                              from 'individual')),
                       (select count(*) from public.bookings b where b.service_session_id is null
                          and exists (select 1 from public.service_sessions ss
                                      where ss.organization_id = b.organization_id
                                        and ss.service_id = b.service_id
                                        and ss.starts_at = b.start_time and ss.kind is distinct
                                          from 'individual')),
                       (select count(*) from public.service_sessions ss where {Participants.pending})""",
            {},
        ).fetchone()
        assert row is not None
        return [
            ("legacy sessions to classify (kind, visibility)", int(row[0])),
            ("1-to-1 bookings to give a private session (double-bookings become conflicts)", int(row[1])),
            ("bookings to link to their workshop/course session", int(row[2])),
            ("group sessions with a stale participant count", int(row[3])),
        ]
