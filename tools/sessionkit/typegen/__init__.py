"""Typed client generation from the live catalog: TypeScript (Supabase's shape) and Python.

with connect(url) as conn:
    catalog = read_catalog(conn)
generated = generate(catalog, Language.typescript, Path("clients/typescript/database.types.ts"))
write(generated)            # or: check(generated) -> list of differences
"""

from __future__ import annotations

from sessionkit.typegen.catalog import Catalog, read_catalog
from sessionkit.typegen.output import DEFAULT_OUT, Generated, Language, check, generate, write
from sessionkit.typegen.python import render_python
from sessionkit.typegen.typescript import render_typescript

__all__ = [
    "DEFAULT_OUT",
    "Catalog",
    "Generated",
    "Language",
    "check",
    "generate",
    "read_catalog",
    "render_python",
    "render_typescript",
    "write",
]
