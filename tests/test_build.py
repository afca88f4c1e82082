"""`sessionkit build [--check]`: the bundle the Supabase CLI reads."""

from __future__ import annotations

import pytest

from sessionkit.config import Project
from sessionkit.errors import SessionkitError
from sessionkit.migrate.bundle import GENERATED_SUFFIX, apply_build, plan_build
from sessionkit.migrate.files import list_migrations

from .helpers import copy_project


def test_committed_bundle_is_current(project: Project) -> None:
    plan = plan_build(project)
    assert plan.reasons == []


def test_bundle_holds_every_migration_verbatim(project: Project) -> None:
    for source in list_migrations(project.migrations_dir):
        assert (project.bundle_dir / source.path.name).read_text() == source.text


def test_check_names_a_changed_function_file(project: Project, tmp_path) -> None:
    copy = copy_project(project, tmp_path)
    changed = sorted(copy.functions_dir.rglob("*.sql"))[0]
    changed.write_text(changed.read_text() + "\n-- touched\n")
    reasons = plan_build(copy).reasons
    assert any(changed.relative_to(copy.root).as_posix() in r for r in reasons)


def test_changed_policy_becomes_a_new_migration_after_the_latest(project: Project, tmp_path) -> None:
    copy = copy_project(project, tmp_path)
    policy = copy.policies_dir / "zz_new_table.sql"
    policy.write_text("select 1;\n")
    latest = list_migrations(copy.bundle_dir)[-1].version
    apply_build(plan_build(copy))
    newest = list_migrations(copy.bundle_dir)[-1]
    assert newest.version > latest
    assert newest.name.endswith(GENERATED_SUFFIX.lstrip("_"))
    assert "policies/zz_new_table.sql" in newest.text
    assert plan_build(copy).reasons == []


def test_unchanged_sources_generate_nothing(project: Project, tmp_path) -> None:
    copy = copy_project(project, tmp_path)
    before = sorted(p.name for p in copy.bundle_dir.iterdir())
    apply_build(plan_build(copy))
    assert sorted(p.name for p in copy.bundle_dir.iterdir()) == before


def test_new_migration_older_than_a_generated_one_is_refused(project: Project, tmp_path) -> None:
    copy = copy_project(project, tmp_path)
    (copy.policies_dir / "zz.sql").write_text("select 1;\n")
    apply_build(plan_build(copy))
    (copy.migrations_dir / "20000101000000_too_old.sql").write_text("select 1;\n")
    with pytest.raises(SessionkitError, match=r"20000101000000_too_old\.sql"):
        plan_build(copy)


def test_stale_bundle_file_without_source_is_reported(project: Project, tmp_path) -> None:
    copy = copy_project(project, tmp_path)
    (copy.bundle_dir / "29990101000000_orphan.sql").write_text("select 1;\n")
    assert any("29990101000000_orphan.sql" in r for r in plan_build(copy).reasons)


def test_generated_migration_recreates_triggers_after_functions_and_before_policies(
    project: Project, tmp_path
) -> None:
    copy = copy_project(project, tmp_path)
    (copy.functions_dir / "zz_probe.sql").write_text("select 1;\n")
    (copy.triggers_dir / "zz_probe.sql").write_text("select 2;\n")
    (copy.policies_dir / "zz_probe.sql").write_text("select 3;\n")
    apply_build(plan_build(copy))
    text = list_migrations(copy.bundle_dir)[-1].text
    positions = [
        text.index(f"-- >>> {folder}/zz_probe.sql") for folder in ("functions", "triggers", "policies")
    ]
    assert positions == sorted(positions)
