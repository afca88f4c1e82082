"""Options every `sessionkit` command spells the same way."""

from __future__ import annotations

from typing import Annotated

import typer

from sessionkit.config import DB_URL_ENV

DbUrl = Annotated[
    str | None,
    typer.Option("--db-url", envvar=DB_URL_ENV, help="Any Postgres (default: local stack)."),
]
JsonFlag = Annotated[bool, typer.Option("--json", help="Print data as JSON.")]
