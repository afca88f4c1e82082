"""The shape of a jsonb RPC result, declared in the function's comment.

Postgres can't say what a `returns jsonb` function returns, so its comment may end with one
annotation that both generators turn into a real type (without it the result is plain JSON):

    comment on function public.cancel_booking(uuid, text) is
      'Cancels a booking ...
    @returns {success: boolean, message: text, booking_id: uuid,
              cancellation_policy_applied: 'no_refund' | 'credit_restored' | 'credit_forfeited' | null}';

Grammar: type := alt ('|' alt)*;  alt := primary ('[]')*;
primary := name | 'literal' | null | {field, ...} | (type);  field := name ['?'] ':' type.
A name is a Postgres type (text, uuid, int4, numeric, timestamptz, boolean, jsonb, ...) or a
table, view or composite type of the schema (its Row).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

ANNOTATION = re.compile(r"^\s*@returns\s+(?P<body>.+?)\s*\Z", re.S | re.M)
_TOKEN = re.compile(
    r"\s*(?:(?P<str>'(?:[^']|'')*')|(?P<name>[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_]\w*)?)"
    r"|(?P<arr>\[\])|(?P<punct>[{}():,?|]))"
)


@dataclass(frozen=True)
class Named:
    name: str


@dataclass(frozen=True)
class Literal:
    value: str


@dataclass(frozen=True)
class ArrayOf:
    item: Shape


@dataclass(frozen=True)
class Union:
    items: tuple[Shape, ...]


@dataclass(frozen=True)
class Field:
    name: str
    optional: bool
    type: Shape


@dataclass(frozen=True)
class Obj:
    fields: tuple[Field, ...]


Shape = Named | Literal | ArrayOf | Union | Obj


class ShapeError(ValueError):
    pass


def split_comment(comment: str | None) -> tuple[str | None, str | None]:
    """(documentation without the annotation, annotation body or None)."""
    if not comment:
        return comment, None
    match = ANNOTATION.search(comment)
    if match is None:
        return comment, None
    doc = comment[: match.start()].strip()
    return doc or None, match.group("body")


def parse_shape(text: str) -> Shape:
    tokens = _tokenize(text)
    pos = 0

    def peek() -> str | None:
        return tokens[pos] if pos < len(tokens) else None

    def take(expected: str | None = None) -> str:
        nonlocal pos
        tok = peek()
        if tok is None or (expected is not None and tok != expected):
            raise ShapeError(f"expected {expected or 'a type'} at token {pos + 1} of {text!r}")
        pos += 1
        return tok

    def type_() -> Shape:
        alts = [alt()]
        while peek() == "|":
            take("|")
            alts.append(alt())
        return alts[0] if len(alts) == 1 else Union(tuple(alts))

    def alt() -> Shape:
        shape = primary()
        while peek() == "[]":
            take("[]")
            shape = ArrayOf(shape)
        return shape

    def primary() -> Shape:
        tok = take()
        if tok == "(":
            inner = type_()
            take(")")
            return inner
        if tok == "{":
            fields: list[Field] = []
            while peek() != "}":
                name = take()
                if not re.fullmatch(r"[A-Za-z_]\w*", name):
                    raise ShapeError(f"bad field name {name!r} in {text!r}")
                optional = peek() == "?"
                if optional:
                    take("?")
                take(":")
                fields.append(Field(name, optional, type_()))
                if peek() == ",":
                    take(",")
                elif peek() != "}":
                    raise ShapeError(f"expected ',' or '}}' after field {name!r} in {text!r}")
            take("}")
            return Obj(tuple(fields))
        if tok.startswith("'"):
            return Literal(tok[1:-1].replace("''", "'"))
        if re.fullmatch(r"[A-Za-z_]\w*(?:\.\w+)?", tok):
            return Named(tok.lower())
        raise ShapeError(f"unexpected {tok!r} in {text!r}")

    shape = type_()
    if pos != len(tokens):
        raise ShapeError(f"trailing text after the type in {text!r}")
    return shape


def _tokenize(text: str) -> list[str]:
    tokens: list[str] = []
    pos = 0
    text = text.strip()
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if match is None or match.end() == pos:
            raise ShapeError(f"cannot read {text[pos : pos + 20]!r}")
        tokens.append(match.group().strip())
        pos = match.end()
        while pos < len(text) and text[pos].isspace():
            pos += 1
    return tokens


def names(shape: Shape) -> set[str]:
    """Every type name a shape refers to."""
    if isinstance(shape, Named):
        return {shape.name}
    if isinstance(shape, ArrayOf):
        return names(shape.item)
    if isinstance(shape, Union):
        return set().union(*(names(item) for item in shape.items))
    if isinstance(shape, Obj):
        return set().union(set(), *(names(f.type) for f in shape.fields))
    return set()
