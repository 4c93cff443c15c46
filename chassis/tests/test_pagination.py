from __future__ import annotations

import asyncio
import base64
from typing import Annotated

import httpx
import pytest
from fastapi import Depends, FastAPI

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


@pytest.mark.parametrize(
    "cursor",
    [
        "garbage!!",
        base64.urlsafe_b64encode(b'{"a": 1}').decode(),
        base64.urlsafe_b64encode(b'["x"]').decode(),
        base64.urlsafe_b64encode(b'[{"dt": "not a date"}, "x"]').decode(),
        base64.urlsafe_b64encode(b'[{"dt": "2024-01-01T00:00:00+00:00"}, "not-a-uuid"]').decode(),
        base64.urlsafe_b64encode(
            b'["not a date", "8a7b1f7e-3c1e-4c3e-9d0e-1b2c3d4e5f60"]'
        ).decode(),
        base64.urlsafe_b64encode(b'[null, "8a7b1f7e-3c1e-4c3e-9d0e-1b2c3d4e5f60"]').decode(),
        base64.urlsafe_b64encode(b'[[1], "8a7b1f7e-3c1e-4c3e-9d0e-1b2c3d4e5f60"]').decode(),
        "x" * 600,
    ],
)
async def test_bad_cursor_is_422(client: httpx.AsyncClient, cursor: str) -> None:
    response = await client.get("/api/v1/notes", params={"cursor": cursor})
    assert response.status_code == 422, response.text


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
