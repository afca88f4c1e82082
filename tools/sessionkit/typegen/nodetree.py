"""Postgres `pg_node_tree` text (view rules, argument defaults) parsed into plain Python values.

Views need it for two things Supabase's generator also derives from the rule tree: which view
columns are NOT NULL (a plain reference to a NOT NULL base column, not on the nullable side of
an outer join) and which base column a view column comes from (so a view inherits the column's
check-constraint values and comment).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, TypeAlias

Node: TypeAlias = Any  # dict {"type": str, "fields": dict} | list | str | None

_DELIMS = "(){}"
_LIST_KINDS = {"i", "o", "b", "x"}  # int, oid, bitmapset and xid lists start with a marker

# RangeTblEntry.rtekind
_RTE_RELATION, _RTE_SUBQUERY, _RTE_JOIN, _RTE_CTE, _RTE_GROUP = "0", "1", "2", "6", "9"
# JoinExpr.jointype
_JOIN_INNER, _JOIN_LEFT, _JOIN_RIGHT = "0", "1", "3"


@dataclass(frozen=True)
class _Token:
    raw: str
    text: str


def _tokens(source: str) -> list[_Token]:
    out: list[_Token] = []
    i, n = 0, len(source)
    while i < n:
        ch = source[i]
        if ch in " \t\n\r":
            i += 1
            continue
        if ch in _DELIMS:
            out.append(_Token(ch, ch))
            i += 1
            continue
        start, text = i, []
        while i < n:
            ch = source[i]
            if ch == "\\" and i + 1 < n:
                text.append(source[i + 1])
                i += 2
                continue
            if ch in " \t\n\r" or ch in _DELIMS:
                break
            text.append(ch)
            i += 1
        out.append(_Token(source[start:i], "".join(text)))
    return out


def parse(source: str) -> Node:
    """Parse the text form of a pg_node_tree."""
    toks = _tokens(source)
    pos = 0

    def peek() -> _Token | None:
        return toks[pos] if pos < len(toks) else None

    def take() -> _Token:
        nonlocal pos
        if pos >= len(toks):
            raise ValueError("unexpected end of pg_node_tree")
        tok = toks[pos]
        pos += 1
        return tok

    def value_ends(tok: _Token | None) -> bool:
        return tok is None or tok.raw == "}" or tok.raw.startswith(":")

    def node() -> Node:
        tok = take()
        if tok.raw == "{":
            kind = take().text
            fields: dict[str, Node] = {}
            while (nxt := peek()) is not None and nxt.raw != "}":
                key = take().raw[1:]
                fields[key] = None if value_ends(peek()) else node()
                while not value_ends(peek()):
                    node()  # extra tokens of a multi-token value (e.g. constvalue bytes)
            take()
            return {"type": kind, "fields": fields}
        if tok.raw == "(":
            items: list[Node] = []
            nxt = peek()
            if nxt is not None and nxt.raw in _LIST_KINDS:
                take()
            while (nxt := peek()) is not None and nxt.raw != ")":
                items.append(node())
            take()
            return items
        if tok.raw == "<>":
            return None
        return tok.text

    result = node()
    if pos != len(toks):
        raise ValueError("trailing tokens after pg_node_tree")
    return result


def is_node(value: Node, kind: str | None = None) -> bool:
    return isinstance(value, dict) and (kind is None or value.get("type") == kind)


def items(value: Node) -> list[Node]:
    return value if isinstance(value, list) else []


def field(value: Node, name: str) -> Node:
    return value["fields"].get(name) if is_node(value) else None


@dataclass(frozen=True)
class Origin:
    """Where a view column comes from: a base relation's column, and whether an outer join
    may null it."""

    relid: int
    attnum: int
    nullable_side: bool


def _simple(query: Node) -> bool:
    return field(query, "setOperations") is None and not items(field(query, "groupingSets"))


def _nullable_rtes(query: Node) -> set[int]:
    """Range-table indexes on the nullable side of an outer join."""
    found: set[int] = set()

    def walk(node: Node, nullable: bool) -> None:
        if is_node(node, "RANGETBLREF"):
            if nullable:
                found.add(int(field(node, "rtindex")))
        elif is_node(node, "FROMEXPR"):
            for child in items(field(node, "fromlist")):
                walk(child, nullable)
        elif is_node(node, "JOINEXPR"):
            kind = field(node, "jointype")
            if nullable:
                found.add(int(field(node, "rtindex")))
            walk(field(node, "larg"), nullable or kind not in (_JOIN_INNER, _JOIN_LEFT))
            walk(field(node, "rarg"), nullable or kind not in (_JOIN_INNER, _JOIN_RIGHT))

    walk(field(query, "jointree"), False)
    return found


def _trace(expr: Node, stack: list[Node], nullable: bool) -> Origin | None:
    query = stack[-1] if stack else None
    if query is None or not is_node(expr, "VAR") or field(expr, "varlevelsup") != "0":
        return None
    varno, attno = int(field(expr, "varno")), int(field(expr, "varattno"))
    if attno <= 0:
        return None
    nullable = nullable or varno in _nullable_rtes(query)
    rtable = items(field(query, "rtable"))
    if not 0 < varno <= len(rtable) or not is_node(rtable[varno - 1], "RANGETBLENTRY"):
        return None
    rte = rtable[varno - 1]
    kind = field(rte, "rtekind")
    if kind == _RTE_RELATION:
        relid = field(rte, "relid")
        return Origin(int(relid), attno, nullable) if isinstance(relid, str) else None
    if kind == _RTE_SUBQUERY:
        return _trace_output(field(rte, "subquery"), attno, stack, nullable)
    if kind == _RTE_JOIN:
        aliases = items(field(rte, "joinaliasvars"))
        return _trace(aliases[attno - 1], stack, nullable) if attno <= len(aliases) else None
    if kind == _RTE_GROUP:
        exprs = items(field(rte, "groupexprs"))
        return _trace(exprs[attno - 1], stack, nullable) if attno <= len(exprs) else None
    if kind == _RTE_CTE:
        levels = int(field(rte, "ctelevelsup"))
        if levels >= len(stack):
            return None
        owner = stack[-1 - levels]
        for cte in items(field(owner, "cteList")):
            if (
                is_node(cte, "COMMONTABLEEXPR")
                and field(cte, "ctename") == field(rte, "ctename")
                and field(cte, "cterecursive") != "true"
            ):
                return _trace_output(field(cte, "ctequery"), attno, stack[: len(stack) - levels], nullable)
    return None


def _trace_output(query: Node, resno: int, stack: list[Node], nullable: bool) -> Origin | None:
    if not is_node(query, "QUERY") or not _simple(query):
        return None
    for entry in items(field(query, "targetList")):
        if is_node(entry, "TARGETENTRY") and int(field(entry, "resno")) == resno:
            return _trace(field(entry, "expr"), [*stack, query], nullable)
    return None


def view_query(definition: str) -> Node:
    """The QUERY node of a view's `_RETURN` rule (pg_rewrite.ev_action)."""
    tree = parse(definition)
    query = tree[0] if isinstance(tree, list) and tree else tree
    return query if is_node(query, "QUERY") else None


def view_column_origins(definition: str) -> dict[int, Origin]:
    """resno -> the base column a view column plainly references (through subqueries, joins
    and non-recursive CTEs); views referenced by the view count as relations."""
    try:
        query = view_query(definition)
    except ValueError:
        return {}
    if query is None or not _simple(query):
        return {}
    origins: dict[int, Origin] = {}
    for entry in items(field(query, "targetList")):
        if not is_node(entry, "TARGETENTRY") or field(entry, "resjunk") == "true":
            continue
        origin = _trace(field(entry, "expr"), [query], False)
        if origin is not None:
            origins[int(field(entry, "resno"))] = origin
    return origins


def parser_origins(definition: str) -> Iterator[tuple[int, int, int]]:
    """(resno, resorigtbl, resorigcol) of the top target list, as PostgREST reads them."""
    try:
        query = view_query(definition)
    except ValueError:
        return
    for entry in items(field(query, "targetList")):
        if not is_node(entry, "TARGETENTRY"):
            continue
        tbl, col = field(entry, "resorigtbl"), field(entry, "resorigcol")
        if isinstance(tbl, str) and isinstance(col, str) and tbl != "0":
            yield int(field(entry, "resno")), int(tbl), int(col)


def const_is_null(node: Node) -> bool:
    """True when an argument default is a NULL constant (possibly under a cast)."""
    while is_node(node, "RELABELTYPE") or is_node(node, "COERCETODOMAIN"):
        node = field(node, "arg")
    if is_node(node, "FUNCEXPR"):
        args = items(field(node, "args"))
        if field(node, "funcformat") in ("1", "2") and args:  # explicit or implicit cast
            return const_is_null(args[0])
    return is_node(node, "CONST") and field(node, "constisnull") == "true"
