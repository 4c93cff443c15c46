from __future__ import annotations

import asyncio
import base64
import uuid
from datetime import datetime, timezone
from typing import Annotated

import httpx
import pytest
from fastapi import Depends, FastAPI
from tortoise import connections

from chassis.errors import BadRequest
from chassis.pagination import CursorKind, decode_cursor, encode_cursor, keyset_where
from chassis.testing import threaded_dependencies


async def _create(client: httpx.AsyncClient, n: int) -> None:
    for i in range(n):
        assert (await client.post("/api/v1/notes", json={"text": f"n{i}"})).status_code == 201


async def test_pages_cover_everything_once_newest_first(client: httpx.AsyncClient) -> None:
    await _create(client, 45)
    seen: list[str] = []
    cursor = None
    sizes = []
    while True:
        params = {"limit": 20, **({"cursor": cursor} if cursor else {})}
        body = (await client.get("/api/v1/notes", params=params)).json()
        sizes.append(len(body["items"]))
        seen += [item["text"] for item in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert sizes == [20, 20, 5]
    assert seen == [f"n{i}" for i in reversed(range(45))]


async def test_inserts_between_pages_neither_duplicate_nor_skip(client: httpx.AsyncClient) -> None:
    await _create(client, 10)
    first = (await client.get("/api/v1/notes", params={"limit": 5})).json()
    await asyncio.gather(
        *(client.post("/api/v1/notes", json={"text": f"new{i}"}) for i in range(5))
    )
    second = (
        await client.get("/api/v1/notes", params={"limit": 5, "cursor": first["next_cursor"]})
    ).json()
    texts = [i["text"] for i in first["items"] + second["items"]]
    assert texts == [f"n{i}" for i in reversed(range(10))]


@pytest.mark.parametrize("limit", ["0", "101", "-1", "abc", "100000000000000000000"])
async def test_limit_out_of_range_is_422(client: httpx.AsyncClient, limit: str) -> None:
    response = await client.get("/api/v1/notes", params={"limit": limit})
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "validation_error"


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


ID = '"8a7b1f7e-3c1e-4c3e-9d0e-1b2c3d4e5f60"'


@pytest.mark.parametrize(
    "cursor",
    [
        "garbage!!",
        "===",
        _b64(b"\xff\xfe"),
        _b64(b'{"a": 1}'),
        _b64(b'["x"]'),
        _b64(b'[{"dt": "not a date"}, "x"]'),
        _b64(b'[{"dt": "2024-01-01T00:00:00+00:00"}, "not-a-uuid"]'),
        _b64(b'[{"dt": "2024-01-01T00:00:00+00:00"}, 12]'),
        _b64(f'["not a date", {ID}]'.encode()),
        _b64(f"[null, {ID}]".encode()),
        _b64(f"[[1], {ID}]".encode()),
        # Forged moments: naive, year 1 and 9999 (date arithmetic in SQL would fail on them).
        _b64(f'[{{"dt": "2024-01-01T00:00:00"}}, {ID}]'.encode()),
        _b64(f'[{{"dt": "0001-01-01T00:00:00+00:00"}}, {ID}]'.encode()),
        _b64(f'[{{"dt": "9999-12-31T23:59:59+00:00"}}, {ID}]'.encode()),
        _b64(f'[{{"dt": "2024-01-01T00:00:00+00:00", "x": 1}}, {ID}]'.encode()),
        _b64(b"[" * 150 + b"]" * 150),
        _b64(b"[NaN, Infinity]"),
        _b64(b"[1" + b"0" * 300 + b", 1]"),
    ],
)
async def test_bad_cursor_is_400_invalid_cursor(client: httpx.AsyncClient, cursor: str) -> None:
    response = await client.get("/api/v1/notes", params={"cursor": cursor})
    assert response.status_code == 400, response.text
    assert response.json()["error"]["code"] == "invalid_cursor"


async def test_oversized_cursor_is_422(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v1/notes", params={"cursor": "x" * 600})
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "validation_error"


@pytest.mark.parametrize(
    ("raw", "kinds"),
    [
        (b"[true]", ("int32",)),  # a bool is not an int
        (b"[2147483648]", ("int32",)),
        (b"[9223372036854775808]", ("int64",)),
        (b"[1e400]", ("float",)),
        (b'["1.5"]', ("float",)),
        (b"[1]", ("bool",)),
        (b"[1]", ("str",)),
        (b"[1]", ("uuid",)),
        (b'["a", "b"]', ("str",)),
    ],
)
def test_decode_cursor_refuses_values_of_the_wrong_kind(
    raw: bytes, kinds: tuple[CursorKind, ...]
) -> None:
    with pytest.raises(BadRequest) as refused:
        decode_cursor(_b64(raw), kinds)
    assert refused.value.code == "invalid_cursor"


def test_decode_cursor_round_trips_every_kind() -> None:
    moment = datetime(2026, 12, 8, 1, 2, 3, tzinfo=timezone.utc)
    ident = uuid.uuid4()
    values = [True, -(2**31), 2**63 - 1, 0.25, ident, moment, "text"]
    kinds: tuple[CursorKind, ...] = ("bool", "int32", "int64", "float", "uuid", "datetime", "str")
    assert decode_cursor(encode_cursor(values), kinds) == values


def test_no_dependency_of_the_demo_service_runs_in_a_worker_thread(app: FastAPI) -> None:
    """``Pagination`` and ``CurrentUser`` are coroutines: no thread hop per request. The check
    itself sees a class dependency, which FastAPI would run in a thread."""
    assert threaded_dependencies(app) == set()

    extra = FastAPI()

    @extra.get("/x")
    async def x(p: Annotated[ClassParams, Depends()]) -> dict[str, str]:
        return {"q": p.q}

    assert threaded_dependencies(extra) == {"ClassParams"}


class ClassParams:
    def __init__(self, q: str = "") -> None:
        self.q = q


async def test_keyset_where_is_one_row_comparison_that_pages_in_order(app: object) -> None:

    conn = connections.get("default")
    await conn.execute_script(
        "DROP TABLE IF EXISTS keyset_probe; CREATE TABLE keyset_probe (k int, id int PRIMARY KEY)"
    )
    try:
        await conn.execute_query(
            "INSERT INTO keyset_probe SELECT i % 3, i FROM generate_series(1, 10) i"
        )
        where, params = keyset_where(["k", "id"], [1, 7], descending=True, first_param=2)
        assert where == "((k, id) < ($2, $3))"
        rows = await conn.execute_query_dict(
            f"SELECT k, id FROM keyset_probe WHERE k >= $1 AND {where} ORDER BY k DESC, id DESC",
            [0, *params],
        )
        assert [(r["k"], r["id"]) for r in rows] == [(1, 4), (1, 1), (0, 9), (0, 6), (0, 3)]
        ascending, _ = keyset_where(["k", "id"], [1, 7], descending=False)
        assert ascending == "((k, id) > ($1, $2))"
        with pytest.raises(ValueError):
            keyset_where(["k"], [1, 2], descending=True)
    finally:
        await conn.execute_script("DROP TABLE IF EXISTS keyset_probe")
