"""`sessionkit gen types`: the Typer command, thin over sessionkit.typegen.

Wire it in with `gen_app.command("types")(gen_types)` on a `gen` sub-app.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from sessionkit import stack
from sessionkit.cli_options import DbUrl
from sessionkit.config import Project, Target
from sessionkit.db.connect import connect
from sessionkit.errors import SessionkitError
from sessionkit.typegen.catalog import read_catalog
from sessionkit.typegen.output import DEFAULT_OUT, Language, check, generate, write

_out = Console()


def gen_types(
    lang: Annotated[Language, typer.Option("--lang", help="Which client to generate.", case_sensitive=False)],
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help="TypeScript file or Python package folder (default: clients/typescript/database.types.ts, "
            "clients/python/sessionkit_client).",
        ),
    ] = None,
    check_only: Annotated[
        bool, typer.Option("--check", help="Fail, naming the objects, if the files differ from the database.")
    ] = False,
    db_url: DbUrl = None,
) -> None:
    """Generate typed clients from the migrated database's public schema."""
    project = Project.discover()
    target = Target.resolve(db_url)
    stack.ensure_reachable(project, target)
    path = (out if out is not None else project.root / DEFAULT_OUT[lang]).resolve()
    with connect(target.url) as conn:
        catalog = read_catalog(conn)
    generated = generate(catalog, lang, path)
    summary = f"{len(catalog.tables)} tables, {len(catalog.views)} views, {len(catalog.functions)} functions"
    shown = path.relative_to(project.root) if path.is_relative_to(project.root) else path
    if check_only:
        problems = check(generated, project.root)
        if problems:
            raise SessionkitError("; ".join(problems) + f" (run `sessionkit gen types --lang {lang.value}`)")
        _out.print(f"{shown} is up to date ({summary})", highlight=False, soft_wrap=True)
        return
    written = write(generated)
    verb = f"wrote {len(written)} file(s) of" if written else "up to date:"
    _out.print(f"{verb} {shown} ({summary})", highlight=False, soft_wrap=True)
