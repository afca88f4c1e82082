"""TypeScript: a `Database` type with the shape of Supabase's own generator, plus more.

Same top-level shape (Tables with Row/Insert/Update/Relationships/ComputedFields, Views,
Functions with Args/Returns/SetofOptions, Enums, CompositeTypes, the helper types and
`Constants`), so it can replace a frontend's `types.ts`. It adds: check-constraint unions,
`DEFAULT NULL` arguments that accept null, typed OUT columns and `@returns` jsonb shapes, JSDoc
from `comment on`, and the RPC error codes (`RpcErrors`, `RpcErrorCode`).
"""

from __future__ import annotations

import json
import re
import textwrap
from dataclasses import dataclass

from sessionkit.typegen import shapes
from sessionkit.typegen.catalog import Catalog, Column, Function, Relation, TypeRef
from sessionkit.typegen.render import render_template

_NUMBER = {"int2", "int4", "int8", "float4", "float8", "numeric"}
_STRING = {
    "bytea", "bpchar", "varchar", "date", "text", "citext", "time", "timetz", "timestamp",
    "timestamptz", "uuid", "vector", "interval",
}  # fmt: skip
_IDENT = re.compile(r"^[A-Za-z_$][A-Za-z0-9_$]*$")


def key(name: str) -> str:
    return name if _IDENT.match(name) else json.dumps(name)


def literal(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


def jsdoc(text: str | None, width: int = 92) -> list[str]:
    """A JSDoc block (wrapped) for a `comment on` text."""
    if not text or not text.strip():
        return []
    lines: list[str] = []
    for paragraph in re.split(r"\n\s*\n", text.strip().replace("*/", "*\\/")):
        if lines:
            lines.append("")
        lines += textwrap.wrap(" ".join(paragraph.split()), width=width, break_long_words=False) or [""]
    if len(lines) == 1:
        return [f"/** {lines[0]} */"]
    return ["/**", *[f" * {line}".rstrip() for line in lines], " */"]


def array_of(ts: str) -> str:
    if ts.startswith("{") or (" | " not in ts and " & " not in ts):
        return f"{ts}[]"
    return f"({ts})[]"


def nullable(ts: str, is_nullable: bool) -> str:
    """Supabase's rule: non-null Json is NonNullable<Json>; unknown/any never get `| null`."""
    if ts == "Json" and not is_nullable:
        return "NonNullable<Json>"
    if ts in ("unknown", "any") or not is_nullable:
        return ts
    return f"{ts} | null"


class TsTypes:
    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self.schema = catalog.schema

    def type(self, ref: TypeRef, unions: bool = True) -> str:
        inner = self.element(ref, unions)
        for _ in range(ref.dims):
            inner = array_of(inner)
        return inner

    def element(self, ref: TypeRef, unions: bool = True) -> str:
        name = ref.name
        if ref.kind == "enum":
            if ref.schema == self.schema:
                return f'Database[{literal(self.schema)}]["Enums"][{literal(name)}]'
            return " | ".join(literal(v) for v in ref.values or ()) or "never"
        if ref.kind == "composite":
            if ref.schema == self.schema:
                return f'Database[{literal(self.schema)}]["CompositeTypes"][{literal(name)}]'
            return "unknown"
        if unions and ref.values:
            return " | ".join(literal(v) for v in ref.values)
        if name == "bool":
            return "boolean"
        if name in _NUMBER:
            return "number"
        if name in _STRING:
            return "string"
        if name in ("json", "jsonb"):
            return "Json"
        if name == "void":
            return "undefined"
        if name == "record":
            return "Record<string, unknown>"
        if name == "null":
            return "null"
        rel = self.catalog.relation(name) if ref.schema == self.schema else None
        if rel is not None:
            return self.relation_ref(rel) + '["Row"]'
        return "unknown"

    def relation_ref(self, rel: Relation) -> str:
        section = "Tables" if rel.is_table else "Views"
        return f'Database[{literal(self.schema)}]["{section}"][{literal(rel.name)}]'

    def shape(self, shape: shapes.Shape, indent: str) -> str:
        if isinstance(shape, shapes.Literal):
            return literal(shape.value)
        if isinstance(shape, shapes.Named):
            ref = self.catalog.named_type(shape.name)
            return self.type(ref) if ref is not None else "unknown"
        if isinstance(shape, shapes.ArrayOf):
            return array_of(self.shape(shape.item, indent))
        if isinstance(shape, shapes.Union):
            return " | ".join(self.shape(item, indent) for item in shape.items)
        lines = ["{"]
        for f in shape.fields:
            lines.append(
                f"{indent}  {key(f.name)}{'?' if f.optional else ''}: {self.shape(f.type, indent + '  ')}"
            )
        lines.append(f"{indent}}}")
        return "\n".join(lines)


@dataclass(frozen=True)
class TsField:
    key: str
    type: str
    optional: bool = False
    doc: tuple[str, ...] = ()

    def line(self) -> str:
        return f"{self.key}{'?' if self.optional else ''}: {self.type}"


@dataclass(frozen=True)
class TsRelation:
    name: str
    doc: tuple[str, ...]
    row: tuple[TsField, ...]
    insert: tuple[TsField, ...] | None
    update: tuple[TsField, ...] | None
    computed: str
    relationships: tuple[dict[str, str], ...]


@dataclass(frozen=True)
class TsOverload:
    args: str
    returns: str
    setof: dict[str, str] | None


@dataclass(frozen=True)
class TsFunction:
    key: str
    doc: tuple[str, ...]
    overloads: tuple[TsOverload, ...]


def _sorted_columns(rel: Relation) -> list[Column]:
    return sorted(rel.columns, key=lambda c: c.name)


def _row_fields(types: TsTypes, rel: Relation) -> list[TsField]:
    fields = [
        TsField(key(c.name), nullable(types.type(c.type), c.nullable), doc=tuple(jsdoc(c.comment)))
        for c in _sorted_columns(rel)
    ]
    for name, fn in types.catalog.computed_fields(rel.name):
        fields.append(
            TsField(
                key(name), nullable(_returns(types, fn, "            "), True), doc=tuple(jsdoc(fn.comment))
            )
        )
    return fields


def _table_write_fields(types: TsTypes, rel: Relation, insert: bool) -> list[TsField]:
    fields = []
    for c in _sorted_columns(rel):
        if c.read_only:
            fields.append(TsField(key(c.name), "never", optional=True))
            continue
        optional = c.optional_on_insert if insert else True
        fields.append(TsField(key(c.name), nullable(types.type(c.type), c.nullable), optional=optional))
    return fields


def _view_write_fields(types: TsTypes, rel: Relation) -> list[TsField]:
    fields = []
    for c in _sorted_columns(rel):
        if not c.updatable:
            fields.append(TsField(key(c.name), "never", optional=True))
        else:
            fields.append(TsField(key(c.name), nullable(types.type(c.type), True), optional=True))
    return fields


def _relationships(rel: Relation) -> tuple[dict[str, str], ...]:
    return tuple(
        {
            "foreignKeyName": literal(r.foreign_key_name),
            "columns": json.dumps(list(r.columns)).replace('", "', '", "'),
            "isOneToOne": "true" if r.is_one_to_one else "false",
            "referencedRelation": literal(r.referenced_relation),
            "referencedColumns": json.dumps(list(r.referenced_columns)),
        }
        for r in rel.relationships
    )


def _relation(types: TsTypes, rel: Relation) -> TsRelation:
    computed = [name for name, _ in types.catalog.computed_fields(rel.name)]
    if rel.is_table:
        insert: tuple[TsField, ...] | None = tuple(_table_write_fields(types, rel, insert=True))
        update: tuple[TsField, ...] | None = tuple(_table_write_fields(types, rel, insert=False))
    else:
        insert = tuple(_view_write_fields(types, rel)) if rel.insertable else None
        update = tuple(_view_write_fields(types, rel)) if rel.updatable else None
    return TsRelation(
        name=key(rel.name),
        doc=tuple(jsdoc(rel.comment)),
        row=tuple(_row_fields(types, rel)),
        insert=insert,
        update=update,
        computed=" | ".join(literal(n) for n in computed) if computed else "never",
        relationships=_relationships(rel),
    )


def _object(fields: list[tuple[str, str]], indent: str) -> str:
    if not fields:
        return "Record<PropertyKey, never>"
    lines = ["{", *[f"{indent}  {k}: {t}" for k, t in fields], f"{indent}}}"]
    return "\n".join(lines)


def _args(types: TsTypes, fn: Function, indent: str) -> str:
    if not fn.args:
        return "Record<PropertyKey, never>"
    parts = []
    for arg in sorted(fn.args, key=lambda a: a.name):
        ts = types.type(arg.type)
        rel = types.catalog.relation(arg.type.name) if arg.type.kind == "relation" else None
        if arg.name and rel is not None and ts == types.relation_ref(rel) + '["Row"]':
            ts = f"Omit<{ts}, {types.relation_ref(rel)}" + '["ComputedFields"]>'
        if arg.default_is_null:
            ts = f"{ts} | null"
        name = key(arg.name) if arg.name else '""'
        parts.append(f"{name}{'?' if arg.has_default else ''}: {ts}")
    inline = "{ " + "; ".join(parts) + " }"
    if len(indent) + len(inline) <= 100:
        return inline
    return "\n".join(["{", *[f"{indent}  {p}" for p in parts], f"{indent}}}"])


def _returns(types: TsTypes, fn: Function, indent: str) -> str:
    if fn.table_columns is not None:
        return _object([(key(c.name), types.type(c.type)) for c in fn.table_columns], indent)
    if fn.returns_relation is not None:
        rel = types.catalog.relation(fn.returns_relation)
        assert rel is not None
        return _object(
            [(key(c.name), nullable(types.type(c.type), c.nullable)) for c in _sorted_columns(rel)], indent
        )
    if fn.out_columns is not None:
        return _object([(key(c.name), nullable(types.type(c.type), True)) for c in fn.out_columns], indent)
    if fn.json_shape is not None:
        return types.shape(fn.json_shape, indent)
    return types.type(fn.returns)


def _overload(types: TsTypes, fn: Function, indent: str) -> TsOverload:
    if fn.error is not None:
        returns = f"{{ error: true }} & {literal(fn.error)}"
    else:
        returns = _returns(types, fn, indent)
        if fn.returns_set and not (fn.setof_options and fn.setof_options.is_one_to_one):
            returns = array_of(returns)
    setof = None
    if fn.setof_options is not None:
        s = fn.setof_options
        setof = {
            "from": literal(s.source),
            "to": literal(s.to),
            "isOneToOne": "true" if s.is_one_to_one else "false",
            "isSetofReturn": "true" if s.is_setof_return else "false",
        }
    return TsOverload(_args(types, fn, indent), returns, setof)


def render_typescript(catalog: Catalog) -> str:
    types = TsTypes(catalog)
    fn_indent = "        "
    functions = [
        TsFunction(
            key=key(group.name),
            doc=tuple(jsdoc(next((f.comment for f in group.overloads if f.comment), None))),
            overloads=tuple(
                _overload(types, fn, fn_indent + ("  " if len(group.overloads) > 1 else ""))
                for fn in group.overloads
            ),
        )
        for group in catalog.functions
    ]
    checks = {
        rel.name: {
            c.name: list(c.type.values or ()) for c in rel.columns if c.type.values and c.type.kind != "enum"
        }
        for rel in catalog.relations
    }
    return render_template(
        "typescript/database.types.ts.j2",
        schema=catalog.schema,
        schema_key=key(catalog.schema),
        tables=[_relation(types, r) for r in catalog.tables],
        views=[_relation(types, r) for r in catalog.views],
        functions=functions,
        enums=[
            (key(e.name), " | ".join(literal(v) for v in e.values) or "never", jsdoc(e.comment), e)
            for e in catalog.enums
        ],
        composites=[
            (
                key(c.name),
                [(key(a.name), nullable(types.type(a.type), True)) for a in c.attributes],
                jsdoc(c.comment),
            )
            for c in catalog.composites
        ],
        checks={k: v for k, v in checks.items() if v},
        error_codes=catalog.error_codes,
        literal=literal,
        key=key,
    )
