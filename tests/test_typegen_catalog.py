"""What the typegen reads from the catalog: check values, view lineage, shapes, RPC details."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from sessionkit.db.connect import connect
from sessionkit.errors import SessionkitError
from sessionkit.typegen import Catalog, read_catalog
from sessionkit.typegen.checks import allowed_values
from sessionkit.typegen.nodetree import parse
from sessionkit.typegen.shapes import ArrayOf, Literal, Named, Obj, Union, parse_shape, split_comment

from .test_typegen_support import rich_database


@pytest.fixture(scope="module")
def rich(db_url: str) -> Iterator[Catalog]:
    with rich_database(db_url) as url, connect(url) as conn:
        yield read_catalog(conn)


@pytest.mark.parametrize(
    ("definition", "expected"),
    [
        ("CHECK ((role = ANY (ARRAY['owner'::text, 'admin'::text])))", {"role": ["owner", "admin"]}),
        (
            "CHECK (((status IS NULL) OR (status = ANY (ARRAY['a'::text, 'b'::text]))))",
            {"status": ["a", "b"]},
        ),
        (
            "CHECK (((kind)::text = ANY ((ARRAY['x'::character varying, 'y''z'::character varying])"
            "::text[])))",
            {"kind": ["x", "y'z"]},
        ),
        ("CHECK ((mode = 'only'::text))", {"mode": ["only"]}),
        (
            "CHECK (((k = ANY (ARRAY['a'::text, 'b'::text])) AND (n > 0) AND (k = ANY (ARRAY['b'::text]))))",
            {"k": ["b"]},
        ),
        ("CHECK ((\"from\" = ANY (ARRAY['p'::text])))", {"from": ["p"]}),
        ("CHECK (((a = 'x'::text) OR (b = 'y'::text)))", {}),
        ("CHECK (((expires_at IS NULL) OR (expires_at > starts_at)))", {}),
        ("CHECK ((slug ~ '^[a-z]+$'::text))", {}),
    ],
)
def test_check_constraint_values(definition: str, expected: dict[str, list[str]]) -> None:
    assert allowed_values(definition) == expected


def test_node_tree_parser_reads_nested_nodes_lists_and_escapes() -> None:
    tree = parse(r"({QUERY :a 1 :b (i 1 2) :c <> :d {VAR :x \{y\}} :e 4 [ 1 0 0 0 ]})")
    assert tree == [
        {
            "type": "QUERY",
            "fields": {
                "a": "1",
                "b": ["1", "2"],
                "c": None,
                "d": {"type": "VAR", "fields": {"x": "{y}"}},
                "e": "4",
            },
        }
    ]


def test_returns_shape_grammar() -> None:
    doc, body = split_comment(
        "Cancels it.\n@returns {ok: boolean, why?: text | null, ids: uuid[], s: 'a' | 'b'}"
    )
    assert doc == "Cancels it."
    assert body is not None
    shape = parse_shape(body)
    assert isinstance(shape, Obj)
    assert [(f.name, f.optional) for f in shape.fields] == [
        ("ok", False),
        ("why", True),
        ("ids", False),
        ("s", False),
    ]
    assert shape.fields[1].type == Union((Named("text"), Named("null")))
    assert shape.fields[2].type == ArrayOf(Named("uuid"))
    assert shape.fields[3].type == Union((Literal("a"), Literal("b")))


def test_migrated_schema_is_read_whole(db_url: str) -> None:
    with connect(db_url) as conn:
        catalog = read_catalog(conn)
        tables = {
            r[0]
            for r in conn.execute(
                # partitions (pg_partman's months) are left out: read through their parent
                "select c.relname from pg_class c where c.relnamespace = 'public'::regnamespace"
                " and c.relkind in ('r', 'p') and not c.relispartition"
            )
        }
        views = {r[0] for r in conn.execute("select viewname from pg_views where schemaname = 'public'")}
        functions = {
            r[0]
            for r in conn.execute(
                "select p.proname from pg_proc p join pg_namespace n on n.oid = p.pronamespace "
                "where n.nspname = 'public' and p.prokind = 'f' and p.prorettype <> 'trigger'::regtype"
            )
        }
    assert {t.name for t in catalog.tables} == tables
    assert {v.name for v in catalog.views if v.kind == "view"} == views
    assert {g.name for g in catalog.functions} == functions
    assert catalog.error_codes["ALREADY_CANCELLED"] == "PT409"


def test_columns_defaults_identity_generated_arrays_and_checks(rich: Catalog) -> None:
    rooms = rich.relation("rooms")
    assert rooms is not None
    by_name = {c.name: c for c in rooms.columns}
    assert by_name["id"].identity == "ALWAYS" and by_name["id"].read_only
    assert by_name["code_upper"].generated and by_name["code_upper"].read_only
    assert by_name["kind"].type.values == ("studio", "office", "online")
    assert by_name["kind"].optional_on_insert and not by_name["kind"].nullable
    assert by_name["code"].optional_on_insert is False
    assert by_name["tags"].type.dims == 1 and by_name["tags"].type.name == "text"
    assert by_name["mood"].type.kind == "enum" and by_name["mood"].type.values == ("calm", "busy", "closed")
    assert by_name["fee"].type.kind == "composite"
    assert rooms.comment == "Rooms of a venue."
    bookings = rich.relation("room_bookings")
    assert bookings is not None
    assert {c.name: c for c in bookings.columns}["format"].type.values == ("mp4", "webm", "mov")  # domain
    assert {c.name: c for c in bookings.columns}["seq"].identity == "BY DEFAULT"


def test_views_nullability_lineage_and_relationships(rich: Catalog) -> None:
    overview = rich.relation("room_overview")
    assert overview is not None
    cols = {c.name: c for c in overview.columns}
    assert not cols["id"].nullable and not cols["code"].nullable  # plain refs to NOT NULL columns
    assert cols["booking_id"].nullable  # nullable side of the left join
    assert cols["kind"].type.values == ("studio", "office", "online")  # inherited check values
    assert cols["kind"].comment == "What the room is used for."
    assert not overview.insertable
    booked = rich.relation("booked_rooms")
    assert booked is not None and booked.insertable and booked.updatable
    assert ("room_bookings_room_id_fkey", "rooms") in {
        (r.foreign_key_name, r.referenced_relation) for r in booked.relationships
    }
    notes = rich.relation("room_notes")
    assert notes is not None
    assert [r.is_one_to_one for r in notes.relationships if r.referenced_relation == "rooms"] == [True]
    counts = rich.relation("room_counts")
    assert counts is not None and counts.kind == "materialized_view" and not counts.insertable


def test_functions_returns_args_and_errors(rich: Catalog) -> None:
    fns = {g.name: g.overloads for g in rich.functions}
    assert "note_trigger" not in fns
    (free,) = fns["free_rooms"]
    assert free.returns_relation == "rooms" and free.returns_set and not free.single_row
    assert [(a.name, a.has_default, a.default_is_null) for a in free.args] == [
        ("p_kind", True, True),
        ("p_min_capacity", True, False),
    ]
    (slots,) = fns["room_slots"]
    assert slots.table_columns is not None and [c.name for c in slots.table_columns] == [
        "ends_at",
        "starts_at",
    ]
    (stats,) = fns["room_stats"]
    assert stats.out_columns is not None and [c.name for c in stats.out_columns] == [
        "bookings",
        "last_booking",
    ]
    (book,) = fns["book_room"]
    assert isinstance(book.json_shape, Obj) and book.comment == "Books a room."
    (touch,) = fns["touch_room"]
    assert touch.is_void
    assert all(o.error and "best candidate" in o.error for o in fns["echo"])
    (label,) = fns["room_label"]
    assert label.computed_field_of == "rooms" and label.error is not None
    (fee,) = fns["fee_of"]
    assert fee.setof_options is not None and fee.setof_options.to == "money_amount"


def test_bad_returns_annotation_names_the_function(db_url: str) -> None:
    with rich_database(db_url) as url, connect(url) as conn:
        conn.execute(
            "comment on function public.book_room(bigint, timestamptz, timestamptz, text) is "
            "'@returns {ok: nope}'"
        )
        with pytest.raises(SessionkitError, match=r"book_room.*nope"):
            read_catalog(conn)
