"""The generated Python package: models against real rows, the RPC wrapper on the wire, errors,
ruff + mypy --strict, and side by side with Supabase's Python generator."""

from __future__ import annotations

import json
import keyword
import re
import sys
import typing
import uuid
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import psycopg
import pytest
from psycopg import sql
from psycopg.rows import dict_row
from pydantic import BaseModel, ValidationError

from sessionkit.config import Project
from sessionkit.db.connect import connect
from sessionkit.typegen import Catalog, Language, read_catalog
from sessionkit.typegen.catalog import Column, Relation
from sessionkit.typegen.python import identifier, pascal

from .test_typegen_support import generate_into, import_package, rich_database, run, supabase_types

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
# Supabase's model names of pg_partman's monthly partitions (PublicAuditLogP202611, …Default, …Insert)
PARTITION = re.compile(r"^Public\w+(P\d{6}|Default)(Insert|Update)?$")


@pytest.fixture(scope="module")
def catalog(db_url: str) -> Catalog:
    with connect(db_url) as conn:
        return read_catalog(conn)


@pytest.fixture(scope="module")
def package_dir(db_url: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("py_client")
    generate_into(db_url, Language.python, folder / "sessionkit_client")
    return folder


@pytest.fixture(scope="module")
def client(package_dir: Path) -> ModuleType:
    return import_package(package_dir)


@pytest.fixture(scope="module")
def rich(db_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    folder = tmp_path_factory.mktemp("py_rich")
    with rich_database(db_url) as url:
        generate_into(url, Language.python, folder / "sessionkit_client")
        yield url, folder


# -- arranging real rows ---------------------------------------------------------------------
TEXT_STYLES = ("typegen-sample-{}", "typegen.sample_{}", "Typegen sample {}", "https://typegen.example/{}")


def _sample(col: Column, index: int, style: str = TEXT_STYLES[0]) -> sql.Composable:
    """A plausible value for a required column (FKs are filled separately)."""
    t = col.type
    if t.dims:
        return sql.SQL("'{}'")
    if t.values:
        return sql.Literal(t.values[0])
    simple = {
        "bool": "false",
        "uuid": "gen_random_uuid()",
        "json": "'{}'",
        "jsonb": "'{}'",
        "interval": "interval '1 hour'",
    }
    if t.name in simple:
        return sql.SQL(simple[t.name])
    if t.name in ("int2", "int4", "int8", "numeric", "float4", "float8"):
        return sql.Literal(1)
    if t.name == "date":
        return sql.SQL("current_date + 2 + {}").format(sql.Literal(index))
    if t.name in ("time", "timetz"):
        return sql.SQL("time '08:00' + {} * interval '1 minute'").format(sql.Literal(index))
    if t.name in ("timestamptz", "timestamp"):
        return sql.SQL("now() + interval '2 days' + {} * interval '1 hour'").format(sql.Literal(index))
    return sql.Literal(style.format(index))


def _foreign_keys(conn: psycopg.Connection, table: str) -> list[dict[str, Any]]:
    return list(
        conn.cursor(row_factory=dict_row).execute(
            """
            select con.confrelid::regclass::text as target,
                   array(select a.attname::text from unnest(con.conkey) with ordinality k(c, o)
                         join pg_attribute a on a.attrelid = con.conrelid and a.attnum = k.c
                         order by k.o) as cols,
                   array(select a.attname::text from unnest(con.confkey) with ordinality k(c, o)
                         join pg_attribute a on a.attrelid = con.confrelid and a.attnum = k.c
                         order by k.o) as refs
            from pg_constraint con where con.contype = 'f' and con.conrelid = %s::regclass
            """,
            (f"public.{table}",),
        )
    )


def _fabricate(conn: psycopg.Connection, rel: Relation, style: str, optional: str) -> None:
    """Insert one row into an empty table: FKs point at existing rows, required columns get samples.
    Foreign keys are checked, so they agree with each other: the widest (tenant) keys first, and
    each target row shares the values already chosen (the same organization_id)."""
    values: dict[str, sql.Composable] = {}
    keys = sorted(_foreign_keys(conn, rel.name), key=lambda fk: -len(fk["cols"]))
    for fk in keys:
        columns = sql.SQL(", ").join(sql.Identifier(c) for c in fk["refs"])
        target = sql.SQL(fk["target"])  # regclass text, already quoted
        same = [
            sql.SQL("{} = {}").format(sql.Identifier(ref), values[col])
            for col, ref in zip(fk["cols"], fk["refs"], strict=True)
            if col in values
        ]
        where = sql.SQL(" and ").join(same) if same else sql.SQL("true")
        row = conn.execute(
            sql.SQL("select {} from {} where {} limit 1").format(columns, target, where)
        ).fetchone()
        if row is not None and all(v is not None for v in row):
            for col, value in zip(fk["cols"], row, strict=True):
                values.setdefault(col, sql.Literal(value))
    for index, col in enumerate(rel.columns):
        if col.name in values or col.read_only:
            continue
        text = col.type.name == "text" and not col.type.dims and not col.type.values
        # an optional reference without a row to point at stays null (a made-up id would not exist)
        fill = (optional == "all" and not any(col.name in fk["cols"] for fk in keys)) or (
            optional == "text" and text
        )
        if col.optional_on_insert and not (fill and col.default is None and col.identity is None):
            continue
        values[col.name] = _sample(col, index, style)
    conn.execute(
        sql.SQL("insert into {} ({}) values ({})").format(
            sql.Identifier("public", rel.name),
            sql.SQL(", ").join(sql.Identifier(c) for c in values),
            sql.SQL(", ").join(values.values()),
        )
        if values
        else sql.SQL("insert into {} default values").format(sql.Identifier("public", rel.name))
    )


def _disable_business_triggers(conn: psycopg.Connection, table: str) -> None:
    """Business triggers (cancellations, recurring rules, ...) would refuse made-up rows: disable
    the table's ordinary triggers one by one, by name, as its owner, inside the fixture's
    transaction (rolled back, so nobody else ever sees them off), as the pgTAP suites do.
    Constraints, foreign keys (internal triggers) and `enable always` triggers still hold."""
    names = conn.execute(
        "select t.tgname from pg_trigger t"
        " where t.tgrelid = %s::regclass and not t.tgisinternal and t.tgenabled = 'O'",
        (f"public.{table}",),
    ).fetchall()
    for (name,) in names:
        conn.execute(
            sql.SQL("alter table {} disable trigger {}").format(
                sql.Identifier("public", table), sql.Identifier(name)
            )
        )


@pytest.fixture(scope="module")
def rows(db_url: str, catalog: Catalog) -> Iterator[dict[str, list[dict[str, Any]]]]:
    """Rows of every table and view, as psycopg reads them (raw) and as PostgREST sends them
    (`to_jsonb`). Empty tables get a fabricated row first; everything is rolled back."""
    with psycopg.connect(db_url) as conn:  # one transaction, rolled back at the end
        user = conn.execute(
            "insert into auth.users (id, email, aud, role) values (gen_random_uuid(), %s, 'authenticated', "
            "'authenticated') returning id",
            (f"typegen-{uuid.uuid4().hex[:8]}@example.com",),
        ).fetchone()
        assert user is not None
        conn.execute("set local role authenticated")
        conn.execute(
            "select set_config('request.jwt.claims', %s, true)",
            (json.dumps({"role": "authenticated", "sub": str(user[0]), "aud": "authenticated"}),),
        )
        slug = f"typegen-{uuid.uuid4().hex[:8]}"
        try:
            conn.execute("savepoint rpc")
            conn.execute("select public.create_organization('Typegen Studio', %s)", (slug,))
        except psycopg.Error:
            conn.execute("rollback to savepoint rpc")
        conn.execute("reset role")
        failures: dict[str, str] = {}
        disabled: set[str] = set()
        for _ in range(3):  # parents first: retry what failed for lack of a parent row
            for rel in catalog.tables:
                exists = sql.SQL("select exists (select from {})").format(sql.Identifier("public", rel.name))
                if conn.execute(exists).fetchone() == (True,):
                    continue
                if rel.name not in disabled:
                    _disable_business_triggers(conn, rel.name)
                    disabled.add(rel.name)
                for style in TEXT_STYLES:
                    for optional in ("none", "text", "all"):
                        conn.execute("savepoint fabricate")
                        try:
                            _fabricate(conn, rel, style, optional)
                        except psycopg.Error as exc:
                            conn.execute("rollback to savepoint fabricate")
                            failures[rel.name] = str(exc).splitlines()[0]
                            continue
                        failures.pop(rel.name, None)
                        break
                    else:
                        continue
                    break
        found: dict[str, list[dict[str, Any]]] = {}
        with conn.cursor(row_factory=dict_row) as cur:
            for rel in catalog.relations:
                name = sql.Identifier("public", rel.name)
                found[rel.name] = list(cur.execute(sql.SQL("select * from {} limit 25").format(name)))
                found[f"{rel.name}:json"] = [
                    r["j"]
                    for r in cur.execute(sql.SQL("select to_jsonb(t) as j from {} t limit 25").format(name))
                ]
        conn.rollback()
    found["_failures"] = [failures]  # type: ignore[list-item]
    yield found


def _model(module: ModuleType, rel: Relation, suffix: str = "") -> type[BaseModel]:
    model = getattr(module.models, pascal(rel.name) + suffix)
    assert issubclass(model, BaseModel)
    return model


# -- tests ---------------------------------------------------------------------------------
def test_models_validate_real_rows_of_every_table_and_view(
    client: ModuleType, catalog: Catalog, rows: dict[str, list[dict[str, Any]]]
) -> None:
    empty = []
    for rel in catalog.relations:
        model = _model(client, rel)
        if not rows[rel.name]:
            empty.append(rel.name)
        for raw in rows[rel.name]:
            model.model_validate(raw)
        for body in rows[f"{rel.name}:json"]:
            model.model_validate(body)
    # the arranged rows reach every table (views may legitimately stay empty)
    tables = {t.name for t in catalog.tables}
    assert not [name for name in empty if name in tables], (empty, rows["_failures"])


def test_insert_models_accept_real_rows_and_reject_a_missing_required_column(
    client: ModuleType, catalog: Catalog, rows: dict[str, list[dict[str, Any]]]
) -> None:
    checked = 0
    for rel in catalog.tables:
        insert = _model(client, rel, "Insert")
        required = [c for c in rel.columns if not c.read_only and not c.optional_on_insert]
        for body in rows[f"{rel.name}:json"][:1]:
            writable = {c.name: body[c.name] for c in rel.columns if not c.read_only}
            payload = insert.model_validate(writable).rest_payload()
            assert set(payload) <= {c.name for c in rel.columns}
            for col in required:
                missing = {k: v for k, v in writable.items() if k != col.name}
                with pytest.raises(ValidationError, match=identifier(col.name)):
                    insert.model_validate(missing)
                checked += 1
    assert checked > 0


def test_write_models_refuse_null_in_not_null_columns_and_unknown_fields(client: ModuleType) -> None:
    insert = client.models.OrganizationsInsert
    assert insert(name="Studio", slug="studio").rest_payload() == {"name": "Studio", "slug": "studio"}
    with pytest.raises(ValidationError, match="timezone is NOT NULL"):
        insert(name="Studio", slug="studio", timezone=None)
    with pytest.raises(ValidationError, match="extra"):
        insert.model_validate({"name": "Studio", "slug": "studio", "nope": 1})
    update = client.models.BookingsUpdate
    assert update(status="cancelled").rest_payload() == {"status": "cancelled"}
    with pytest.raises(ValidationError):
        update(status="maybe")


def test_check_constraints_become_literals(client: ModuleType) -> None:
    status = typing.get_args(client.enums.BookingsStatus)
    assert {"pending", "confirmed", "completed", "cancelled"} <= set(status)
    assert typing.get_args(client.enums.OrganizationMembersRole) == ("owner", "admin", "provider", "client")


class _Recorder:
    def __init__(self, responses: list[httpx.Response]) -> None:
        self.requests: list[httpx.Request] = []
        self.responses = responses

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return self.responses.pop(0)


def _supabase(recorder: _Recorder, key: str = "anon-key") -> Any:
    from supabase import create_client
    from supabase.lib.client_options import SyncClientOptions

    options = SyncClientOptions(httpx_client=httpx.Client(transport=httpx.MockTransport(recorder)))
    return create_client("http://127.0.0.1:54321", key, options=options)


def test_wrapper_sends_named_p_args_to_rpc_path_with_auth(client: ModuleType) -> None:
    org_id = uuid.uuid4()
    row = {
        "id": str(org_id),
        "name": "Studio",
        "slug": "studio",
        "timezone": "Europe/Berlin",
        "created_by": None,
        "created_at": "2026-01-01T10:00:00+00:00",
        "updated_at": "2026-01-01T10:00:00+00:00",
    }
    recorder = _Recorder([httpx.Response(200, json=row)])
    supabase = _supabase(recorder)
    supabase.postgrest.auth("user-jwt")
    result = client.SessionkitRpc(supabase).create_organization(name="Studio", slug="studio")
    assert isinstance(result, client.models.Organizations)
    assert result.id == org_id and result.timezone == "Europe/Berlin"
    (request,) = recorder.requests
    assert request.method == "POST"
    assert request.url.path == "/rest/v1/rpc/create_organization"
    assert json.loads(request.content) == {"p_name": "Studio", "p_slug": "studio"}  # p_timezone: db default
    assert request.headers["authorization"] == "Bearer user-jwt"
    assert request.headers["apikey"] == "anon-key"


def test_wrapper_cancel_booking_sends_p_args_and_returns_typed_result(
    client: ModuleType, catalog: Catalog
) -> None:
    if not any(g.name == "cancel_booking" for g in catalog.functions):
        pytest.skip("cancel_booking is not in the schema yet")
    booking = uuid.uuid4()
    body = {
        "success": True,
        "message": "Booking cancelled",
        "booking_id": str(booking),
        "cancellation_policy_applied": "credit_restored",
    }
    recorder = _Recorder([httpx.Response(200, json=body)])
    result = client.SessionkitRpc(_supabase(recorder)).cancel_booking(booking_id=booking, reason="sick")
    (request,) = recorder.requests
    assert request.url.path == "/rest/v1/rpc/cancel_booking"
    assert json.loads(request.content) == {"p_booking_id": str(booking), "p_reason": "sick"}
    data = result.model_dump() if isinstance(result, BaseModel) else result
    assert data["booking_id"] in (booking, str(booking))
    assert data["cancellation_policy_applied"] == "credit_restored"


@pytest.mark.parametrize(
    ("body", "cls", "code", "status"),
    [
        (
            {"code": "PT409", "message": "ALREADY_CANCELLED", "details": "Already cancelled.", "hint": None},
            "AlreadyCancelledError",
            "ALREADY_CANCELLED",
            409,
        ),
        (
            {"code": "PT400", "message": "INVALID_REQUEST", "details": "Bad slug.", "hint": "p_slug"},
            "InvalidRequestError",
            "INVALID_REQUEST",
            400,
        ),
        (
            {"code": "PT401", "message": "UNAUTHORIZED", "details": None, "hint": None},
            "UnauthorizedError",
            "UNAUTHORIZED",
            401,
        ),
        (
            {"code": "PT403", "message": "FORBIDDEN", "details": "No.", "hint": None},
            "ForbiddenError",
            "FORBIDDEN",
            403,
        ),
        (
            {"code": "PT404", "message": "NOT_FOUND", "details": "Gone.", "hint": None},
            "NotFoundError",
            "NOT_FOUND",
            404,
        ),
        (
            {"code": "PT422", "message": "BOOKING_IN_PAST", "details": "Too late.", "hint": None},
            "BookingInPastError",
            "BOOKING_IN_PAST",
            422,
        ),
        (
            {"code": "PT422", "message": "SOMETHING_NEW", "details": None, "hint": None},
            "Http422Error",
            "SOMETHING_NEW",
            422,
        ),
        (
            {
                "code": "23505",
                "message": "duplicate key value violates unique constraint",
                "details": None,
                "hint": None,
            },
            "Http409Error",
            "23505",
            409,
        ),
        (
            {"code": "PGRST202", "message": "Could not find the function", "details": None, "hint": None},
            "Http404Error",
            "PGRST202",
            404,
        ),
    ],
)
def test_postgrest_error_bodies_become_typed_exceptions(
    client: ModuleType, body: dict[str, Any], cls: str, code: str, status: int
) -> None:
    recorder = _Recorder([httpx.Response(status, json=body)])
    with pytest.raises(client.errors.RpcError) as caught:
        client.SessionkitRpc(_supabase(recorder)).ensure_organization_settings(organization_id=uuid.uuid4())
    error = caught.value
    assert type(error).__name__ == cls
    assert isinstance(error, client.errors.STATUS_ERRORS[status])
    assert (error.code, error.status, error.sqlstate) == (code, status, body["code"])
    assert error.detail == body["details"] and error.hint == body["hint"]


def test_async_wrapper(client: ModuleType) -> None:
    import asyncio

    from supabase import acreate_client
    from supabase.lib.client_options import AsyncClientOptions

    requests: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        return httpx.Response(
            409, json={"code": "PT409", "message": "CONFLICT", "details": "Taken.", "hint": "p_slug"}
        )

    async def go() -> None:
        options = AsyncClientOptions(httpx_client=httpx.AsyncClient(transport=httpx.MockTransport(handler)))
        supabase = await acreate_client("http://127.0.0.1:54321", "anon-key", options=options)
        with pytest.raises(client.errors.ConflictError) as caught:
            await client.AsyncSessionkitRpc(supabase).create_organization(
                name="S", slug="s-s", timezone="UTC"
            )
        assert caught.value.hint == "p_slug"

    asyncio.run(go())
    assert json.loads(requests[0].content) == {"p_name": "S", "p_slug": "s-s", "p_timezone": "UTC"}


_TYPED_USAGE = """
from __future__ import annotations

import uuid

from supabase import AsyncClient, Client

from sessionkit_client import AsyncSessionkitRpc, SessionkitRpc
from sessionkit_client.errors import Http409Error
from sessionkit_client.models import Organizations


def use(client: Client, aclient: AsyncClient) -> Organizations | None:
    rpc = SessionkitRpc(client)
    AsyncSessionkitRpc(aclient)
    try:
        return rpc.create_organization(name="Studio", slug="studio")
    except Http409Error as exc:
        print(exc.code, exc.status)
        return None


def misuse(client: Client) -> None:
    SessionkitRpc(client).ensure_organization_settings(organization_id="not-a-uuid")  # type: ignore[arg-type]
    SessionkitRpc(client).create_organization(nam="Studio", slug="s")  # type: ignore[call-arg]
"""


def _lint_and_typecheck(folder: Path, tmp_path: Path) -> None:
    ruff = run(
        [str(BIN / "ruff"), "check", "--config", str(ROOT / "pyproject.toml"), "sessionkit_client"], folder
    )
    assert ruff.returncode == 0, ruff.stdout + ruff.stderr
    (folder / "typed_usage.py").write_text(_TYPED_USAGE)
    mypy = run(
        [
            str(BIN / "mypy"),
            "--strict",
            "--warn-unused-ignores",
            "--cache-dir",
            str(tmp_path / ".mypy"),
            "sessionkit_client",
            "typed_usage.py",
        ],
        folder,
    )
    (folder / "typed_usage.py").unlink()
    assert mypy.returncode == 0, mypy.stdout + mypy.stderr


def test_generated_package_passes_ruff_and_mypy_strict(package_dir: Path, tmp_path: Path) -> None:
    _lint_and_typecheck(package_dir, tmp_path)


def test_rich_schema_package_passes_ruff_and_mypy_and_validates_rows(
    rich: tuple[str, Path], tmp_path: Path
) -> None:
    url, folder = rich
    ruff = run(
        [str(BIN / "ruff"), "check", "--config", str(ROOT / "pyproject.toml"), "sessionkit_client"], folder
    )
    assert ruff.returncode == 0, ruff.stdout
    mypy = run(
        [str(BIN / "mypy"), "--strict", "--cache-dir", str(tmp_path / ".mypy"), "sessionkit_client"], folder
    )
    assert mypy.returncode == 0, mypy.stdout
    module = import_package(folder)
    with connect(url) as conn:
        catalog = read_catalog(conn)
        with conn.cursor(row_factory=dict_row) as cur:
            for rel in catalog.relations:
                bodies = [
                    r["j"]
                    for r in cur.execute(
                        sql.SQL("select to_jsonb(t) as j from {} t").format(
                            sql.Identifier("public", rel.name)
                        )
                    )
                ]
                assert bodies, rel.name
                for body in bodies:
                    _model(module, rel).model_validate(body)
    rooms = module.models.Rooms.model_validate(
        bodies[0]
        if rel.name == "rooms"
        else {
            "id": 1,
            "code": "a",
            "name": "A",
            "kind": "office",
            "tags": [],
            "capacity": None,
            "mood": "busy",
            "settings": {},
            "extra": None,
            "opened_on": None,
            "opens_at": None,
            "slot": None,
            "price": "1.50",
            "fee": {"amount": 1, "currency": "EUR"},
            "area": None,
            "code_upper": "A",
            "created_at": "2026-01-01T00:00:00Z",
        }
    )
    assert rooms.room_label is None  # computed field, only when selected
    assert "code_upper" not in module.models.RoomsInsert.model_fields  # generated: never written
    assert "id" not in module.models.RoomsInsert.model_fields  # identity always
    booking = module.models.RoomBookings.model_validate(
        {
            "id": str(uuid.uuid4()),
            "room_id": 1,
            "seq": 1,
            "status": None,
            "format": "mp4",
            "from": "2026-01-01T10:00:00Z",
            "to": "2026-01-01T11:00:00Z",
            "note": None,
        }
    )
    assert booking.from_.year == 2026 and booking.model_dump(by_alias=True)["from"] == booking.from_
    shaped = module.rpc.BookRoomResult.model_validate(
        {"ok": True, "booking_id": str(uuid.uuid4()), "state": "held", "rooms": []}
    )
    assert shaped.warning is None
    with pytest.raises(ValidationError):
        module.rpc.BookRoomResult.model_validate(
            {"ok": True, "booking_id": str(uuid.uuid4()), "state": "x", "rooms": []}
        )


def _supabase_python_models(project: Project, url: str, tmp_path: Path) -> ModuleType:
    source = supabase_types(project, url, "python")
    # Their generator writes columns named like keywords (`from: ...`) as-is: not valid Python.
    source = re.sub(rf"^(\s+)({'|'.join(keyword.kwlist)}):", r"\1\2_:", source, flags=re.M)
    (tmp_path / "theirs_models.py").write_text(source)
    return import_package(tmp_path, "theirs_models")


def _compatible(theirs: Any, ours: Any) -> bool:
    """Their annotation is covered by ours: same type, or ours narrows it (Literal of str,
    Decimal for float, text for types they don't know)."""

    def norm(tp: Any) -> set[str]:
        args = typing.get_args(tp)
        origin = typing.get_origin(tp)
        if origin in (typing.Union, __import__("types").UnionType):
            return set().union(*(norm(a) for a in args))
        if origin is typing.Literal:
            return {f"str:{v}" for v in args}
        if origin is typing.Annotated:
            return norm(args[0])
        if origin is list:
            return {f"list[{','.join(sorted(norm(args[0])))}]"}
        return {getattr(tp, "__name__", str(tp))}

    if isinstance(theirs, typing.ForwardRef):  # their class used before its definition
        return all(name in str(ours) for name in re.findall(r"Public(\w+)", theirs.__forward_arg__))
    mine, theirs_ = norm(ours), norm(theirs)
    widen = {"Decimal": "float", "JsonValue": "JsonValue"}
    mine = {widen.get(m, m) for m in mine}
    mine = {("str" if m.startswith("str:") else m) for m in mine} | mine
    return all(
        t in mine or t == "Any" or (t == "str" and any(m.startswith("str:") for m in mine)) for t in theirs_
    )


@pytest.mark.parametrize("which", ["migrated", "rich"])
def test_side_by_side_with_supabase_python_generator(
    which: str, project: Project, db_url: str, client: ModuleType, rich: tuple[str, Path], tmp_path: Path
) -> None:
    url = db_url if which == "migrated" else rich[0]
    ours = client if which == "migrated" else import_package(rich[1])
    theirs = _supabase_python_models(project, url, tmp_path)
    problems = []
    for name, cls in vars(theirs).items():
        if not (isinstance(cls, type) and issubclass(cls, BaseModel) and name.startswith("Public")):
            continue
        if PARTITION.match(name):  # pg_partman's months: ours reads them through the parent only
            continue
        mine = getattr(ours.models, name.removeprefix("Public"), None)
        if mine is None:
            problems.append(f"{name}: missing")
            continue
        fields = {(f.validation_alias or n): f for n, f in mine.model_fields.items()}
        for fname, finfo in cls.model_fields.items():
            column = finfo.alias or fname
            if column not in fields:
                problems.append(f"{name}.{column}: missing")
            elif not _compatible(finfo.annotation, fields[column].annotation):
                problems.append(f"{name}.{column}: {finfo.annotation} vs {fields[column].annotation}")
    assert not problems, problems
