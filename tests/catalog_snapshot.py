"""A snapshot of what a database is, as a set of facts, to prove what a command changed.

Facts cover schemas, relations, columns, functions, triggers, policies, extensions, grants
(ACLs of each), default privileges, database and role settings, roles and memberships.
Objects that belong to an extension are represented by the extension itself.
"""

from __future__ import annotations

from dataclasses import dataclass

import psycopg

Fact = tuple[str, ...]

NOT_SYSTEM = (
    "n.nspname not in ('pg_catalog', 'information_schema', 'pg_toast') and n.nspname not like 'pg_temp%'"
)
NOT_IN_EXTENSION = (
    "not exists (select 1 from pg_depend d where d.classid = {catalog}::regclass and d.objid = {oid}"
    " and d.deptype = 'e')"
)

QUERIES: dict[str, str] = {
    "schema": f"""
        select n.nspname, n.nspowner::regrole::text, coalesce(n.nspacl::text, ''),
               coalesce(obj_description(n.oid, 'pg_namespace'), '')
        from pg_namespace n where {NOT_SYSTEM}
          and {NOT_IN_EXTENSION.format(catalog="'pg_namespace'", oid="n.oid")}""",
    "relation": f"""
        select n.nspname, c.relname, c.relkind::text, c.relowner::regrole::text, coalesce(c.relacl::text, ''),
               coalesce(c.reloptions::text, ''), c.relrowsecurity::text
        from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where {NOT_SYSTEM} and c.relkind in ('r', 'p', 'v', 'm', 'S', 'f')
          and {NOT_IN_EXTENSION.format(catalog="'pg_class'", oid="c.oid")}""",
    "column": f"""
        select n.nspname, c.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull::text,
               coalesce(pg_get_expr(ad.adbin, ad.adrelid), ''), coalesce(a.attacl::text, '')
        from pg_attribute a
        join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace
        left join pg_attrdef ad on ad.adrelid = a.attrelid and ad.adnum = a.attnum
        where {NOT_SYSTEM} and c.relkind in ('r', 'p', 'v', 'm', 'f') and a.attnum > 0 and not a.attisdropped
          and {NOT_IN_EXTENSION.format(catalog="'pg_class'", oid="c.oid")}""",
    "function": f"""
        select n.nspname, p.oid::regprocedure::text, p.proowner::regrole::text, coalesce(p.proacl::text, ''),
               p.prosecdef::text, coalesce(p.proconfig::text, ''), md5(p.prosrc)
        from pg_proc p join pg_namespace n on n.oid = p.pronamespace
        where {NOT_SYSTEM} and {NOT_IN_EXTENSION.format(catalog="'pg_proc'", oid="p.oid")}""",
    "trigger": f"""
        select n.nspname, c.relname, t.tgname, t.tgenabled::text, t.tgfoid::regprocedure::text
        from pg_trigger t join pg_class c on c.oid = t.tgrelid join pg_namespace n on n.oid = c.relnamespace
        where {NOT_SYSTEM} and not t.tgisinternal""",
    "constraint": f"""
        select n.nspname, c.relname, k.conname, pg_get_constraintdef(k.oid)
        from pg_constraint k
        join pg_class c on c.oid = k.conrelid join pg_namespace n on n.oid = c.relnamespace
        where {NOT_SYSTEM} and {NOT_IN_EXTENSION.format(catalog="'pg_class'", oid="c.oid")}""",
    "policy": """
        select schemaname::text, tablename::text, policyname::text, cmd, roles::text,
               coalesce(qual, ''), coalesce(with_check, '')
        from pg_policies""",
    "extension": """
        select e.extname, e.extnamespace::regnamespace::text, e.extversion, e.extowner::regrole::text
        from pg_extension e""",
    "default_acl": """
        select d.defaclrole::regrole::text, coalesce(d.defaclnamespace::regnamespace::text, '-'),
               d.defaclobjtype::text, d.defaclacl::text
        from pg_default_acl d""",
    "database": """
        select d.datname, d.datdba::regrole::text, coalesce(d.datacl::text, '')
        from pg_database d where d.datname = current_database()""",
    "setting": """
        select coalesce(s.setrole::regrole::text, '-'), coalesce(d.datname, '-'), s.setconfig::text
        from pg_db_role_setting s left join pg_database d on d.oid = s.setdatabase
        where s.setdatabase in (0, (select oid from pg_database where datname = current_database()))""",
    "role": """
        select r.rolname, r.rolsuper::text, r.rolinherit::text, r.rolcreaterole::text, r.rolcreatedb::text,
               r.rolcanlogin::text, r.rolbypassrls::text
        from pg_roles r""",
    "membership": """
        select m.roleid::regrole::text, m.member::regrole::text, m.admin_option::text
        from pg_auth_members m""",
    "event_trigger": """
        select e.evtname, e.evtevent, e.evtfoid::regprocedure::text, e.evtenabled::text
        from pg_event_trigger e""",
}


@dataclass(frozen=True)
class Snapshot:
    facts: frozenset[Fact]

    def minus(self, other: Snapshot) -> set[Fact]:
        return set(self.facts - other.facts)


def snapshot(url: str) -> Snapshot:
    facts: set[Fact] = set()
    with psycopg.connect(url, autocommit=True) as conn:
        for kind, query in QUERIES.items():
            facts.update((kind, *map(str, row)) for row in conn.execute(query).fetchall())
    return Snapshot(frozenset(facts))
