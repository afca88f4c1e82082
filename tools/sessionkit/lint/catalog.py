"""Catalog lint: rules read from the migrated database, reported at the defining source line."""

from __future__ import annotations

from dataclasses import dataclass

import psycopg

from sessionkit.config import Project
from sessionkit.lint.definer_allowlist import allowlist_findings, anon_allowlist_findings
from sessionkit.lint.findings import Finding
from sessionkit.lint.sources import locate


@dataclass(frozen=True)
class CatalogRule:
    name: str
    kind: str  # what `locate` looks for: table, function, policy, view, index
    message: str
    query: str  # returns one column: the offending object's name


RULES: tuple[CatalogRule, ...] = (
    CatalogRule(
        "rls-disabled",
        "table",
        "public table without row level security",
        """
        select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = 'public' and c.relkind in ('r', 'p') and not c.relrowsecurity
        """,
    ),
    CatalogRule(
        "definer-without-search-path",
        "function",
        "security definer function without `set search_path = ''`",
        """
        select p.oid::regprocedure::text from pg_proc p join pg_namespace n on n.oid = p.pronamespace
        where n.nspname in ('public', 'private', 'ops') and p.prosecdef
          and not exists (select 1 from unnest(coalesce(p.proconfig, '{}')) c
                          where c in ('search_path=""', 'search_path='))
        """,
    ),
    CatalogRule(
        "definer-executable-by-public",
        "function",
        "security definer function executable by PUBLIC (revoke it, grant explicitly)",
        """
        select p.oid::regprocedure::text from pg_proc p join pg_namespace n on n.oid = p.pronamespace
        where n.nspname in ('public', 'private', 'ops') and p.prosecdef
          and exists (select 1 from aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) a
                      where a.grantee = 0 and a.privilege_type = 'EXECUTE')
        """,
    ),
    CatalogRule(
        "trigger-function-callable",
        "function",
        "trigger function in public executable by anon or authenticated (callable through /rest/v1/rpc): "
        "move it to private or revoke execute",
        """
        select p.oid::regprocedure::text from pg_proc p join pg_namespace n on n.oid = p.pronamespace
        where n.nspname = 'public' and p.prorettype in ('trigger'::regtype, 'event_trigger'::regtype)
          and (has_function_privilege('anon', p.oid, 'execute')
               or has_function_privilege('authenticated', p.oid, 'execute'))
        """,
    ),
    CatalogRule(
        "auth-call-per-row",
        "policy",
        "policy calls auth.uid()/auth.jwt()/auth.role() per row: wrap it as (select auth.uid())",
        r"""
        select p.policyname || ' on ' || p.tablename from pg_policies p
        where p.schemaname = 'public'
          and (regexp_replace(coalesce(p.qual, '') || ' ' || coalesce(p.with_check, ''),
                              'SELECT auth\.(uid|jwt|role)\(\)', '', 'g') ~ 'auth\.(uid|jwt|role)\(\)')
        """,
    ),
    CatalogRule(
        "unindexed-foreign-key",
        "table",
        "foreign key without an index on its columns",
        """
        select c.conrelid::regclass::text || ' (' || c.conname || ')'
        from pg_constraint c join pg_namespace n on n.oid = c.connamespace
        where c.contype = 'f' and n.nspname in ('public', 'private', 'ops')
          and not exists (
            select 1 from pg_index i
            where i.indrelid = c.conrelid
              and (i.indkey::int2[])[0:cardinality(c.conkey) - 1] @> c.conkey
              and (i.indkey::int2[])[0:cardinality(c.conkey) - 1] <@ c.conkey)
        """,
    ),
    CatalogRule(
        "view-without-security-invoker",
        "view",
        "public view without security_invoker = true (it would bypass RLS)",
        """
        select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = 'public' and c.relkind in ('v', 'm')
          and not coalesce(c.reloptions @> '{security_invoker=true}'
                           or c.reloptions @> '{security_invoker=on}', false)
        """,
    ),
)


def run_catalog_lint(project: Project, conn: psycopg.Connection) -> list[Finding]:
    findings: list[Finding] = []
    for rule in RULES:
        for (name,) in conn.execute(rule.query).fetchall():
            file, line = locate(project, rule.kind, _object_name(rule.kind, str(name)))
            findings.append(Finding(file, line, f"catalog/{rule.name}", f"{name}: {rule.message}"))
    return findings + allowlist_findings(project, conn) + anon_allowlist_findings(project, conn)


def _object_name(kind: str, name: str) -> str:
    if kind == "function":
        return name.split("(")[0]
    if kind == "policy":
        return name.split(" on ")[0]
    return name.split(" ")[0]
