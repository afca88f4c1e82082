"""session_types: per-organization session types from legacy package durations.

Steps:
  1. packages  - read every packages.duration (rules in sessionkit.backfill.durations); one
                 session type per (organization, minutes), named canonically, so "3h" and
                 "180 min" become one "3 Hour Session" (an existing type of that length is
                 reused); the reading is recorded in ops.legacy_package_durations;
                 unparseable/ambiguous values are conflicts;
  2. defaults  - the organization default, where exactly one active type exists and none is set;
  3. services  - a service gets the type of its usual length: the length of at least 80% of its
                 bookings and sessions, when exactly one type of the organization lasts that
                 long; a 1-to-1 service left without type in an organization without a default
                 is a conflict (it cannot be booked until someone chooses);
  4. sessions  - legacy service sessions, 5. bookings - legacy bookings: the type whose
                 duration equals their own length, when exactly one type of the organization
                 has it (else left null, as seed 000 asks).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from sessionkit.backfill.base import Backfill, BatchContext, Check, ConflictKind, Key, Step
from sessionkit.backfill.durations import read_duration, type_name
from sessionkit.backfill.registry import register
from sessionkit.backfill.tasks.sql import ids
from sessionkit.backfill.triggers import AT_EVERY_STOP

NAME = "session_types"
TYPE_DESCRIPTION = "Derived by the session_types backfill from legacy package durations."

# The type of each (organization, length): the canonically named type of that length, else
# the only type of that length; null when several types share it and none has the canonical name.
TYPE_MAP = """(select st.organization_id, st.duration_minutes as minutes,
    coalesce((array_agg(st.id order by st.id) filter (
                where lower(st.name) = lower(case when mod(st.duration_minutes, 60) = 0
                                                  then (st.duration_minutes / 60)::text || ' Hour Session'
                                                  else st.duration_minutes::text
                                                    || ' Minute Session' end)))[1],
             case when count(*) = 1 then (array_agg(st.id))[1] end) as type_id
  from public.session_types st
  group by st.organization_id, st.duration_minutes)"""

# types referenced from here on cannot be deleted or renamed under the batch (its writes bypass
# the foreign key checks); session types change rarely and the lock lasts one batch
LOCK_TYPES = "lock table public.session_types in share mode"


def length_minutes(starts: str, ends: str) -> str:
    return f"round(extract(epoch from ({ends} - {starts})) / 60)::integer"


def has_duration(conn: Any) -> bool:
    """packages.duration is still there (the contract migration drops it)."""
    row = conn.execute(
        """select exists (select 1 from information_schema.columns
                          where table_schema = 'public' and table_name = 'packages'
                            and column_name = 'duration')"""
    ).fetchone()
    return bool(row and row[0])


DURATION_FIGURES = ("packages_with_duration", "packages_unread")

# a package whose current duration the backfill has not read at all
UNREAD = """p.duration is not null and not exists (
    select 1 from ops.legacy_package_durations m where m.package_id = p.id and m.raw_duration = p.duration)"""


class ReadPackages(Step):
    name = "packages"
    title = "read package durations, create session types"
    key = ("p.id",)
    source = "public.packages p"
    # a duration not read yet, or read without becoming a type (a conflict): read again every run,
    # so a conflict the operator fixed is found fixed (and one still there is logged again)
    pending = """p.duration is not null and not exists (
        select 1 from ops.legacy_package_durations m where m.package_id = p.id
          and m.raw_duration = p.duration and m.session_type_id is not null)"""
    recent = "age(p.xmin) <= age(%(since)s::xid)"

    def applies(self, conn: Any) -> bool:
        return has_duration(conn)

    def process(self, ctx: BatchContext, keys: Sequence[Key]) -> dict[str, int]:
        ctx.conn.execute(LOCK_TYPES)
        rows = ctx.conn.execute(
            """select id::text, organization_id::text, duration from public.packages
               where id = any(%s::uuid[])""",
            (ids(keys),),
        ).fetchall()
        readings = [(pid, org, raw, read_duration(raw)) for pid, org, raw in rows if raw is not None]
        wanted = sorted(
            {(org, r.minutes) for _, org, _, r in readings if r.outcome == "parsed" and r.minutes}
        )
        created = ctx.conn.execute(
            """insert into public.session_types
                  (id, organization_id, name, description, duration_minutes, sort_order, is_active)
                select md5('sessionkit.session_type:' || w.org || ':' || w.minutes)::uuid, w.org,
                       w.name, %(description)s, w.minutes, w.minutes, true
                from unnest(%(orgs)s::uuid[], %(minutes)s::integer[], %(names)s::text[]) as w (org,
                  minutes, name)
                where not exists (select 1 from public.session_types st
                                  where st.organization_id = w.org and st.duration_minutes = w.minutes)
                on conflict do nothing""",
            {
                "orgs": [org for org, _ in wanted],
                "minutes": [m for _, m in wanted],
                "names": [type_name(int(m or 0)) for _, m in wanted],
                "description": TYPE_DESCRIPTION,
            },
        ).rowcount
        ctx.conn.execute(
            f"""insert into ops.legacy_package_durations
                  (package_id, organization_id, raw_duration, minutes, outcome, session_type_id, mapped_at)
                select r.id, r.org, r.raw, r.minutes, r.outcome, case when r.outcome = 'parsed'
                  then m.type_id end, now()
                from unnest(%(ids)s::uuid[], %(orgs)s::uuid[], %(raws)s::text[], %(minutes)s::integer[],
                            %(outcomes)s::text[]) as r (id, org, raw, minutes, outcome)
                left join {TYPE_MAP} as m on m.organization_id = r.org and m.minutes = r.minutes
                on conflict (package_id) do update
                set raw_duration = excluded.raw_duration, minutes = excluded.minutes,
                  outcome = excluded.outcome,
                    session_type_id = excluded.session_type_id, mapped_at = excluded.mapped_at""",
            {
                "ids": [pid for pid, _, _, _ in readings],
                "orgs": [org for _, org, _, _ in readings],
                "raws": [raw for _, _, raw, _ in readings],
                "minutes": [r.minutes for _, _, _, r in readings],
                "outcomes": [r.outcome for _, _, _, r in readings],
            },
        )
        for kind, outcomes in (
            ("unparseable_duration", ("unparseable", "out_of_range")),
            ("ambiguous_duration", ("ambiguous",)),
        ):
            chosen = [(pid, raw, r.reason) for pid, _, raw, r in readings if r.outcome in outcomes]
            if chosen:
                ctx.conflicts(
                    kind,
                    """select c.id, c.reason, jsonb_build_object('package_id', c.id, 'duration', c.raw)
                       from unnest(%(cids)s::text[], %(craws)s::text[], %(creasons)s::text[]) as c (id,
                         raw, reason)""",
                    {
                        "cids": [c[0] for c in chosen],
                        "craws": [c[1] for c in chosen],
                        "creasons": [c[2] for c in chosen],
                    },
                )
        ctx.conflicts(
            "ambiguous_session_type",
            """select m.package_id::text,
                      format('several session types of the organization last %%s minutes; none is named %%L',
                             m.minutes, case when mod(m.minutes, 60) = 0 then (m.minutes / 60)::text
                               || ' Hour Session'
                                             else m.minutes::text || ' Minute Session' end),
                      jsonb_build_object('package_id', m.package_id, 'duration', m.raw_duration, 'minutes',
                        m.minutes)
               from ops.legacy_package_durations m
               where m.package_id = any(%(ids)s::uuid[]) and m.outcome = 'parsed'
                 and m.session_type_id is null""",
            {"ids": [pid for pid, _, _, _ in readings]},
        )
        return {"packages_read": len(readings), "session_types_created": max(created, 0)}


class SetDefaults(Step):
    name = "defaults"
    title = "set organization defaults"
    key = ("o.id",)
    source = "public.organizations o"
    pending = """(select count(*) from public.session_types st
                  where st.organization_id = o.id and st.is_active) = 1
        and not exists (select 1 from public.organization_settings s
                        where s.organization_id = o.id and s.default_session_type_id is not null)"""
    recent = """age(o.xmin) <= age(%(since)s::xid) or exists (
        select 1 from public.session_types st where st.organization_id = o.id
          and age(st.xmin) <= age(%(since)s::xid))"""

    def process(self, ctx: BatchContext, keys: Sequence[Key]) -> dict[str, int]:
        orgs = ids(keys)
        created = ctx.conn.execute(
            """insert into public.organization_settings (organization_id)
               select unnest(%s::uuid[]) on conflict (organization_id) do nothing""",
            (orgs,),
        ).rowcount
        updated = ctx.conn.execute(
            """update public.organization_settings s
               set default_session_type_id = st.id, updated_at = now()
               from public.session_types st
               where s.organization_id = any(%s::uuid[])
                 and s.default_session_type_id is null
                 and st.organization_id = s.organization_id and st.is_active
                 and (select count(*) from public.session_types x
                      where x.organization_id = s.organization_id and x.is_active) = 1""",
            (orgs,),
        ).rowcount
        return {"settings_created": max(created, 0), "defaults_set": max(updated, 0)}


class TypeServices(Step):
    name = "services"
    title = "link services to the type of their usual length"
    key = ("sv.id",)
    source = "public.services sv"
    pending = "sv.session_type_id is null"
    recent = "age(sv.xmin) <= age(%(since)s::xid)"
    lock = "sv"

    DECIDE = f"""
    create temporary table bf_service_types on commit drop as
    with lengths as (
      select b.service_id, {length_minutes("b.start_time", "b.end_time")} as minutes, count(*) as n
      from public.bookings b where b.service_id = any(%(ids)s::uuid[]) group by 1, 2
      union all
      select ss.service_id, {length_minutes("ss.starts_at", "ss.ends_at")}, count(*)
      from public.service_sessions ss where ss.service_id = any(%(ids)s::uuid[]) group by 1, 2
    ),
    summed as (select service_id, minutes, sum(n) as n from lengths group by 1, 2),
    ranked as (
      select s.*, sum(s.n) over (partition by s.service_id) as total,
             row_number() over (partition by s.service_id order by s.n desc, s.minutes) as rank
      from summed s
    )
    select sv.id, sv.organization_id, sv.capacity, sv.is_active, r.minutes, r.n, r.total,
           case when r.n >= 0.8 * r.total then m.type_id end as type_id,
           exists (select 1 from public.organization_settings os
                   join public.session_types d on d.id = os.default_session_type_id and d.is_active
                   where os.organization_id = sv.organization_id)
             or (select count(*) from public.session_types st
                 where st.organization_id = sv.organization_id and st.is_active) = 1 as has_default
    from public.services sv
    left join ranked r on r.service_id = sv.id and r.rank = 1
    left join {TYPE_MAP} as m on m.organization_id = sv.organization_id and m.minutes = r.minutes
    where sv.id = any(%(ids)s::uuid[])
    """

    def process(self, ctx: BatchContext, keys: Sequence[Key]) -> dict[str, int]:
        params = {"ids": ids(keys)}
        ctx.conn.execute(LOCK_TYPES)
        ctx.conn.execute(self.DECIDE, params)
        typed = ctx.conn.execute(
            """update public.services sv set session_type_id = d.type_id, updated_at = now()
               from bf_service_types d where d.id = sv.id and d.type_id is not null
                 and sv.session_type_id is null"""
        ).rowcount
        ctx.conflicts(
            "service_type_undetermined",
            """select d.id::text,
                      case when d.minutes is null then 'no bookings or sessions show its length'
                           when d.n < 0.8 * d.total
                             then format('no usual length: %%s of %%s of its bookings last %%s minutes',
                                                                 d.n, d.total, d.minutes)
                           else format('its usual length, %%s minutes, matches no single session type',
                             d.minutes)
                      end || '; the organization has no default session type, so it cannot be booked',
                      jsonb_build_object('service_id', d.id, 'usual_minutes', d.minutes, 'share',
                                         round(d.n::numeric / nullif(d.total, 0), 2))
               from bf_service_types d
               where d.type_id is null and d.capacity = 1 and d.is_active and not d.has_default""",
            {},
        )
        return {"services_typed": max(typed, 0)}


def _typable(alias: str, starts: str, ends: str) -> str:
    """The row has no type and its length determines one."""
    return f"""{alias}.session_type_id is null and exists (
        select 1 from {TYPE_MAP} as m
        where m.organization_id = {alias}.organization_id and m.type_id is not null
          and m.minutes = {length_minutes(f"{alias}.{starts}", f"{alias}.{ends}")})"""


def _type_by_length(table: str, alias: str, starts: str, ends: str) -> str:
    return f"""update {table} {alias} set session_type_id = m.type_id
        from {TYPE_MAP} as m
        where {alias}.id = any(%s::uuid[]) and {alias}.session_type_id is null
          and m.organization_id = {alias}.organization_id and m.type_id is not null
          and m.minutes = {length_minutes(f"{alias}.{starts}", f"{alias}.{ends}")}"""


class TypeSessions(Step):
    name = "sessions"
    title = "link legacy service sessions by length"
    key = ("ss.id",)
    source = "public.service_sessions ss"
    pending = _typable("ss", "starts_at", "ends_at")
    recent = "age(ss.xmin) <= age(%(since)s::xid)"

    def process(self, ctx: BatchContext, keys: Sequence[Key]) -> dict[str, int]:
        ctx.conn.execute(LOCK_TYPES)
        typed = ctx.conn.execute(
            _type_by_length("public.service_sessions", "ss", "starts_at", "ends_at"), (ids(keys),)
        )
        return {"sessions_typed": max(typed.rowcount, 0)}


class TypeBookings(Step):
    name = "bookings"
    title = "link legacy bookings by length"
    key = ("b.id",)
    source = "public.bookings b"
    pending = _typable("b", "start_time", "end_time")
    recent = "age(b.xmin) <= age(%(since)s::xid)"
    scan = "range"

    def process(self, ctx: BatchContext, keys: Sequence[Key]) -> dict[str, int]:
        ctx.conn.execute(LOCK_TYPES)
        typed = ctx.conn.execute(
            _type_by_length("public.bookings", "b", "start_time", "end_time"), (ids(keys),)
        )
        return {"bookings_typed": max(typed.rowcount, 0)}


@register
class SessionTypes(Backfill):
    name = NAME
    meets = AT_EVERY_STOP
    title = "Session types from legacy package durations"
    description = (
        'Per-organization session types derived from packages.duration ("3h" and "180 min" become one '
        '"3 Hour Session"); services, legacy sessions and bookings linked where their length clearly '
        "determines the type; the organization default set where exactly one active type exists."
    )
    conflict_kinds = (
        ConflictKind(
            "unparseable_duration",
            'A package\'s duration is not a length ("", "tbd") or is outside 1..1440 minutes.',
            "Correct packages.duration (e.g. '90 min') or set it to null when the package has no "
            "length, then run the backfill again.",
            blocks="drop packages.duration",
        ),
        ConflictKind(
            "ambiguous_duration",
            'A package\'s duration could mean several lengths: a bare small number ("3": hours or '
            'minutes?) or a range ("1-2h").',
            "Write the intended length into packages.duration (e.g. '3h') or set it to null, then run "
            "the backfill again.",
            blocks="drop packages.duration",
        ),
        ConflictKind(
            "ambiguous_session_type",
            "The organization already has several session types of the package's length, none with the "
            "canonical name.",
            "Retire (is_active = false) or rename all but one of them to the canonical name "
            '("1 Hour Session"), then run the backfill again.',
            blocks="drop packages.duration",
        ),
        ConflictKind(
            "service_type_undetermined",
            "A 1-to-1 service has no usual length that names exactly one session type, and its "
            "organization has no default type: slots cannot be searched or booked for it.",
            "Set services.session_type_id, or the organization default with set_default_session_type(); "
            "the next run finds it fixed. Or accept it (`conflicts session_types --accept ID`).",
            acceptable=True,
        ),
    )
    steps = (ReadPackages(), SetDefaults(), TypeServices(), TypeSessions(), TypeBookings())
    counts_sql: ClassVar[dict[str, str]] = {
        "packages_with_duration": "select count(*) from public.packages where duration is not null",
        "packages_unread": f"select count(*) from public.packages p where {UNREAD}",
        "session_types": "select count(*) from public.session_types",
        "organizations_without_types": """select count(*) from public.organizations o
            where not exists (select 1 from public.session_types st where st.organization_id = o.id)""",
        "organizations_without_default": """select count(*) from public.organizations o
            where not exists (select 1 from public.organization_settings s
                              where s.organization_id = o.id and s.default_session_type_id is not null)""",
        "services_without_type": "select count(*) from public.services where session_type_id is null",
        "sessions_without_type": "select count(*) from public.service_sessions where session_type_id is null",
        "bookings_without_type": "select count(*) from public.bookings where session_type_id is null",
    }
    checks = (
        Check(
            "packages_unread",
            "packages whose current duration the backfill has not read",
            f"select count(*) from public.packages p where {UNREAD}",
        ),
        Check(
            "defaults_missing",
            "organizations with exactly one active type and no default",
            f"select count(*) from public.organizations o where {SetDefaults.pending}",
        ),
        Check(
            "sessions_typable",
            "service sessions whose length determines a type they do not carry",
            f"select count(*) from public.service_sessions ss where {TypeSessions.pending}",
        ),
        Check(
            "bookings_typable",
            "bookings whose length determines a type they do not carry",
            f"select count(*) from public.bookings b where {TypeBookings.pending}",
        ),
    )

    def active_counts(self, conn: Any) -> dict[str, str]:
        if has_duration(conn):
            return self.counts_sql
        return {k: v for k, v in self.counts_sql.items() if k not in DURATION_FIGURES}

    def active_checks(self, conn: Any) -> tuple[Check, ...]:
        if has_duration(conn):
            return self.checks
        return tuple(c for c in self.checks if c.name not in DURATION_FIGURES)

    def preview(self, conn: Any) -> list[tuple[str, int]]:
        if not has_duration(conn):
            return [("services without a type", _count(conn, self.counts_sql["services_without_type"]))]
        rows = conn.execute(
            "select id, organization_id, duration from public.packages where duration is not null"
        ).fetchall()
        readings = [(org, read_duration(raw)) for _, org, raw in rows]
        new_types = {(org, r.minutes) for org, r in readings if r.outcome == "parsed"}
        return [
            ("package durations to read", len(rows)),
            ("distinct (organization, length) session types needed", len(new_types)),
            (
                "package durations that will be conflicts",
                sum(1 for _, r in readings if r.outcome != "parsed"),
            ),
            ("services without a type", _count(conn, self.counts_sql["services_without_type"])),
            ("legacy sessions without a type", _count(conn, self.counts_sql["sessions_without_type"])),
            ("bookings without a type", _count(conn, self.counts_sql["bookings_without_type"])),
        ]


def _count(conn: Any, sql: str, params: dict[str, Any] | None = None) -> int:
    row = conn.execute(sql, params).fetchone()
    return int(row[0]) if row else 0
