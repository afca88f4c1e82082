"""Read and render `public.integrity_report(p_organization_id)`.

The report is jsonb: {"generated_at", "organization_id", "total_violations",
"invariants": [{"name", "description", "violations", "sample_ids"}]}. Backfills print it
before and after they run; `sessionkit audit` prints it on demand.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import psycopg
from rich.table import Table


@dataclass(frozen=True)
class Invariant:
    name: str
    description: str
    violations: int
    sample_ids: list[str]


@dataclass(frozen=True)
class IntegrityReport:
    raw: dict[str, Any]

    @property
    def invariants(self) -> list[Invariant]:
        return [
            Invariant(
                name=str(item["name"]),
                description=str(item.get("description", "")),
                violations=int(item["violations"]),
                sample_ids=[str(s) for s in item.get("sample_ids") or []],
            )
            for item in self.raw.get("invariants", [])
        ]

    @property
    def total_violations(self) -> int:
        return sum(i.violations for i in self.invariants)

    def to_json(self) -> str:
        return json.dumps(self.raw, indent=2, default=str)

    def to_table(self, title: str = "integrity report") -> Table:
        table = Table("invariant", "violations", "samples", title=title)
        for item in self.invariants:
            style = "red" if item.violations else "green"
            samples = ", ".join(item.sample_ids[:3]) + (" …" if len(item.sample_ids) > 3 else "")
            table.add_row(item.name, f"[{style}]{item.violations}[/{style}]", samples)
        return table


def integrity_report(conn: psycopg.Connection, organization_id: UUID | None = None) -> IntegrityReport:
    row = conn.execute("select public.integrity_report(%s)", (organization_id,)).fetchone()
    assert row is not None
    return IntegrityReport(row[0])
