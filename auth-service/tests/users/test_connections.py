"""Connections: connect and disconnect (both directions, idempotent, counted once), the
``user_connected``/``user_disconnected`` events, listing and paginating connections, and
concurrent connects."""

from __future__ import annotations

import asyncio
import base64
import json
import uuid
from typing import TYPE_CHECKING, Any

import httpx
import pytest
from redis.asyncio import Redis

from auth_service.settings import AuthSettings
from auth_service.users.models import Connection, User, UserStatus
from chassis.testing import (
    ContractValidator,
    assert_error,
    outbox_rows,
    relay_and_read,
)
from tests.conftest import create_user, signup

if TYPE_CHECKING:  # imported for annotations only, so pytest does not try to collect it
    from tests.conftest import TestUser

API = "/api/v1"

PUBLIC_USER_FIELDS = {
    "id",
    "first_name",
    "last_name",
    "interests",
    "role",
    "total_connections",
    "created_at",
}


# --- helpers ------------------------------------------------------------------------------


async def connect(client: httpx.AsyncClient, user: TestUser, other_id: str) -> httpx.Response:
    return await client.post(f"{API}/users/{other_id}/connect", headers=user.headers)


async def disconnect(client: httpx.AsyncClient, user: TestUser, other_id: str) -> httpx.Response:
    return await client.delete(f"{API}/users/{other_id}/disconnect", headers=user.headers)


async def totals(*user_ids: str) -> list[int]:
    return [(await User.get(id=user_id)).total_connections for user_id in user_ids]


async def connection_pairs(*user_ids: str) -> set[tuple[str, str]]:
    """Rows of ``auth_connection`` that touch any of ``user_ids``, as (user, other) pairs."""
    rows = await Connection.filter(user_id__in=user_ids).values_list("user_id", "other_id")
    rows += await Connection.filter(other_id__in=user_ids).values_list("user_id", "other_id")
    return {(str(user_id), str(other_id)) for user_id, other_id in rows}


def cursor_of(values: Any) -> str:
    """An opaque cursor as a client could forge one: base64url of JSON."""
    raw = json.dumps(values).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


async def signup_many(client: httpx.AsyncClient, count: int, prefix: str = "friend") -> list[str]:
    """``count`` users who never sign in (connect targets need no token); their ids, in order."""
    ids = []
    for index in range(count):
        response = await signup(
            client, f"{prefix}{index}@example.com", first_name=f"{prefix.title()}{index}"
        )
        assert response.status_code == 201, response.text
        ids.append(response.json()["id"])
    return ids


async def read_all_pages(
    client: httpx.AsyncClient, user: TestUser, path: str, limit: int
) -> list[list[dict[str, Any]]]:
    pages: list[list[dict[str, Any]]] = []
    cursor: str | None = None
    while True:
        params: dict[str, Any] = {"limit": limit}
        if cursor is not None:
            params["cursor"] = cursor
        response = await client.get(f"{API}{path}", params=params, headers=user.headers)
        assert response.status_code == 200, response.text
        body = response.json()
        assert set(body) == {"items", "next_cursor"}
        pages.append(body["items"])
        cursor = body["next_cursor"]
        if cursor is None:
            return pages
        assert len(pages) < 20, "pagination does not end"


# --- connect ------------------------------------------------------------------------------


async def test_connect_creates_both_directions_and_one_event(
    client: httpx.AsyncClient,
    redis: Redis,
    settings: AuthSettings,
    contracts: ContractValidator,
) -> None:
    alice = await create_user(client, "alice@example.com", first_name="Alice")
    bob = await create_user(client, "bob@example.com", first_name="Bob", last_name="Builder")

    response = await connect(client, alice, bob.id)

    assert response.status_code == 201, response.text
    body = response.json()
    assert body["connected"] is True
    assert body["created"] is True
    assert set(body["user"]) == PUBLIC_USER_FIELDS
    assert body["user"]["id"] == bob.id
    assert (body["user"]["first_name"], body["user"]["last_name"]) == ("Bob", "Builder")
    assert body["user"]["total_connections"] == 1
    assert "bob@example.com" not in response.text

    assert await totals(alice.id, bob.id) == [1, 1]
    assert await connection_pairs(alice.id, bob.id) == {(alice.id, bob.id), (bob.id, alice.id)}
    assert await Connection.all().count() == 2

    expected_data = {
        "user_id": alice.id,
        "other_user_id": bob.id,
        "user_total_connections": 1,
        "other_total_connections": 1,
    }
    [row] = await outbox_rows("user_connected")
    assert row.data == expected_data

    [envelope] = await relay_and_read(redis, settings.database_url, "user_connected")
    contracts.validate(envelope)
    assert envelope.type == "user_connected"
    assert envelope.event_id == row.event_id
    assert envelope.data == expected_data


async def test_event_totals_count_other_connections(
    client: httpx.AsyncClient,
    redis: Redis,
    settings: AuthSettings,
    contracts: ContractValidator,
) -> None:
    alice = await create_user(client, "alice@example.com")
    bob = await create_user(client, "bob@example.com")
    carol = await create_user(client, "carol@example.com")
    assert (await connect(client, alice, bob.id)).status_code == 201

    response = await connect(client, carol, alice.id)

    assert response.status_code == 201, response.text
    assert response.json()["user"]["total_connections"] == 2
    assert await totals(alice.id, bob.id, carol.id) == [2, 1, 1]
    envelopes = await relay_and_read(redis, settings.database_url, "user_connected")
    assert [e.data for e in envelopes] == [
        {
            "user_id": alice.id,
            "other_user_id": bob.id,
            "user_total_connections": 1,
            "other_total_connections": 1,
        },
        {
            "user_id": carol.id,
            "other_user_id": alice.id,
            "user_total_connections": 1,
            "other_total_connections": 2,
        },
    ]
    for envelope in envelopes:
        contracts.validate(envelope)


async def test_connect_again_is_200_and_changes_nothing(client: httpx.AsyncClient) -> None:
    alice = await create_user(client, "alice@example.com")
    bob = await create_user(client, "bob@example.com")
    assert (await connect(client, alice, bob.id)).status_code == 201

    response = await connect(client, alice, bob.id)

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["connected"] is True
    assert body["created"] is False
    assert body["user"]["id"] == bob.id
    assert body["user"]["total_connections"] == 1
    assert await totals(alice.id, bob.id) == [1, 1]
    assert await Connection.all().count() == 2
    assert len(await outbox_rows("user_connected")) == 1


async def test_connect_in_reverse_direction_is_200_and_changes_nothing(
    client: httpx.AsyncClient,
) -> None:
    alice = await create_user(client, "alice@example.com")
    bob = await create_user(client, "bob@example.com")
    assert (await connect(client, alice, bob.id)).status_code == 201

    response = await connect(client, bob, alice.id)

    assert response.status_code == 200, response.text
    assert response.json()["created"] is False
    assert response.json()["user"]["id"] == alice.id
    assert await totals(alice.id, bob.id) == [1, 1]
    assert await connection_pairs(alice.id, bob.id) == {(alice.id, bob.id), (bob.id, alice.id)}
    assert len(await outbox_rows("user_connected")) == 1


async def test_connect_to_self_is_400(client: httpx.AsyncClient) -> None:
    alice = await create_user(client, "alice@example.com")

    response = await connect(client, alice, alice.id)

    assert_error(response, 400, "self_connection")
    assert await Connection.all().count() == 0
    assert await totals(alice.id) == [0]
    assert await outbox_rows("user_connected") == []


async def test_connect_to_unknown_user_is_404(client: httpx.AsyncClient) -> None:
    alice = await create_user(client, "alice@example.com")

    response = await connect(client, alice, str(uuid.uuid4()))

    assert_error(response, 404, "user_not_found")
    assert await Connection.all().count() == 0
    assert await totals(alice.id) == [0]
    assert await outbox_rows("user_connected") == []


async def test_connect_to_banned_user_is_404(client: httpx.AsyncClient) -> None:
    alice = await create_user(client, "alice@example.com")
    banned = await create_user(client, "banned@example.com")
    await User.filter(id=banned.id).update(status=UserStatus.BANNED)

    response = await connect(client, alice, banned.id)

    assert_error(response, 404, "user_not_found")
    assert await Connection.all().count() == 0
    assert await totals(alice.id, banned.id) == [0, 0]
    assert await outbox_rows("user_connected") == []


async def test_connect_with_malformed_id_is_422(client: httpx.AsyncClient) -> None:
    alice = await create_user(client, "alice@example.com")

    response = await connect(client, alice, "not-a-uuid")

    assert_error(response, 422, "validation_error")
    assert await Connection.all().count() == 0


async def test_connect_without_token_is_401(client: httpx.AsyncClient) -> None:
    bob = await create_user(client, "bob@example.com")

    response = await client.post(f"{API}/users/{bob.id}/connect")

    assert_error(response, 401)
    assert await Connection.all().count() == 0
    assert await totals(bob.id) == [0]


# --- disconnect ---------------------------------------------------------------------------


async def test_disconnect_removes_both_directions_and_emits_one_event(
    client: httpx.AsyncClient,
    redis: Redis,
    settings: AuthSettings,
    contracts: ContractValidator,
) -> None:
    alice = await create_user(client, "alice@example.com")
    bob = await create_user(client, "bob@example.com")
    assert (await connect(client, alice, bob.id)).status_code == 201

    response = await disconnect(client, bob, alice.id)

    assert response.status_code == 204, response.text
    assert response.content == b""
    assert await connection_pairs(alice.id, bob.id) == set()
    assert await totals(alice.id, bob.id) == [0, 0]
    expected_data = {
        "user_id": bob.id,
        "other_user_id": alice.id,
        "user_total_connections": 0,
        "other_total_connections": 0,
    }
    [row] = await outbox_rows("user_disconnected")
    assert row.data == expected_data

    [envelope] = await relay_and_read(redis, settings.database_url, "user_disconnected")
    contracts.validate(envelope)
    assert envelope.type == "user_disconnected"
    assert envelope.data == expected_data


async def test_disconnect_again_is_204_without_a_new_event(client: httpx.AsyncClient) -> None:
    alice = await create_user(client, "alice@example.com")
    bob = await create_user(client, "bob@example.com")
    assert (await connect(client, alice, bob.id)).status_code == 201
    assert (await disconnect(client, alice, bob.id)).status_code == 204

    again = await disconnect(client, alice, bob.id)
    reverse = await disconnect(client, bob, alice.id)

    assert again.status_code == 204, again.text
    assert reverse.status_code == 204, reverse.text
    assert await totals(alice.id, bob.id) == [0, 0]
    assert len(await outbox_rows("user_disconnected")) == 1


async def test_disconnect_when_never_connected_is_204_without_event(
    client: httpx.AsyncClient,
) -> None:
    alice = await create_user(client, "alice@example.com")
    bob = await create_user(client, "bob@example.com")
    carol = await create_user(client, "carol@example.com")
    assert (await connect(client, bob, carol.id)).status_code == 201

    response = await disconnect(client, alice, bob.id)

    assert response.status_code == 204, response.text
    assert await totals(alice.id, bob.id, carol.id) == [0, 1, 1]
    assert await connection_pairs(bob.id) == {(bob.id, carol.id), (carol.id, bob.id)}
    assert await outbox_rows("user_disconnected") == []


async def test_disconnect_keeps_other_connections(client: httpx.AsyncClient) -> None:
    alice = await create_user(client, "alice@example.com")
    bob = await create_user(client, "bob@example.com")
    carol = await create_user(client, "carol@example.com")
    assert (await connect(client, alice, bob.id)).status_code == 201
    assert (await connect(client, alice, carol.id)).status_code == 201

    response = await disconnect(client, alice, bob.id)

    assert response.status_code == 204, response.text
    assert await totals(alice.id, bob.id, carol.id) == [1, 0, 1]
    assert await connection_pairs(alice.id) == {(alice.id, carol.id), (carol.id, alice.id)}


async def test_disconnect_from_self_is_400_and_unknown_is_404(client: httpx.AsyncClient) -> None:
    alice = await create_user(client, "alice@example.com")

    assert_error(await disconnect(client, alice, alice.id), 400, "self_connection")
    assert_error(await disconnect(client, alice, str(uuid.uuid4())), 404, "user_not_found")
    assert await outbox_rows("user_disconnected") == []


# --- listing connections ------------------------------------------------------------------


async def test_my_connections_lists_other_users_newest_first(client: httpx.AsyncClient) -> None:
    alice = await create_user(client, "alice@example.com")
    bob = await create_user(client, "bob@example.com", first_name="Bob")
    carol = await create_user(client, "carol@example.com", first_name="Carol")
    dave = await create_user(client, "dave@example.com", first_name="Dave")
    assert (await connect(client, alice, bob.id)).status_code == 201
    assert (await connect(client, carol, alice.id)).status_code == 201
    assert (await connect(client, alice, dave.id)).status_code == 201

    response = await client.get(f"{API}/users/me/connections", headers=alice.headers)

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["next_cursor"] is None
    assert [item["user"]["id"] for item in body["items"]] == [dave.id, carol.id, bob.id]
    for item in body["items"]:
        assert set(item) == {"user", "connected_at"}
        assert set(item["user"]) == PUBLIC_USER_FIELDS
    assert "@example.com" not in response.text
    connected_at = [item["connected_at"] for item in body["items"]]
    assert connected_at == sorted(connected_at, reverse=True)
    assert [item["user"]["first_name"] for item in body["items"]] == ["Dave", "Carol", "Bob"]


async def test_user_connections_lists_that_users_connections(client: httpx.AsyncClient) -> None:
    alice = await create_user(client, "alice@example.com")
    bob = await create_user(client, "bob@example.com")
    carol = await create_user(client, "carol@example.com")
    viewer = await create_user(client, "viewer@example.com")
    assert (await connect(client, alice, bob.id)).status_code == 201
    assert (await connect(client, carol, bob.id)).status_code == 201

    of_bob = await client.get(f"{API}/users/{bob.id}/connections", headers=viewer.headers)
    of_alice = await client.get(f"{API}/users/{alice.id}/connections", headers=viewer.headers)
    of_viewer = await client.get(f"{API}/users/{viewer.id}/connections", headers=viewer.headers)

    assert of_bob.status_code == 200, of_bob.text
    assert [item["user"]["id"] for item in of_bob.json()["items"]] == [carol.id, alice.id]
    assert "@example.com" not in of_bob.text
    assert of_alice.status_code == 200, of_alice.text
    assert [item["user"]["id"] for item in of_alice.json()["items"]] == [bob.id]
    assert of_viewer.status_code == 200, of_viewer.text
    assert of_viewer.json() == {"items": [], "next_cursor": None}


async def test_connections_paginate_without_duplicates(client: httpx.AsyncClient) -> None:
    alice = await create_user(client, "alice@example.com")
    friends = await signup_many(client, 25)
    for friend_id in friends:
        assert (await connect(client, alice, friend_id)).status_code == 201
    assert await totals(alice.id) == [25]

    for path in ("/users/me/connections", f"/users/{alice.id}/connections"):
        pages = await read_all_pages(client, alice, path, limit=10)

        assert [len(page) for page in pages] == [10, 10, 5], path
        listed = [item["user"]["id"] for page in pages for item in page]
        assert len(set(listed)) == 25, path
        assert listed == list(reversed(friends)), path


async def test_connections_of_unknown_user_is_404(client: httpx.AsyncClient) -> None:
    viewer = await create_user(client, "viewer@example.com")

    response = await client.get(f"{API}/users/{uuid.uuid4()}/connections", headers=viewer.headers)

    assert_error(response, 404, "user_not_found")


VALID_DT = {"dt": "2024-01-01T00:00:00+00:00"}


@pytest.mark.parametrize(
    "params",
    [
        pytest.param({"limit": 0}, id="limit-0"),
        pytest.param({"limit": 101}, id="limit-101"),
    ],
)
async def test_connections_with_bad_limit_is_422(
    client: httpx.AsyncClient, params: dict[str, Any]
) -> None:
    viewer = await create_user(client, "viewer@example.com")

    response = await client.get(
        f"{API}/users/me/connections", params=params, headers=viewer.headers
    )

    assert_error(response, 422, "validation_error")


@pytest.mark.parametrize(
    "cursor",
    [
        pytest.param("garbage", id="garbage-cursor"),
        pytest.param(cursor_of([VALID_DT, "abc"]), id="id-not-a-number"),
        pytest.param(cursor_of([VALID_DT, str(uuid.uuid4())]), id="id-a-uuid"),
        pytest.param(cursor_of([VALID_DT, 2**63]), id="id-beyond-bigint"),
        pytest.param(
            cursor_of([{"dt": "9999-12-31T23:59:59.999999-23:59"}, 1]),
            id="dt-past-year-9999-in-utc",
        ),
    ],
)
async def test_connections_with_bad_cursor_is_400(client: httpx.AsyncClient, cursor: str) -> None:
    viewer = await create_user(client, "viewer@example.com")

    response = await client.get(
        f"{API}/users/me/connections", params={"cursor": cursor}, headers=viewer.headers
    )

    assert_error(response, 400, "invalid_cursor")


async def test_connections_require_a_token(client: httpx.AsyncClient) -> None:
    alice = await create_user(client, "alice@example.com")

    assert_error(await client.get(f"{API}/users/me/connections"), 401)
    assert_error(await client.get(f"{API}/users/{alice.id}/connections"), 401)


# --- concurrency --------------------------------------------------------------------------


async def test_concurrent_connects_count_once(client: httpx.AsyncClient) -> None:
    alice = await create_user(client, "alice@example.com")
    bob = await create_user(client, "bob@example.com")

    responses = await asyncio.gather(
        connect(client, alice, bob.id),
        connect(client, bob, alice.id),
        *(connect(client, alice, bob.id) for _ in range(5)),
    )

    statuses = sorted(response.status_code for response in responses)
    assert statuses == [200] * 6 + [201], [r.text for r in responses if r.status_code >= 300]
    assert [r.json()["created"] for r in responses].count(True) == 1
    assert await connection_pairs(alice.id, bob.id) == {(alice.id, bob.id), (bob.id, alice.id)}
    assert await Connection.all().count() == 2
    assert await totals(alice.id, bob.id) == [1, 1]
    assert len(await outbox_rows("user_connected")) == 1
