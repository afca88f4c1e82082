"""`sessionkit lint`: each linter reports `file:line: rule: message` for what it is there to catch."""

from __future__ import annotations

from sessionkit.config import Project
from sessionkit.db.connect import connect
from sessionkit.lint.catalog import run_catalog_lint
from sessionkit.lint.definer_allowlist import allowlist_findings
from sessionkit.lint.files_lint import run_sqlfluff, run_squawk
from sessionkit.lint.runner import lint_files

from .helpers import copy_project, temporary_database

BAD_MIGRATION = """\
-- A migration breaking the house style and a safety rule.
SELECT 1;

alter table public.organizations add column nickname text not null;
"""


def test_project_sources_are_lint_clean(project: Project) -> None:
    assert [str(f) for f in lint_files(project)] == []


def test_sqlfluff_flags_uppercase_keywords_with_file_and_line(project: Project, tmp_path) -> None:
    copy = copy_project(project, tmp_path)
    bad = copy.migrations_dir / "29990101000000_bad_style.sql"
    bad.write_text(BAD_MIGRATION)
    findings = [f for f in run_sqlfluff(copy, [bad])]
    assert any(
        f.file == "migrations/29990101000000_bad_style.sql" and f.line == 2 and f.rule == "sqlfluff/CP01"
        for f in findings
    )


def test_squawk_flags_an_unsafe_not_null_column(project: Project, tmp_path) -> None:
    copy = copy_project(project, tmp_path)
    (copy.migrations_dir / "29990101000000_unsafe.sql").write_text(BAD_MIGRATION)
    findings = run_squawk(copy)
    assert any(
        f.file == "migrations/29990101000000_unsafe.sql" and f.line == 4 and f.rule.startswith("squawk/")
        for f in findings
    )


def test_catalog_lint_flags_a_public_table_without_rls(project: Project, db_url: str, tmp_path) -> None:
    copy = copy_project(project, tmp_path)
    source = copy.migrations_dir / "29990101000000_open_table.sql"
    source.write_text("create table public.wide_open (id int primary key);\n")
    with temporary_database(db_url) as target, connect(target.url) as conn:
        conn.execute(source.read_text())
        findings = run_catalog_lint(copy, conn)
    assert [str(f) for f in findings if "wide_open" in f.message] == [
        "migrations/29990101000000_open_table.sql:1: catalog/rls-disabled: "
        "wide_open: public table without row level security"
    ]


def test_catalog_lint_flags_per_row_auth_calls_and_unindexed_foreign_keys(
    project: Project, db_url: str, tmp_path
) -> None:
    copy = copy_project(project, tmp_path)
    source = copy.policies_dir / "zz_probe.sql"
    source.write_text(
        "create table public.zz_parent (id int primary key);\n"
        "create table public.zz_child (id int primary key, parent_id int references public.zz_parent,"
        " owner uuid);\n"
        "alter table public.zz_parent enable row level security;\n"
        "alter table public.zz_child enable row level security;\n"
        "create policy zz_owner_reads on public.zz_child for select using (owner = auth.uid());\n"
    )
    with temporary_database(db_url) as target, connect(target.url) as conn:
        conn.execute("create schema if not exists auth")
        conn.execute("create function auth.uid() returns uuid language sql as 'select null::uuid'")
        conn.execute(source.read_text())
        rules = {f.rule for f in run_catalog_lint(copy, conn)}
    assert {"catalog/auth-call-per-row", "catalog/unindexed-foreign-key"} <= rules


def test_catalog_lint_of_the_migrated_project_is_clean(project: Project, db_url: str) -> None:
    with connect(db_url) as conn:
        assert [str(f) for f in run_catalog_lint(project, conn)] == []


def test_catalog_lint_flags_an_executable_definer_function_missing_from_the_allow_list(
    project: Project, db_url: str, tmp_path
) -> None:
    copy = copy_project(project, tmp_path)
    source = copy.functions_dir / "zz_probe.sql"
    source.write_text(
        "create schema if not exists private;\n\n"
        "create function private.zz_leak(p_organization_id uuid) returns integer\n"
        "language sql security definer set search_path = '' as 'select 1';\n\n"
        "revoke all on function private.zz_leak(uuid) from public, anon;\n"
        "grant execute on function private.zz_leak(uuid) to authenticated;\n"
    )
    with temporary_database(db_url) as target, connect(target.url) as conn:
        conn.execute(source.read_text())
        findings = [f for f in run_catalog_lint(copy, conn) if "zz_leak" in f.message]
    assert [(f.file, f.line, f.rule) for f in findings] == [
        ("functions/zz_probe.sql", 3, "catalog/definer-not-allow-listed")
    ]
    assert findings[0].message.startswith(
        "private.zz_leak(uuid): security definer function executable by authenticated and not on "
    )


def test_catalog_lint_flags_an_allow_list_entry_that_matches_no_function(
    project: Project, db_url: str, tmp_path
) -> None:
    allowlist = tmp_path / "allowlist.toml"
    allowlist.write_text(
        '# one entry\n[[function]]\nsignature = "private.gone(uuid)"\nreason = "was needed once"\n'
    )
    with temporary_database(db_url) as target, connect(target.url) as conn:
        findings = allowlist_findings(project, conn, allowlist)
    assert [(f.file, f.line, f.rule) for f in findings] == [
        (str(allowlist), 3, "catalog/definer-allow-list-stale")
    ]


def test_catalog_lint_flags_a_trigger_function_callable_through_the_api(
    project: Project, db_url: str, tmp_path
) -> None:
    copy = copy_project(project, tmp_path)
    source = copy.functions_dir / "zz_trigger.sql"
    source.write_text(
        "create function public.zz_stamp() returns trigger\nlanguage plpgsql as 'begin return new; end';\n"
    )
    with temporary_database(db_url) as target, connect(target.url) as conn:
        conn.execute(source.read_text())
        rules = [(f.file, f.line, f.rule) for f in run_catalog_lint(copy, conn) if "zz_stamp" in f.message]
    assert rules == [("functions/zz_trigger.sql", 1, "catalog/trigger-function-callable")]
