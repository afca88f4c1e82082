"""The generated TypeScript: compiles with supabase-js (tsc --strict), and covers what
Supabase's own generator lists (tests/typescript/compat.ts), on the migrated and a rich schema."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from sessionkit.config import Project
from sessionkit.db.connect import connect
from sessionkit.typegen import Language, read_catalog

from .test_typegen_support import generate_into, rich_database, run, supabase_types

ROOT = Path(__file__).resolve().parents[1]
TS_DIR = ROOT / "tests" / "typescript"


def tsc(project: Project, tmp_path: Path, files: list[Path], paths: dict[str, Path]) -> str:
    """Compile `files` with tests/typescript/tsconfig.json, module aliases pointed at `paths`."""
    config = {
        "extends": str(TS_DIR / "tsconfig.json"),
        "compilerOptions": {"baseUrl": str(TS_DIR), "paths": {k: [str(v)] for k, v in paths.items()}},
        "files": [str(f) for f in files],
    }
    (tmp_path / "tsconfig.json").write_text(json.dumps(config, indent=2))
    result = run(
        [str(project.root / "node_modules" / ".bin" / "tsc"), "-p", str(tmp_path / "tsconfig.json")],
        project.root,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


@pytest.fixture(scope="module")
def ours(db_url: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate_into(db_url, Language.typescript, tmp_path_factory.mktemp("ts") / "database.types.ts")


@pytest.fixture(scope="module")
def rich(db_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    folder = tmp_path_factory.mktemp("ts_rich")
    with rich_database(db_url) as url:
        yield url, generate_into(url, Language.typescript, folder / "database.types.ts")


def test_usage_with_supabase_js_compiles_strict(project: Project, ours: Path, tmp_path: Path) -> None:
    """`.from('bookings').select()`, `.rpc(...)`, and the @ts-expect-error lines (an unused one
    fails the build, so each misuse really is rejected)."""
    tsc(project, tmp_path, [TS_DIR / "usage.ts"], {"sessionkit-db-types": ours})


def test_committed_example_compiles_against_committed_types(project: Project, tmp_path: Path) -> None:
    example = ROOT / "clients" / "typescript" / "example.ts"
    tsc(project, tmp_path, [example], {})


@pytest.mark.parametrize("which", ["migrated", "rich"])
def test_side_by_side_with_supabase_typescript_generator(
    which: str, project: Project, db_url: str, ours: Path, rich: tuple[str, Path], tmp_path: Path
) -> None:
    url, mine = (db_url, ours) if which == "migrated" else rich
    theirs = tmp_path / "theirs.ts"
    theirs.write_text(supabase_types(project, url, "typescript"))
    tsc(project, tmp_path, [TS_DIR / "compat.ts"], {"ours-db-types": mine, "theirs-db-types": theirs})
    # and the same top-level keys in the same order
    for key in (
        "Tables: {",
        "Views: {",
        "Functions: {",
        "Enums: {",
        "CompositeTypes: {",
        "export const Constants",
    ):
        assert key in mine.read_text()


def test_rich_schema_output(rich: tuple[str, Path]) -> None:
    text = rich[1].read_text()
    assert 'kind: "studio" | "office" | "online"' in text  # check constraint -> union
    assert 'format: "mp4" | "webm" | "mov" | null' in text  # domain check
    assert "code_upper?: never" in text and "id?: never" in text  # generated / identity always
    assert "settings: NonNullable<Json>" in text and "tags: string[]" in text
    assert 'mood: Database["public"]["Enums"]["mood"] | null' in text
    assert "/** Rooms of a venue. */" in text and "/** What the room is used for. */" in text
    assert "p_kind?: string | null; p_min_capacity?: number" in text  # DEFAULT NULL accepts null
    assert 'state: "held" | "booked"' in text and "warning?: string | null" in text  # @returns shape
    assert "bookings: number | null" in text  # OUT columns typed
    assert 'ComputedFields: "room_label"' in text
    assert "isSetofReturn: true" in text and "Returns: undefined" in text


def test_catalog_functions_are_all_in_the_output(db_url: str, ours: Path) -> None:
    with connect(db_url) as conn:
        catalog = read_catalog(conn)
    text = ours.read_text()
    for group in catalog.functions:
        assert f"      {group.name}:" in text
    for rel in catalog.relations:
        assert f"      {rel.name}: {{" in text
