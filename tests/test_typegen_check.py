"""The committed clients match the migrated database, and `--check` names what differs."""

from __future__ import annotations

import shutil
from pathlib import Path

import psycopg
import pytest
import typer
from typer.testing import CliRunner

from sessionkit.config import Project
from sessionkit.db.connect import connect
from sessionkit.errors import SessionkitError
from sessionkit.typegen import DEFAULT_OUT, Language, check, generate, read_catalog, write
from sessionkit.typegen.cli import gen_types


@pytest.mark.parametrize("language", list(Language))
def test_committed_clients_match_the_migrated_database(
    project: Project, db_url: str, language: Language
) -> None:
    with connect(db_url) as conn:
        catalog = read_catalog(conn)
    problems = check(generate(catalog, language, project.root / DEFAULT_OUT[language]), project.root)
    assert not problems, f"{problems[0]}: run `sessionkit gen types --lang {language.value}`"


@pytest.mark.parametrize("language", list(Language))
def test_check_names_the_objects_that_changed(
    project: Project, db_url: str, language: Language, tmp_path: Path
) -> None:
    out = tmp_path / DEFAULT_OUT[language].name
    with connect(db_url) as conn:
        write(generate(read_catalog(conn), language, out))
    with psycopg.connect(db_url) as conn:  # DDL in a transaction, rolled back
        conn.execute("alter table public.organizations add column typegen_probe text")
        conn.execute("create function public.typegen_probe() returns int language sql as 'select 1'")
        generated = generate(read_catalog(conn), language, out)
        conn.rollback()
    (problem,) = check(generated, tmp_path)
    assert "table organizations changed" in problem
    assert "function typegen_probe added" in problem
    assert "table bookings" not in problem


def test_check_reports_hand_edits_and_missing_output(db_url: str, tmp_path: Path) -> None:
    out = tmp_path / "database.types.ts"
    with connect(db_url) as conn:
        generated = generate(read_catalog(conn), Language.typescript, out)
    assert "no manifest" in check(generated)[0]
    write(generated)
    assert check(generated) == []
    out.write_text(out.read_text() + "// edited\n")
    assert "edited by hand" in check(generated)[0]


def _app() -> typer.Typer:
    app = typer.Typer()
    gen = typer.Typer()
    app.add_typer(gen, name="gen")
    gen.command("types")(gen_types)
    return app


def test_cli_writes_then_checks(db_url: str, tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "client" / "sessionkit_client"
    args = ["gen", "types", "--lang", "python", "--out", str(out), "--db-url", db_url]
    result = runner.invoke(_app(), args)
    assert result.exit_code == 0, result.output
    assert (out / "rpc.py").is_file() and (out.parent / "typegen.python.json").is_file()
    result = runner.invoke(_app(), [*args, "--check"])
    assert result.exit_code == 0 and "up to date" in result.output
    shutil.rmtree(out)
    result = runner.invoke(_app(), [*args, "--check"])
    assert result.exit_code != 0
    assert isinstance(result.exception, SessionkitError)
    assert "sessionkit gen types --lang python" in str(result.exception)
