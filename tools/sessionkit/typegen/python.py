"""Python: a typed client package generated from the catalog.

`sessionkit_client/`: pydantic v2 models per table and view (`Bookings`, `BookingsInsert`,
`BookingsUpdate`), `Literal` aliases from check constraints and enums, argument and result
models per RPC, `SessionkitRpc(client)` / `AsyncSessionkitRpc(client)` over supabase-py, and
typed exceptions per RPC error code. Docstrings come from `comment on`.
"""

from __future__ import annotations

import json
import keyword
import re
import textwrap
from dataclasses import dataclass, field

from pydantic import BaseModel

from sessionkit.errors import SessionkitError
from sessionkit.typegen import shapes
from sessionkit.typegen.catalog import Catalog, Column, Function, Relation, TypeRef
from sessionkit.typegen.render import all_sorted, render_template

PACKAGE_FILES = ("__init__.py", "_base.py", "enums.py", "models.py", "rpc.py", "errors.py", "py.typed")

_SCALARS = {
    "bool": "bool",
    "int2": "int",
    "int4": "int",
    "int8": "int",
    "float4": "float",
    "float8": "float",
    "numeric": "Decimal",
    "text": "str",
    "varchar": "str",
    "bpchar": "str",
    "citext": "str",
    "name": "str",
    "uuid": "uuid.UUID",
    "date": "datetime.date",
    "time": "datetime.time",
    "timetz": "datetime.time",
    "timestamp": "datetime.datetime",
    "timestamptz": "datetime.datetime",
    "json": "JsonValue",
    "jsonb": "JsonValue",
    "void": "None",
    "record": "dict[str, Any]",
    "null": "None",
}
_RESERVED = set(dir(BaseModel)) | {"not_null_columns", "rest_payload"}


def pascal(name: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in re.split(r"[^A-Za-z0-9]+", name) if part)


def identifier(name: str) -> str:
    """A Python attribute name for a column or argument."""
    ident = re.sub(r"\W", "_", name)
    if not ident or ident[0].isdigit():
        ident = f"_{ident}"
    if keyword.iskeyword(ident) or ident in _RESERVED or ident.startswith("model_"):
        ident = f"{ident}_"
    return ident


def doc(text: str | None, indent: str, width: int = 104) -> str:
    """A docstring literal (with its indentation on the first line) or ''."""
    if not text or not text.strip():
        return ""
    body = text.strip().replace("\\", "\\\\").replace('"""', '\\"\\"\\"')
    paragraphs = [
        textwrap.fill(" ".join(p.split()), width=width - len(indent) - 6, break_long_words=False)
        for p in re.split(r"\n\s*\n", body)
    ]
    lines = "\n\n".join(paragraphs).splitlines()
    if len(lines) == 1:
        return f'{indent}"""{lines[0]}"""'
    out = [f'{indent}"""{lines[0]}']
    out += [f"{indent}{line}" if line else "" for line in lines[1:]]
    out.append(f'{indent}"""')
    return "\n".join(out)


@dataclass
class PyField:
    name: str
    annotation: str
    default: str | None = None  # source text after `=`
    doc: str = ""

    def line(self) -> str:
        head = f"    {self.name}: {self.annotation}"
        if self.default is None:
            return head
        line = f"{head} = {self.default}"
        if len(line) <= 110 or not (self.default.startswith("Field(") and self.default.endswith(")")):
            return line
        return f"{head} = Field(\n        {self.default[len('Field(') : -1]}\n    )"


@dataclass
class PyModel:
    name: str
    base: str
    doc: str
    fields: list[PyField] = field(default_factory=list)
    not_null: list[str] | None = None  # InsertModel/UpdateModel: columns that reject None

    def not_null_line(self) -> str:
        names = ", ".join(pystr(n) for n in self.not_null or [])
        line = f"    not_null_columns: ClassVar[frozenset[str]] = frozenset({{{names}}})"
        if len(line) <= 110:
            return line
        items = [f"            {pystr(n)}," for n in self.not_null or []]
        return "\n".join(
            [
                "    not_null_columns: ClassVar[frozenset[str]] = frozenset(",
                "        {",
                *items,
                "        }",
                "    )",
            ]
        )


@dataclass
class PyMethod:
    name: str
    function: str
    doc: str
    params: list[str]
    args_model: str
    arg_names: list[str]
    returns: str
    adapter: str | None  # module-level TypeAdapter name, None for void

    def signature(self, prefix: str = "def") -> str:
        head = f"    {prefix} {self.name}(self"
        one_line = head + (", *, " + ", ".join(self.params) if self.params else "") + f") -> {self.returns}:"
        if len(one_line) <= 100:
            return one_line
        lines = [f"    {prefix} {self.name}(", "        self,", "        *,"]
        lines += [f"        {p}," for p in self.params]
        lines.append(f"    ) -> {self.returns}:")
        return "\n".join(lines)

    def adapter_line(self) -> str:
        line = f"{self.adapter}: TypeAdapter[{self.returns}] = TypeAdapter({self.returns})"
        if len(line) <= 110:
            return line
        return f"{self.adapter}: TypeAdapter[{self.returns}] = TypeAdapter(\n    {self.returns}\n)"

    def construct(self) -> str:
        args = ", ".join(f"{n}={n}" for n in self.arg_names)
        line = f"        args = {self.args_model}({args})"
        if len(line) <= 100:
            return line
        return "\n".join(
            [
                f"        args = {self.args_model}(",
                *[f"            {n}={n}," for n in self.arg_names],
                "        )",
            ]
        )


class PyTypes:
    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self.aliases: dict[tuple[str, ...], str] = {}  # check values -> Literal alias
        self.alias_docs: dict[str, str] = {}
        self.enum_aliases: dict[str, str] = {}
        for enum in catalog.enums:
            self.enum_aliases[enum.name] = pascal(enum.name)
        for rel in (*catalog.tables, *catalog.views):
            for col in rel.columns:
                if col.type.values and col.type.kind != "enum" and col.type.values not in self.aliases:
                    name = pascal(rel.name) + pascal(col.name)
                    self.aliases[col.type.values] = name
                    self.alias_docs[name] = f"Allowed values of {rel.name}.{col.name} (check constraint)."

    def element(self, ref: TypeRef) -> str:
        if ref.kind == "enum":
            if ref.schema == self.catalog.schema and ref.name in self.enum_aliases:
                return self.enum_aliases[ref.name]
            return _literal(ref.values or ())
        if ref.values:
            return self.aliases.get(ref.values) or _literal(ref.values)
        if ref.kind == "composite":
            return pascal(ref.name) if ref.schema == self.catalog.schema else "dict[str, Any]"
        if ref.kind == "relation":
            rel = self.catalog.relation(ref.name) if ref.schema == self.catalog.schema else None
            return pascal(rel.name) if rel is not None else "dict[str, Any]"
        return _SCALARS.get(ref.name, "PgText")

    def type(self, ref: TypeRef) -> str:
        inner = self.element(ref)
        for _ in range(ref.dims):
            inner = f"list[{inner}]"
        return inner

    def shape(self, shape: shapes.Shape, owner: str, models: list[PyModel]) -> str:
        if isinstance(shape, shapes.Literal):
            return f"Literal[{pystr(shape.value)}]"
        if isinstance(shape, shapes.Named):
            ref = self.catalog.named_type(shape.name)
            return self.type(ref) if ref is not None else "JsonValue"
        if isinstance(shape, shapes.ArrayOf):
            return f"list[{self.shape(shape.item, owner + 'Item', models)}]"
        if isinstance(shape, shapes.Union):
            parts = [
                self.shape(item, f"{owner}{i}" if i else owner, models) for i, item in enumerate(shape.items)
            ]
            literals = [p for p in parts if p.startswith("Literal[")]
            others = [p for p in parts if not p.startswith("Literal[")]
            if len(literals) > 1:
                merged = "Literal[" + ", ".join(p[len("Literal[") : -1] for p in literals) + "]"
                parts = [merged, *others]
            return " | ".join(dict.fromkeys(parts))
        model = PyModel(owner, "ResultModel", "")
        for f in shape.fields:
            annotation = self.shape(f.type, owner + pascal(f.name), models)
            default = "None" if f.optional else None
            if f.optional and "None" not in annotation.split(" | "):
                annotation = f"{annotation} | None"
            py_name = identifier(f.name)
            if py_name != f.name:
                default = _aliased(f.name, default)
            model.fields.append(PyField(py_name, annotation, default))
        models.append(model)
        return owner


def pystr(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


def _literal(values: tuple[str, ...]) -> str:
    return "Literal[" + ", ".join(pystr(v) for v in values) + "]" if values else "str"


def wrap_alias(name: str, annotation: str, width: int = 100) -> str:
    """`Name = Literal[...]`, one value per line when it does not fit."""
    line = f"{name} = {annotation}"
    if len(line) <= width or not annotation.startswith("Literal["):
        return line
    values = annotation[len("Literal[") : -1].split(", ")
    return "\n".join([f"{name} = Literal[", *[f"    {v}," for v in values], "]"])


def _aliased(column: str, default: str | None) -> str:
    parts = [f"default={default}"] if default is not None else []
    parts += [f"validation_alias={pystr(column)}", f"serialization_alias={pystr(column)}"]
    return f"Field({', '.join(parts)})"


def _field(col: Column, annotation: str, default: str | None) -> PyField:
    name = identifier(col.name)
    if name != col.name:
        default = _aliased(col.name, default)
    return PyField(name, annotation, default, doc(col.comment, "    "))


def _optional(annotation: str) -> str:
    return annotation if annotation.endswith("| None") or annotation == "None" else f"{annotation} | None"


def _relation_models(types: PyTypes, rel: Relation) -> list[PyModel]:
    name = pascal(rel.name)
    what = "table" if rel.is_table else "view"
    row = PyModel(name, "RowModel", doc(rel.comment or f"A row of the {rel.name} {what}.", "    "))
    for col in rel.columns:
        annotation = types.type(col.type)
        row.fields.append(_field(col, _optional(annotation) if col.nullable else annotation, None))
    for fn_name, fn in types.catalog.computed_fields(rel.name):
        annotation = _optional(_function_result(types, fn, [], pascal(fn_name)))
        row.fields.append(
            PyField(
                identifier(fn_name),
                annotation,
                "None",
                doc(f"Computed field {fn_name}() (only when selected).", "    "),
            )
        )
    models = [row]
    writable = [c for c in rel.columns if not c.read_only and (rel.is_table or c.updatable)]
    if rel.is_table or rel.insertable:
        insert = PyModel(
            f"{name}Insert",
            "InsertModel",
            doc(f"A new row for {rel.name}: omitted fields take the database default.", "    "),
        )
        for col in writable:
            annotation = types.type(col.type)
            optional = col.optional_on_insert if rel.is_table else True
            if optional:
                insert.fields.append(_field(col, _optional(annotation), "None"))
            else:
                insert.fields.append(_field(col, annotation, None))
        insert.not_null = [c.name for c in writable if not c.nullable and rel.is_table]
        models.append(insert)
    if rel.is_table or rel.updatable:
        update = PyModel(
            f"{name}Update",
            "UpdateModel",
            doc(f"A change to {rel.name} rows: only the fields set are sent.", "    "),
        )
        for col in writable:
            update.fields.append(_field(col, _optional(types.type(col.type)), "None"))
        update.not_null = [c.name for c in writable if not c.nullable and rel.is_table]
        models.append(update)
    return models


def _function_result(types: PyTypes, fn: Function, models: list[PyModel], owner: str) -> str:
    """The Python type of what PostgREST returns for one overload."""
    if fn.is_void:
        return "None"
    if fn.table_columns is not None or fn.out_columns is not None:
        row = PyModel(f"{owner}Row", "ResultModel", doc(f"A row returned by {fn.name}().", "    "))
        for c in fn.table_columns or fn.out_columns or ():
            py_name = identifier(c.name)
            default = _aliased(c.name, None) if py_name != c.name else None
            row.fields.append(PyField(py_name, _optional(types.type(c.type)), default))
        models.append(row)
        item = row.name
    elif fn.json_shape is not None:
        item = types.shape(fn.json_shape, f"{owner}Result", models)
    else:
        item = types.type(fn.returns)
    return item if fn.single_row else f"list[{item}]"


def _method(types: PyTypes, fn: Function, models: list[PyModel], suffix: str = "") -> PyMethod:
    owner = pascal(fn.name) + suffix
    result = _function_result(types, fn, models, owner)
    args_model = PyModel(
        f"{owner}Args", "ArgsModel", doc(f"Arguments of {fn.name}({fn.identity_arguments}).", "    ")
    )
    params, names = [], []
    taken: set[str] = set()
    for arg in fn.args:
        base = arg.name[2:] if arg.name.startswith("p_") and len(arg.name) > 2 else arg.name
        py_name = identifier(base)
        if py_name in taken or py_name in ("self",):
            py_name = identifier(arg.name)
        taken.add(py_name)
        annotation = types.type(arg.type)
        if arg.has_default:
            annotation = _optional(annotation)
            args_model.fields.append(
                PyField(py_name, annotation, f"Field(default=None, serialization_alias={pystr(arg.name)})")
            )
            params.append(f"{py_name}: {annotation} = None")
        else:
            args_model.fields.append(
                PyField(py_name, annotation, f"Field(serialization_alias={pystr(arg.name)})")
            )
            params.append(f"{py_name}: {annotation}")
        names.append(py_name)
    models.append(args_model)
    text = fn.comment or f"Calls {fn.name}."
    detail = f"POST /rest/v1/rpc/{fn.name}: `{fn.name}({fn.identity_arguments})`."
    if any(a.has_default for a in fn.args):
        detail += " An argument left as None is not sent (the database default applies)."
    return PyMethod(
        name=identifier(fn.name),
        function=fn.name,
        doc=doc(f"{text}\n\n{detail}", "        "),
        params=params,
        args_model=args_model.name,
        arg_names=names,
        returns=result,
        adapter=None if result == "None" else f"_{fn.name.upper()}{suffix.upper()}_RESULT",
    )


def _imports(texts: list[str]) -> list[str]:
    blob = "\n".join(texts)
    found = []
    if re.search(r"\bdatetime\.", blob):
        found.append("import datetime")
    if re.search(r"\buuid\.", blob):
        found.append("import uuid")
    if re.search(r"\bDecimal\b", blob):
        found.append("from decimal import Decimal")
    return found


def _typing_names(texts: list[str], candidates: tuple[str, ...]) -> list[str]:
    blob = "\n".join(texts)
    return [name for name in candidates if re.search(rf"\b{name}\b", blob)]


@dataclass
class PythonPackage:
    files: dict[str, str]


def render_python(catalog: Catalog) -> dict[str, str]:
    """file name -> source of the generated package."""
    types = PyTypes(catalog)
    table_models: list[PyModel] = []
    composite_models: list[PyModel] = []
    for comp in catalog.composites:
        model = PyModel(
            pascal(comp.name), "RowModel", doc(comp.comment or f"The composite type {comp.name}.", "    ")
        )
        for attr in comp.attributes:
            py_name = identifier(attr.name)
            default = _aliased(attr.name, "None") if py_name != attr.name else "None"
            model.fields.append(PyField(py_name, _optional(types.type(attr.type)), default))
        composite_models.append(model)
    for rel in catalog.relations:
        table_models.extend(_relation_models(types, rel))

    rpc_models: list[PyModel] = []
    methods: list[PyMethod] = []
    skipped: list[str] = []
    for group in catalog.functions:
        callable_ = [f for f in group.overloads if f.error is None and all(a.name for a in f.args)]
        if f := (callable_[0] if len(callable_) == 1 else None):
            methods.append(_method(types, f, rpc_models))
        elif callable_:
            skipped.append(f"{group.name} (overloaded)")
        else:
            skipped.append(group.name)

    names = [m.name for m in (*table_models, *composite_models, *rpc_models)]
    names += list(types.aliases.values()) + list(types.enum_aliases.values())
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise SessionkitError(f"generated Python names clash: {', '.join(duplicates)}")

    model_texts = [
        f"{f.annotation} = {f.default}" for m in (*table_models, *composite_models) for f in m.fields
    ]
    rpc_texts = [f.annotation for m in rpc_models for f in m.fields] + [m.returns for m in methods]
    model_names = {m.name for m in (*table_models, *composite_models)}
    alias_names = [*types.enum_aliases.values(), *types.aliases.values()]
    context = {
        "schema": catalog.schema,
        "enums": [
            (wrap_alias(types.enum_aliases[e.name], _literal(e.values)), doc(e.comment, ""))
            for e in catalog.enums
        ],
        "aliases": [
            (wrap_alias(name, _literal(values)), types.alias_docs[name])
            for values, name in types.aliases.items()
        ],
        "table_models": table_models,
        "composite_models": composite_models,
        "rpc_models": rpc_models,
        "methods": methods,
        "skipped": skipped,
        "error_codes": catalog.error_codes,
        "pascal": pascal,
        "all_sorted": all_sorted,
        "result_models_used": any(m.base == "ResultModel" for m in rpc_models),
        "pystr": pystr,
        "model_imports": _imports(model_texts),
        "model_typing": _typing_names(model_texts, ("Any",))
        + (["ClassVar"] if any(m.not_null for m in table_models) else []),
        "model_pydantic": _typing_names(model_texts, ("Field", "JsonValue")),
        "model_base": _typing_names(model_texts, ("PgText",)),
        "model_aliases": [a for a in alias_names if re.search(rf"\b{a}\b", "\n".join(model_texts))],
        "rpc_imports": _imports(rpc_texts),
        "rpc_typing": _typing_names(rpc_texts, ("Any", "Literal")),
        "rpc_pydantic": _typing_names(rpc_texts, ("JsonValue",)),
        "rpc_base": _typing_names(rpc_texts, ("PgText",)),
        "rpc_aliases": [a for a in alias_names if re.search(rf"\b{a}\b", "\n".join(rpc_texts))],
        "rpc_models_used": sorted(n for n in model_names if re.search(rf"\b{n}\b", "\n".join(rpc_texts))),
        "model_names": sorted(model_names),
        "alias_names": alias_names,
        "error_classes": _error_classes(catalog.error_codes),
    }
    files = {
        name: render_template(f"python/{name}.j2", **context) for name in PACKAGE_FILES if name != "py.typed"
    }
    files["py.typed"] = ""
    return files


def _error_classes(codes: dict[str, str]) -> list[tuple[str, str, str, int]]:
    """(class, code, base class, status) per RPC error code."""
    out = []
    for code, sqlstate in codes.items():
        status = int(sqlstate[2:]) if re.fullmatch(r"PT\d{3}", sqlstate) else 400
        out.append((pascal(code.lower()) + "Error", code, f"Http{status}Error", status))
    return out
