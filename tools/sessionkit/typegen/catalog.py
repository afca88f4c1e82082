"""The exposed schema as the generators see it, read from pg_catalog after migrations.

The reading follows what Supabase's own generator (postgres-meta, bundled in the Supabase CLI)
lists, so the TypeScript output can keep its exact shape: the same tables, views, columns,
nullability (view columns included), relationships (foreign keys, also through views), RPC
overloads and their PostgREST errors, computed fields and `SetofOptions`. On top of it this
reader adds what the database knows and Supabase leaves out: check-constraint values of text
columns (inherited by view columns that plainly reference them), domains resolved to their
base type, `DEFAULT NULL` arguments, OUT columns, the `@returns` shape of jsonb results, and
the RPC error codes raised through `private.raise_error`.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import psycopg
from psycopg.rows import dict_row

from sessionkit.errors import SessionkitError
from sessionkit.typegen import checks, nodetree, shapes

SYSTEM_SCHEMAS = ("pg_catalog", "information_schema", "pg_toast")
TEXTUAL = frozenset({"text", "varchar", "bpchar", "citext", "name"})
JSON_TEXT_OIDS = frozenset({114, 3802, 25})  # json, jsonb, text: PostgREST's single-body args
TRIGGER_RETURNS = ("trigger", "event_trigger")

SHAPE_BASE_TYPES = frozenset(
    {
        "bool",
        "int2",
        "int4",
        "int8",
        "float4",
        "float8",
        "numeric",
        "text",
        "varchar",
        "uuid",
        "date",
        "time",
        "timetz",
        "timestamp",
        "timestamptz",
        "interval",
        "json",
        "jsonb",
        "null",
    }
)
SHAPE_ALIASES = {
    "boolean": "bool",
    "smallint": "int2",
    "integer": "int4",
    "int": "int4",
    "bigint": "int8",
    "real": "float4",
    "double": "float8",
    "number": "numeric",
    "string": "text",
}

# Contract section 4: the error codes every client knows, with their SQLSTATE.
CONTRACT_ERRORS: dict[str, str] = {
    "INVALID_REQUEST": "PT400",
    "UNAUTHORIZED": "PT401",
    "FORBIDDEN": "PT403",
    "NOT_FOUND": "PT404",
    "ALREADY_CANCELLED": "PT409",
    "SLOT_TAKEN": "PT409",
    "CAPACITY_REACHED": "PT409",
    "NO_CREDITS_LEFT": "PT409",
    "ALREADY_ACTIVE_SUBSCRIPTION": "PT409",
    "CONFLICT": "PT409",
    "BOOKING_IN_PAST": "PT422",
    "OUTSIDE_AVAILABILITY": "PT422",
    "NOTE_LOCKED": "PT422",
    "BACKFILL_REQUIRED": "PT422",
}


@dataclass(frozen=True)
class TypeRef:
    """A column, argument or result type. `name` is the element type's name (domains resolved
    to their base type), `dims` > 0 for arrays. `values` are allowed text values (from check
    constraints or a domain's check)."""

    name: str
    schema: str
    dims: int = 0
    kind: str = "base"  # base | enum | composite | relation | pseudo
    values: tuple[str, ...] | None = None
    declared: str = ""  # what the database calls it (domain name, format_type)

    def element(self) -> TypeRef:
        return TypeRef(self.name, self.schema, 0, self.kind, self.values, self.declared)

    def with_values(self, values: tuple[str, ...] | None) -> TypeRef:
        return TypeRef(self.name, self.schema, self.dims, self.kind, values, self.declared)

    @property
    def supabase_format(self) -> str:
        """The type name Supabase's generator maps (`_text` for text[])."""
        return "_" * self.dims + self.name


@dataclass(frozen=True)
class Column:
    name: str
    position: int
    type: TypeRef
    nullable: bool
    default: str | None = None
    identity: str | None = None  # ALWAYS | BY DEFAULT
    generated: bool = False
    updatable: bool = True
    comment: str | None = None

    @property
    def read_only(self) -> bool:
        """Never written by clients: generated or `generated always as identity`."""
        return self.generated or self.identity == "ALWAYS"

    @property
    def optional_on_insert(self) -> bool:
        return self.nullable or self.identity is not None or self.default is not None


@dataclass(frozen=True)
class Relationship:
    foreign_key_name: str
    columns: tuple[str, ...]
    is_one_to_one: bool
    referenced_relation: str
    referenced_columns: tuple[str, ...]


@dataclass(frozen=True)
class Relation:
    name: str
    kind: str  # table | view | materialized_view | foreign_table
    columns: tuple[Column, ...]
    relationships: tuple[Relationship, ...] = ()
    comment: str | None = None
    insertable: bool = True
    updatable: bool = True
    oid: int = 0

    @property
    def is_table(self) -> bool:
        return self.kind in ("table", "foreign_table")

    def column(self, name: str) -> Column | None:
        return next((c for c in self.columns if c.name == name), None)


@dataclass(frozen=True)
class Arg:
    name: str
    type: TypeRef
    has_default: bool = False
    default_is_null: bool = False
    mode: str = "in"  # in | inout | variadic


@dataclass(frozen=True)
class OutColumn:
    name: str
    type: TypeRef


@dataclass(frozen=True)
class SetofOptions:
    source: str  # "*" or the relation a computed relationship starts from
    to: str
    is_one_to_one: bool
    is_setof_return: bool


@dataclass(frozen=True)
class Function:
    """One overload of an RPC."""

    name: str
    oid: int
    identity_arguments: str
    args: tuple[Arg, ...]  # IN/INOUT/VARIADIC arguments, in declaration order
    returns: TypeRef
    returns_set: bool
    returns_relation: str | None  # table/view of the schema whose row is returned
    table_columns: tuple[OutColumn, ...] | None  # `returns table (...)` columns
    out_columns: tuple[OutColumn, ...] | None  # OUT parameters of a `returns record`
    setof_options: SetofOptions | None
    computed_field_of: str | None
    error: str | None  # PostgREST can't call it (ambiguous overload, ...)
    volatility: str
    security_definer: bool
    comment: str | None = None
    json_shape: shapes.Shape | None = None
    rows: int | None = None

    @property
    def is_void(self) -> bool:
        return self.returns.name == "void" and self.returns.dims == 0

    @property
    def single_row(self) -> bool:
        """The result is one object/value rather than a list."""
        if self.setof_options is not None:
            return self.setof_options.is_one_to_one or not self.returns_set
        return not self.returns_set


@dataclass(frozen=True)
class FunctionGroup:
    name: str
    overloads: tuple[Function, ...]


@dataclass(frozen=True)
class EnumType:
    name: str
    values: tuple[str, ...]
    comment: str | None = None


@dataclass(frozen=True)
class CompositeType:
    name: str
    attributes: tuple[OutColumn, ...]
    comment: str | None = None


@dataclass(frozen=True)
class Catalog:
    schema: str
    relations: tuple[Relation, ...]
    functions: tuple[FunctionGroup, ...]
    enums: tuple[EnumType, ...]
    composites: tuple[CompositeType, ...]
    error_codes: dict[str, str] = field(default_factory=dict)  # code -> SQLSTATE

    @property
    def tables(self) -> tuple[Relation, ...]:
        return tuple(r for r in self.relations if r.is_table)

    @property
    def views(self) -> tuple[Relation, ...]:
        return tuple(r for r in self.relations if not r.is_table)

    def relation(self, name: str) -> Relation | None:
        return next((r for r in self.relations if r.name == name), None)

    def named_type(self, name: str) -> TypeRef | None:
        """A type named in a `@returns` shape: a Postgres type, or a relation/enum/composite."""
        name = SHAPE_ALIASES.get(name, name)
        if name in SHAPE_BASE_TYPES:
            return TypeRef(name, "pg_catalog")
        if self.relation(name) is not None:
            return TypeRef(name, self.schema, kind="relation")
        enum = next((e for e in self.enums if e.name == name), None)
        if enum is not None:
            return TypeRef(name, self.schema, kind="enum", values=enum.values)
        if any(c.name == name for c in self.composites):
            return TypeRef(name, self.schema, kind="composite")
        return None

    def computed_fields(self, relation: str) -> list[tuple[str, Function]]:
        found = []
        for group in self.functions:
            overload = next((f for f in group.overloads if f.computed_field_of == relation), None)
            if overload is not None:
                found.append((group.name, overload))
        return found

    def objects(self) -> dict[str, Any]:
        """Every generated object by a stable name (`table bookings`, `function cancel_booking`)."""
        named: dict[str, Any] = {}
        for rel in self.relations:
            named[f"{rel.kind.replace('_', ' ')} {rel.name}"] = rel
        for group in self.functions:
            named[f"function {group.name}"] = group
        for enum in self.enums:
            named[f"enum {enum.name}"] = enum
        for composite in self.composites:
            named[f"composite type {composite.name}"] = composite
        if self.error_codes:
            named["error codes"] = self.error_codes
        return named


# -- queries ------------------------------------------------------------------------------
_TYPES = """
select t.oid::int8 as oid, t.typname as name, n.nspname as schema, t.typtype::text as typtype,
       t.typrelid::int8 as relid, t.typelem::int8 as elem, t.typbasetype::int8 as basetype,
       t.typlen as len, coalesce(c.relkind::text, '') as relkind,
       format_type(t.oid, null) as formatted, obj_description(t.oid, 'pg_type') as comment
from pg_type t
join pg_namespace n on n.oid = t.typnamespace
left join pg_class c on c.oid = t.typrelid
"""

_ENUM_LABELS = """
select enumtypid::int8 as oid, array_agg(enumlabel::text order by enumsortorder) as labels
from pg_enum group by enumtypid
"""

_DOMAIN_CHECKS = """
select contypid::int8 as oid, pg_get_constraintdef(oid) as def
from pg_constraint where contypid <> 0 and contype = 'c'
"""

_RELATIONS = """
select c.oid::int8 as oid, c.relname as name, c.relkind::text as relkind,
       obj_description(c.oid, 'pg_class') as comment,
       (pg_relation_is_updatable(c.oid, false) & 20) = 20 as is_updatable,
       (pg_relation_is_updatable(c.oid, true) & 8) = 8 as is_insert_enabled,
       (pg_relation_is_updatable(c.oid, true) & 4) = 4 as is_update_enabled
from pg_class c join pg_namespace n on n.oid = c.relnamespace
where n.nspname = %(schema)s and c.relkind in ('r', 'p', 'v', 'm', 'f')
  -- partitions (pg_partman's months) are reached through their parent; their names change monthly
  and not c.relispartition
order by c.relname
"""

_COLUMNS = """
select a.attrelid::int8 as relid, a.attnum as position, a.attname as name,
       a.atttypid::int8 as type_oid,
       case when a.atthasdef then pg_get_expr(ad.adbin, ad.adrelid) end as default_value,
       case a.attidentity when 'a' then 'ALWAYS' when 'd' then 'BY DEFAULT' end as identity,
       a.attgenerated <> '' as is_generated,
       not (a.attnotnull or (t.typtype = 'd' and t.typnotnull)) as is_nullable,
       (c.relkind in ('r', 'p')
        or (c.relkind in ('v', 'f') and (
              pg_column_is_updatable(c.oid, a.attnum, false)
              or exists (select 1 from pg_trigger tg
                         where tg.tgrelid = c.oid and tg.tgtype & 64 <> 0 and tg.tgtype & 20 <> 0
                           and not tg.tgisinternal)
              or exists (select 1 from pg_rewrite rw
                         where rw.ev_class = c.oid and rw.is_instead and rw.ev_type in ('2', '3')
                           and rw.ev_qual::text = '<>')))) as is_updatable,
       col_description(c.oid, a.attnum) as comment
from pg_attribute a
join pg_class c on c.oid = a.attrelid
join pg_namespace n on n.oid = c.relnamespace
join pg_type t on t.oid = a.atttypid
left join pg_attrdef ad on ad.adrelid = a.attrelid and ad.adnum = a.attnum
where n.nspname = %(schema)s and c.relkind in ('r', 'p', 'v', 'm', 'f') and not c.relispartition
  and a.attnum > 0 and not a.attisdropped
order by c.relname, a.attnum
"""

_TABLE_CHECKS = """
select con.conrelid::int8 as relid, con.oid::int8 as oid, pg_get_constraintdef(con.oid) as def
from pg_constraint con join pg_namespace n on n.oid = con.connamespace
where con.contype = 'c' and con.conrelid <> 0 and n.nspname = %(schema)s
order by con.conrelid, con.oid
"""

_FOREIGN_KEYS = """
with pks_uniques as (
  select con.conrelid,
         array_agg(array_to_string(array(
           select a.attname from unnest(con.conkey) k join pg_attribute a
             on a.attrelid = con.conrelid and a.attnum = k order by a.attnum), ',')) as cols
  from pg_constraint con where con.contype in ('p', 'u') group by con.conrelid
)
select con.conname as name, ns1.nspname as schema, tab.relname as relation,
       ns2.nspname as referenced_schema, other.relname as referenced_relation,
       con.conrelid::int8 as relid, con.confrelid::int8 as referenced_relid,
       array(select a.attname::text from unnest(con.conkey) with ordinality k(col, ord)
             join pg_attribute a on a.attrelid = con.conrelid and a.attnum = k.col order by k.ord) as columns,
       array(select a.attname::text from unnest(con.confkey) with ordinality k(col, ord)
             join pg_attribute a on a.attrelid = con.confrelid and a.attnum = k.col order by k.ord)
         as referenced_columns,
       con.conkey::int2[] as conkey, con.confkey::int2[] as confkey,
       coalesce(array_to_string(array(
         select a.attname from unnest(con.conkey) with ordinality k(col, ord)
         join pg_attribute a on a.attrelid = con.conrelid and a.attnum = k.col order by k.ord), ',')
         = any(pu.cols), false) as is_one_to_one
from pg_constraint con
join pg_class tab on tab.oid = con.conrelid
join pg_namespace ns1 on ns1.oid = tab.relnamespace
join pg_class other on other.oid = con.confrelid
join pg_namespace ns2 on ns2.oid = other.relnamespace
left join pks_uniques pu on pu.conrelid = con.conrelid
where con.contype = 'f' and con.conparentid = 0
  and ns1.nspname not in ('pg_catalog', 'information_schema', 'pg_toast')
order by con.conname, tab.relname
"""

_VIEW_RULES = """
select c.oid::int8 as oid, n.nspname as schema, c.relname as name, r.ev_action::text as definition
from pg_class c
join pg_namespace n on n.oid = c.relnamespace
join pg_rewrite r on r.ev_class = c.oid and r.rulename = '_RETURN'
where c.relkind in ('v', 'm') and n.nspname not in ('pg_catalog', 'information_schema', 'pg_toast')
"""

_NOT_NULL_COLUMNS = """
select a.attrelid::int8 as relid, a.attnum as attnum
from pg_attribute a
join pg_class c on c.oid = a.attrelid
join pg_namespace n on n.oid = c.relnamespace
join pg_type t on t.oid = a.atttypid
where a.attnum > 0 and not a.attisdropped and (a.attnotnull or (t.typtype = 'd' and t.typnotnull))
  and n.nspname not in ('pg_catalog', 'information_schema', 'pg_toast')
"""

_FUNCTIONS = """
select p.oid::int8 as oid, p.proname as name,
       coalesce(p.proargmodes::text[],
                array_fill('i'::text, array[cardinality(coalesce(p.proallargtypes, p.proargtypes))]))
         as modes,
       coalesce(p.proargnames,
                array_fill(''::text, array[cardinality(coalesce(p.proallargtypes, p.proargtypes))]))
         as names,
       coalesce(p.proallargtypes, p.proargtypes::oid[])::int8[] as types,
       p.pronargdefaults as ndefaults, p.proargdefaults::text as defaults,
       pg_get_function_arguments(p.oid) as argument_types,
       pg_get_function_identity_arguments(p.oid) as identity_arguments,
       p.prorettype::int8 as return_type, pg_get_function_result(p.oid) as return_type_text,
       p.proretset as returns_set,
       case when p.proretset then nullif(p.prorows, 0)::int end as rows,
       p.provolatile::text as volatility, p.prosecdef as security_definer,
       obj_description(p.oid, 'pg_proc') as comment
from pg_proc p join pg_namespace n on n.oid = p.pronamespace
where n.nspname = %(schema)s and p.prokind = 'f'
  and p.prorettype not in ('trigger'::regtype, 'event_trigger'::regtype)
order by p.proname, p.oid
"""

_RAISED_CODES = r"""
select distinct m[1] as code
from pg_proc p join pg_namespace n on n.oid = p.pronamespace,
     regexp_matches(p.prosrc, 'raise_error\s*\(\s*''([A-Z][A-Z0-9_]*)''', 'g') m
where n.nspname not in ('pg_catalog', 'information_schema', 'pg_toast')
order by 1
"""

_COMPOSITE_ATTRIBUTES = """
select t.oid::int8 as type_oid, a.attname as name, a.atttypid::int8 as attr_type
from pg_type t join pg_namespace n on n.oid = t.typnamespace
join pg_class c on c.oid = t.typrelid and c.relkind = 'c'
join pg_attribute a on a.attrelid = t.typrelid
where n.nspname = %(schema)s and a.attnum > 0 and not a.attisdropped
order by t.typname, a.attnum
"""

_HAS_SQLSTATE_FN = "select to_regprocedure('private.error_sqlstate(text)') is not null"


# -- reading ------------------------------------------------------------------------------
class _Types:
    """pg_type by oid, resolved into TypeRefs."""

    def __init__(
        self, rows: list[dict[str, Any]], labels: dict[int, list[str]], domain_values: dict[int, list[str]]
    ) -> None:
        self.rows = {r["oid"]: r for r in rows}
        self.labels = labels
        self.domain_values = domain_values

    def ref(self, oid: int) -> TypeRef:
        row = self.rows.get(oid)
        if row is None:
            return TypeRef("unknown", "pg_catalog", kind="pseudo")
        declared = row["formatted"]
        values: list[str] | None = None
        dims = 0
        while True:
            if row["typtype"] == "d":
                own = self.domain_values.get(row["oid"])
                if own is not None:
                    values = checks.intersect(values, own) if values is not None else own
                row = self.rows[row["basetype"]]
                continue
            if row["elem"] and row["len"] == -1 and row["name"].startswith("_"):
                dims += 1
                row = self.rows[row["elem"]]
                continue
            break
        kind = {"e": "enum", "p": "pseudo"}.get(row["typtype"], "base")
        if row["typtype"] == "c":
            kind = "composite" if row["relkind"] == "c" else "relation"
        if row["typtype"] == "e":
            values = self.labels.get(row["oid"], [])
            return TypeRef(row["name"], row["schema"], dims, kind, tuple(values), declared)
        result = TypeRef(row["name"], row["schema"], dims, kind, None, declared)
        if values is not None and row["name"] in TEXTUAL:
            result = result.with_values(tuple(values))
        return result

    def relid(self, oid: int) -> int:
        row = self.rows.get(oid)
        return int(row["relid"]) if row and row["relid"] else 0


def read_catalog(conn: psycopg.Connection, schema: str = "public") -> Catalog:
    """Read the exposed schema. The connection needs read access to the catalog only."""
    with conn.cursor(row_factory=dict_row) as cur:

        def rows(sql: str) -> list[dict[str, Any]]:
            cur.execute(sql, {"schema": schema})
            return list(cur.fetchall())

        if not rows("select 1 from pg_namespace where nspname = %(schema)s"):
            raise SessionkitError(f"schema {schema!r} does not exist")
        labels = {r["oid"]: list(r["labels"]) for r in rows(_ENUM_LABELS)}
        domain_values: dict[int, list[str]] = {}
        for r in rows(_DOMAIN_CHECKS):
            found = checks.domain_values(r["def"])
            if found is not None:
                old = domain_values.get(r["oid"])
                domain_values[r["oid"]] = checks.intersect(old, found) if old else found
        types = _Types(rows(_TYPES), labels, domain_values)
        relation_rows = rows(_RELATIONS)
        column_rows = rows(_COLUMNS)
        check_rows = rows(_TABLE_CHECKS)
        fk_rows = rows(_FOREIGN_KEYS)
        view_rows = rows(_VIEW_RULES)
        not_null = {(r["relid"], r["attnum"]) for r in rows(_NOT_NULL_COLUMNS)}
        function_rows = rows(_FUNCTIONS)
        attribute_rows = rows(_COMPOSITE_ATTRIBUTES)
        error_codes = _error_codes(cur, [r["code"] for r in rows(_RAISED_CODES)])

    relations = _relations(schema, types, relation_rows, column_rows, check_rows, view_rows, not_null)
    relations = _with_relationships(schema, relations, fk_rows, view_rows)
    functions = _functions(schema, types, function_rows, relations)
    enums, composites = _user_types(schema, types, labels, attribute_rows)
    catalog = Catalog(schema, relations, functions, enums, composites, error_codes)
    _check_shapes(catalog)
    return catalog


def _check_shapes(catalog: Catalog) -> None:
    for group in catalog.functions:
        for fn in group.overloads:
            if fn.json_shape is None:
                continue
            unknown = sorted(n for n in shapes.names(fn.json_shape) if catalog.named_type(n) is None)
            if unknown:
                raise SessionkitError(
                    f"function {fn.name}: @returns names unknown type(s): {', '.join(unknown)}"
                )


def _error_codes(cur: psycopg.Cursor[Any], raised: list[str]) -> dict[str, str]:
    codes = dict(CONTRACT_ERRORS)
    cur.execute(_HAS_SQLSTATE_FN)
    row = cur.fetchone()
    has_fn = bool(row and next(iter(row.values())))
    for code in raised:
        if has_fn:
            cur.execute("select private.error_sqlstate(%s) as s", (code,))
            found = cur.fetchone()
            codes[code] = str(found["s"]) if found else codes.get(code, "PT422")
        else:
            codes.setdefault(code, "PT422")
    return dict(sorted(codes.items()))


def _relations(
    schema: str,
    types: _Types,
    relation_rows: list[dict[str, Any]],
    column_rows: list[dict[str, Any]],
    check_rows: list[dict[str, Any]],
    view_rows: list[dict[str, Any]],
    not_null: set[tuple[int, int]],
) -> tuple[Relation, ...]:
    allowed: dict[tuple[int, str], list[str]] = {}
    for r in check_rows:
        for column, values in checks.allowed_values(r["def"]).items():
            key = (r["relid"], column)
            allowed[key] = checks.intersect(allowed[key], values) if key in allowed else values

    columns_by_rel: dict[int, list[Column]] = defaultdict(list)
    for r in column_rows:
        ref = types.ref(r["type_oid"])
        found = allowed.get((r["relid"], r["name"]))
        if found is not None and ref.name in TEXTUAL:
            ref = ref.with_values(tuple(checks.intersect(list(ref.values), found) if ref.values else found))
        columns_by_rel[r["relid"]].append(
            Column(
                name=r["name"],
                position=r["position"],
                type=ref,
                nullable=r["is_nullable"],
                default=r["default_value"],
                identity=r["identity"],
                generated=r["is_generated"],
                updatable=r["is_updatable"],
                comment=r["comment"],
            )
        )

    definitions = {r["oid"]: r["definition"] for r in view_rows}
    by_oid = {rel_row["oid"]: columns_by_rel.get(rel_row["oid"], []) for rel_row in relation_rows}
    view_columns = _ViewColumns(definitions, not_null, by_oid)

    kinds = {"r": "table", "p": "table", "f": "foreign_table", "v": "view", "m": "materialized_view"}
    relations: list[Relation] = []
    for r in relation_rows:
        kind = kinds[r["relkind"]]
        cols = columns_by_rel.get(r["oid"], [])
        insertable = updatable = True
        if kind in ("view", "materialized_view"):
            cols = view_columns.refine(r["oid"], cols)
            matview = kind == "materialized_view"
            insertable = not matview and bool(r["is_insert_enabled"] or r["is_updatable"])
            updatable = not matview and bool(r["is_update_enabled"] or r["is_updatable"])
        relations.append(
            Relation(
                name=r["name"],
                kind=kind,
                columns=tuple(cols),
                comment=r["comment"],
                insertable=insertable,
                updatable=updatable,
                oid=r["oid"],
            )
        )
    return tuple(relations)


_NOT_NULL_COMMENT = re.compile(r"^\s*@notNull\s*$", re.M)


class _ViewColumns:
    """Nullability (as Supabase derives it) and origin of view columns."""

    def __init__(
        self, definitions: dict[int, str], not_null: set[tuple[int, int]], columns: dict[int, list[Column]]
    ) -> None:
        self.definitions = definitions
        self.not_null = not_null
        self.columns = columns
        self._origins: dict[int, dict[int, nodetree.Origin]] = {}
        self._non_null: dict[int, set[int]] = {}

    def origins(self, view: int) -> dict[int, nodetree.Origin]:
        if view not in self._origins:
            self._origins[view] = nodetree.view_column_origins(self.definitions.get(view, ""))
        return self._origins[view]

    def non_null(self, view: int) -> set[int]:
        if view in self._non_null:
            return self._non_null[view]
        self._non_null[view] = set()  # cycles: nothing is known to be non-null
        found = {
            resno
            for resno, origin in self.origins(view).items()
            if not origin.nullable_side and self._base_not_null(origin.relid, origin.attnum)
        }
        self._non_null[view] = found
        return found

    def _base_not_null(self, relid: int, attnum: int) -> bool:
        if relid in self.definitions:
            return attnum in self.non_null(relid)
        return (relid, attnum) in self.not_null

    def base_column(self, view: int, resno: int, depth: int = 0) -> Column | None:
        origin = self.origins(view).get(resno)
        if origin is None or depth > 16:
            return None
        if origin.relid in self.definitions and origin.relid in self.columns:
            found = self.base_column(origin.relid, origin.attnum, depth + 1)
            if found is not None:
                return found
        return next((c for c in self.columns.get(origin.relid, []) if c.position == origin.attnum), None)

    def refine(self, view: int, cols: list[Column]) -> list[Column]:
        non_null = self.non_null(view)
        refined = []
        for col in cols:
            nullable = col.nullable and not (
                col.position in non_null or _NOT_NULL_COMMENT.search(col.comment or "")
            )
            ref, comment = col.type, col.comment
            base = self.base_column(view, col.position)
            if base is not None and base.type.name == ref.name and base.type.dims == ref.dims:
                if base.type.values and not ref.values:
                    ref = ref.with_values(base.type.values)
                comment = comment or base.comment
            refined.append(
                Column(
                    col.name,
                    col.position,
                    ref,
                    nullable,
                    col.default,
                    col.identity,
                    col.generated,
                    col.updatable,
                    comment,
                )
            )
        return refined


def _with_relationships(
    schema: str,
    relations: tuple[Relation, ...],
    fk_rows: list[dict[str, Any]],
    view_rows: list[dict[str, Any]],
) -> tuple[Relation, ...]:
    """Foreign keys of each table, and the ones PostgREST sees through views (its view key
    dependencies: a view exposing every column of a key carries the relationship)."""
    entries: list[dict[str, Any]] = [dict(r) for r in fk_rows if r["schema"] == schema]
    view_deps = _view_key_dependencies(schema, view_rows, fk_rows)
    listed = {(r["schema"], r["relation"], r["name"]) for r in entries}
    for fk in fk_rows:
        source = view_deps.get((fk["relid"], fk["name"], "f"), [])
        target = view_deps.get((fk["referenced_relid"], fk["name"], "f_ref"), [])
        for view_schema, view_name, combos in source:
            for cols in combos:
                entries.append({**fk, "schema": view_schema, "relation": view_name, "columns": cols})
        if (fk["schema"], fk["relation"], fk["name"]) in listed:
            for view_schema, view_name, combos in target:
                for cols in combos:
                    entries.append(
                        {
                            **fk,
                            "referenced_schema": view_schema,
                            "referenced_relation": view_name,
                            "referenced_columns": cols,
                        }
                    )
        for view_schema, view_name, combos in source:
            for cols in combos:
                for ref_schema, ref_name, ref_combos in target:
                    for ref_cols in ref_combos:
                        entries.append(
                            {
                                **fk,
                                "schema": view_schema,
                                "relation": view_name,
                                "columns": cols,
                                "referenced_schema": ref_schema,
                                "referenced_relation": ref_name,
                                "referenced_columns": ref_cols,
                            }
                        )
    by_relation: dict[str, set[Relationship]] = defaultdict(set)
    for e in entries:
        if e["schema"] != schema or e["referenced_schema"] != schema:
            continue
        by_relation[e["relation"]].add(
            Relationship(
                e["name"],
                tuple(e["columns"]),
                bool(e["is_one_to_one"]),
                e["referenced_relation"],
                tuple(e["referenced_columns"]),
            )
        )
    out = []
    for rel in relations:
        found = sorted(
            by_relation.get(rel.name, set()),
            key=lambda r: (r.foreign_key_name, r.referenced_relation, r.columns, r.referenced_columns),
        )
        out.append(
            Relation(
                rel.name,
                rel.kind,
                rel.columns,
                tuple(found),
                rel.comment,
                rel.insertable,
                rel.updatable,
                rel.oid,
            )
        )
    return tuple(out)


def _view_key_dependencies(
    schema: str, view_rows: list[dict[str, Any]], fk_rows: list[dict[str, Any]]
) -> dict[tuple[int, str, str], list[tuple[str, str, list[tuple[str, ...]]]]]:
    """(table oid, constraint, 'f' | 'f_ref') -> [(view schema, view, [view column tuples])]."""
    views = {r["oid"]: r for r in view_rows}
    results = {
        oid: {resno: (tbl, col) for resno, tbl, col in nodetree.parser_origins(r["definition"])}
        for oid, r in views.items()
    }
    # view column names by (view oid, resno)
    names = {oid: _target_names(r["definition"]) for oid, r in views.items()}
    deps: dict[tuple[int, str, str], list[tuple[str, str, list[tuple[str, ...]]]]] = defaultdict(list)
    for oid, view in views.items():
        if view["schema"] != schema:
            continue
        # (base oid, base attnum) -> view column names, following views of views
        refs: dict[tuple[int, int], list[str]] = defaultdict(list)
        for resno, origin in results[oid].items():
            seen = {origin[0]}
            current: tuple[int, int] | None = origin
            while current is not None:
                refs[current].append(names[oid].get(resno, ""))
                nxt = results.get(current[0], {}).get(current[1])
                if nxt is None or nxt[0] in seen:
                    break
                seen.add(nxt[0])
                current = nxt
        for fk in fk_rows:
            for kind, relid, keys in (
                ("f", fk["relid"], fk["conkey"]),
                ("f_ref", fk["referenced_relid"], fk["confkey"]),
            ):
                per_column = [refs.get((relid, attnum)) for attnum in keys]
                if not per_column or any(not cols for cols in per_column):
                    continue
                combos: list[tuple[str, ...]] = [()]
                for cols in per_column:
                    combos = [(*combo, c) for combo in combos for c in (cols or [])]
                deps[(relid, fk["name"], kind)].append((view["schema"], view["name"], combos))
    return deps


def _target_names(definition: str) -> dict[int, str]:
    try:
        query = nodetree.view_query(definition)
    except ValueError:
        return {}
    found = {}
    for entry in nodetree.items(nodetree.field(query, "targetList")):
        if nodetree.is_node(entry, "TARGETENTRY"):
            name = nodetree.field(entry, "resname")
            found[int(nodetree.field(entry, "resno"))] = name if isinstance(name, str) else ""
    return found


def _functions(
    schema: str, types: _Types, rows: list[dict[str, Any]], relations: tuple[Relation, ...]
) -> tuple[FunctionGroup, ...]:
    by_oid = {rel.oid: rel for rel in relations}
    by_name = {rel.name: rel for rel in relations}
    modes = {"i": "in", "o": "out", "b": "inout", "v": "variadic", "t": "table"}
    groups: dict[str, list[tuple[dict[str, Any], list[dict[str, Any]]]]] = defaultdict(list)
    for r in rows:
        all_args = [
            {"mode": modes.get(m, "table"), "name": n or "", "type_oid": t}
            for m, n, t in zip(r["modes"], r["names"], r["types"], strict=False)
        ]
        in_args = [a for a in all_args if a["mode"] in ("in", "inout", "variadic")]
        null_defaults = _null_defaults(r["defaults"])
        first_default = len(in_args) - r["ndefaults"]
        for i, arg in enumerate(in_args):
            nth_default = i - first_default
            arg["has_default"] = nth_default >= 0
            arg["default_is_null"] = 0 <= nth_default < len(null_defaults) and null_defaults[nth_default]
        if not _callable(in_args, types):
            continue
        groups[r["name"]].append((r, all_args))

    out: list[FunctionGroup] = []
    for name in sorted(groups):
        overloads = sorted(
            groups[name],
            key=lambda item: (item[0]["argument_types"], item[0]["return_type_text"], item[0]["oid"]),
        )
        built = [_function(schema, types, r, args, overloads, by_oid, by_name) for r, args in overloads]
        out.append(FunctionGroup(name, tuple(built)))
    return tuple(out)


def _null_defaults(defaults: str | None) -> list[bool]:
    if not defaults:
        return []
    try:
        tree = nodetree.parse(defaults)
    except ValueError:
        return []
    return [nodetree.const_is_null(node) for node in nodetree.items(tree)]


def _callable(in_args: list[dict[str, Any]], types: _Types) -> bool:
    """PostgREST can call it: named arguments, or one unnamed json/jsonb/text/row body."""
    if not in_args or all(a["name"] for a in in_args):
        return True
    if all(a["name"] or (a["has_default"] and a["type_oid"] in JSON_TEXT_OIDS) for a in in_args):
        return True
    if len(in_args) == 1 and not in_args[0]["name"]:
        return in_args[0]["type_oid"] in JSON_TEXT_OIDS or types.relid(in_args[0]["type_oid"]) != 0
    return False


def _function(
    schema: str,
    types: _Types,
    r: dict[str, Any],
    all_args: list[dict[str, Any]],
    overloads: list[tuple[dict[str, Any], list[dict[str, Any]]]],
    by_oid: dict[int, Relation],
    by_name: dict[str, Relation],
) -> Function:
    in_args = [a for a in all_args if a["mode"] in ("in", "inout", "variadic")]
    returns = types.ref(r["return_type"])
    ret_relid = types.relid(r["return_type"])
    returns_relation = by_oid[ret_relid].name if ret_relid in by_oid else None

    rows_estimate = r["rows"]
    single = all_args[0] if len(all_args) == 1 else None
    single_relid = types.relid(single["type_oid"]) if single else 0
    setof = None
    if ret_relid:
        one_to_one = not (rows_estimate or 0) > 1
        setof = SetofOptions(
            source=types.rows[single["type_oid"]]["name"] if single and single_relid else "*",
            to=returns_relation or types.rows[r["return_type"]]["name"],
            is_one_to_one=True if (single_relid and not r["returns_set"]) else one_to_one,
            is_setof_return=r["returns_set"],
        )

    table_cols = tuple(
        OutColumn(a["name"], types.ref(a["type_oid"])) for a in all_args if a["mode"] == "table"
    )
    out_cols = tuple(
        OutColumn(a["name"], types.ref(a["type_oid"])) for a in all_args if a["mode"] in ("out", "inout")
    )
    doc, annotation = shapes.split_comment(r["comment"])
    shape = None
    if annotation is not None:
        if returns.name not in ("json", "jsonb"):
            raise SessionkitError(f"function {r['name']}: @returns needs a json/jsonb result")
        try:
            shape = shapes.parse_shape(annotation)
        except shapes.ShapeError as exc:
            raise SessionkitError(f"function {r['name']}: bad @returns annotation: {exc}") from exc

    computed_of = None
    if len(in_args) == 1:
        rel = by_oid.get(types.relid(in_args[0]["type_oid"]))
        if rel is not None and rel.column(r["name"]) is None:
            computed_of = rel.name

    return Function(
        name=r["name"],
        oid=r["oid"],
        identity_arguments=r["identity_arguments"],
        args=tuple(
            Arg(a["name"], types.ref(a["type_oid"]), a["has_default"], a["default_is_null"], a["mode"])
            for a in in_args
        ),
        returns=returns,
        returns_set=r["returns_set"],
        returns_relation=returns_relation,
        table_columns=tuple(sorted(table_cols, key=lambda c: c.name)) if table_cols else None,
        out_columns=out_cols if len(out_cols) > 1 and returns.name == "record" else None,
        setof_options=setof,
        computed_field_of=computed_of,
        error=_overload_error(schema, r, in_args, overloads, types),
        volatility={"i": "immutable", "s": "stable"}.get(r["volatility"], "volatile"),
        security_definer=r["security_definer"],
        comment=doc,
        json_shape=shape,
        rows=rows_estimate,
    )


def _overload_error(
    schema: str,
    r: dict[str, Any],
    in_args: list[dict[str, Any]],
    overloads: list[tuple[dict[str, Any], list[dict[str, Any]]]],
    types: _Types,
) -> str | None:
    """The error PostgREST answers for an overload it can't pick (as Supabase's generator)."""
    name = r["name"]

    def ins(args: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [a for a in args if a["mode"] in ("in", "inout", "variadic")]

    single = in_args[0] if len(in_args) == 1 else None
    if len(overloads) > 1:
        others = [(o, ins(a)) for o, a in overloads if o["oid"] != r["oid"]]
        if not in_args:
            clash = next(
                (o for o, a in others if len(a) == 1 and not a[0]["name"] and a[0]["has_default"]), None
            )
            if clash is not None:
                other_returns = types.rows.get(clash["return_type"], {}).get("name", "unknown")
                return (
                    f"Could not choose the best candidate function between: {schema}.{name}(), "
                    f"{schema}.{name}( => {other_returns}). "
                    "Try renaming the parameters or the function itself in the database so function "
                    "overloading can be resolved"
                )
        if single is not None and single["name"]:
            clashes = [
                a
                for _, a in others
                if len(a) == 1 and a[0]["name"] == single["name"] and a[0]["type_oid"] != single["type_oid"]
            ]
            if clashes:
                candidates = sorted([in_args, *clashes], key=lambda a: a[0]["type_oid"])
                listed = ", ".join(
                    f"{schema}.{name}("
                    + ", ".join(
                        f"{a['name']} => {types.rows.get(a['type_oid'], {}).get('name', 'unknown')}"
                        for a in args
                    )
                    + ")"
                    for args in candidates
                )
                return (
                    f"Could not choose the best candidate function between: {listed}. Try renaming the "
                    "parameters or the function itself in the database so function overloading "
                    "can be resolved"
                )
    if single is not None and not single["name"] and types.relid(single["type_oid"]):
        return (
            f"the function {schema}.{name} with parameter or with a single unnamed json/jsonb parameter, "
            "but no matches were found in the schema cache"
        )
    return None


def _user_types(
    schema: str, types: _Types, labels: dict[int, list[str]], attribute_rows: list[dict[str, Any]]
) -> tuple[tuple[EnumType, ...], tuple[CompositeType, ...]]:
    attributes: dict[int, list[OutColumn]] = defaultdict(list)
    for r in attribute_rows:
        attributes[r["type_oid"]].append(OutColumn(r["name"], types.ref(r["attr_type"])))
    enums, composites = [], []
    for oid, row in sorted(types.rows.items(), key=lambda item: item[1]["name"]):
        if row["schema"] != schema:
            continue
        if row["typtype"] == "e":
            enums.append(EnumType(row["name"], tuple(labels.get(oid, [])), row["comment"]))
        elif row["typtype"] == "c" and row["relkind"] == "c":
            composites.append(CompositeType(row["name"], tuple(attributes.get(oid, [])), row["comment"]))
    return tuple(enums), tuple(composites)
