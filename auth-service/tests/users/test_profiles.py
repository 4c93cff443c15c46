"""Profiles: the interest vocabulary, ``/users/me`` (read, update, delete), public profiles and
the user search, checked through the HTTP API, the database and the outbox/event stream."""

from __future__ import annotations

import base64
import json
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import pytest
from redis.asyncio import Redis

from auth_service.auth.models import AuthSession, RefreshToken
from auth_service.settings import AuthSettings
from auth_service.users.models import Connection, User, UserStatus
from chassis.events.models import OutboxEvent
from chassis.testing import (
    ContractValidator,
    assert_error,
    outbox_rows,
    read_events,
    relay_and_read,
)
from tests.conftest import bearer, create_user, signup

if TYPE_CHECKING:  # imported for annotations only, so pytest does not try to collect it
    from tests.conftest import TestUser

API = "/api/v1"
VOCABULARY_FILE = Path(__file__).resolve().parents[3] / "contracts" / "vocabulary.json"

ME_FIELDS = {
    "id",
    "email",
    "first_name",
    "last_name",
    "interests",
    "role",
    "status",
    "is_verified",
    "total_connections",
    "created_at",
    "updated_at",
}
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


def cursor_of(values: Any) -> str:
    """An opaque cursor as a client could forge one: base64url of JSON."""
    raw = json.dumps(values).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


async def patch_me(client: httpx.AsyncClient, user: TestUser, body: Any) -> httpx.Response:
    return await client.patch(f"{API}/users/me", json=body, headers=user.headers)


async def search_ids(
    client: httpx.AsyncClient, user: TestUser, search: str, **params: Any
) -> set[str]:
    response = await client.get(
        f"{API}/users", params={"search": search, **params}, headers=user.headers
    )
    assert response.status_code == 200, response.text
    return {item["id"] for item in response.json()["items"]}


async def snapshot(user_id: str) -> tuple[str, str, list[str], Any]:
    row = await User.get(id=user_id)
    return row.first_name, row.last_name, list(row.interests), row.updated_at


# --- interests vocabulary -----------------------------------------------------------------


async def test_interest_choices_equal_the_shared_vocabulary(client: httpx.AsyncClient) -> None:
    vocabulary = json.loads(VOCABULARY_FILE.read_text())

    response = await client.get(f"{API}/users/interests-choices")

    assert response.status_code == 200, response.text
    assert response.json() == {"interests": vocabulary["interests"]}


# --- GET /users/me ------------------------------------------------------------------------


async def test_me_without_token_is_401(client: httpx.AsyncClient) -> None:
    response = await client.get(f"{API}/users/me")

    assert_error(response, 401, "unauthorized")
    assert response.headers["www-authenticate"] == "Bearer"


@pytest.mark.parametrize("token", ["garbage", "a.b.c", "Bearer"])
async def test_me_with_garbage_token_is_401(client: httpx.AsyncClient, token: str) -> None:
    response = await client.get(f"{API}/users/me", headers=bearer(token))

    assert_error(response, 401)


async def test_me_returns_the_callers_account_with_email(client: httpx.AsyncClient) -> None:
    user = await create_user(
        client,
        "Ada@Example.com",
        first_name="Ada",
        last_name="Lovelace",
        interests=["SCIENCE", "ART"],
    )

    response = await client.get(f"{API}/users/me", headers=user.headers)

    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == ME_FIELDS
    assert body["id"] == user.id
    assert body["email"] == "ada@example.com"
    assert body["first_name"] == "Ada"
    assert body["last_name"] == "Lovelace"
    assert body["interests"] == ["SCIENCE", "ART"]
    assert body["role"] == "user"
    assert body["status"] == "ACTIVE"
    assert body["is_verified"] is False
    assert body["total_connections"] == 0


# --- PATCH /users/me ----------------------------------------------------------------------


async def test_patch_me_changes_only_the_fields_sent(client: httpx.AsyncClient) -> None:
    user = await create_user(
        client, "ada@example.com", first_name="Ada", last_name="Lovelace", interests=["ART"]
    )

    response = await patch_me(client, user, {"last_name": "Byron"})

    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["first_name"], body["last_name"], body["interests"]) == ("Ada", "Byron", ["ART"])
    row = await User.get(id=user.id)
    assert (row.first_name, row.last_name, row.interests) == ("Ada", "Byron", ["ART"])

    response = await patch_me(client, user, {"interests": ["MUSIC", "SCIENCE"]})

    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["first_name"], body["last_name"]) == ("Ada", "Byron")
    assert body["interests"] == ["MUSIC", "SCIENCE"]
    row = await User.get(id=user.id)
    assert (row.first_name, row.last_name, row.interests) == ("Ada", "Byron", ["MUSIC", "SCIENCE"])


async def test_patch_me_strips_names(client: httpx.AsyncClient) -> None:
    user = await create_user(client, "ada@example.com", first_name="Ada")

    response = await patch_me(client, user, {"first_name": "  Augusta  "})

    assert response.status_code == 200, response.text
    assert response.json()["first_name"] == "Augusta"
    assert (await User.get(id=user.id)).first_name == "Augusta"


async def test_patch_me_can_clear_interests(client: httpx.AsyncClient) -> None:
    user = await create_user(client, "ada@example.com", interests=["ART", "FOOD"])

    response = await patch_me(client, user, {"interests": []})

    assert response.status_code == 200, response.text
    assert response.json()["interests"] == []
    assert (await User.get(id=user.id)).interests == []


@pytest.mark.parametrize(
    "body",
    [
        pytest.param({"first_name": ""}, id="empty-first-name"),
        pytest.param({"first_name": "   "}, id="blank-first-name"),
        pytest.param({"last_name": "\t \n"}, id="blank-last-name"),
        pytest.param({"first_name": "x" * 101}, id="too-long-name"),
        pytest.param({"last_name": "Love\u0007lace"}, id="control-character"),
        pytest.param({"interests": ["KNITTING"]}, id="unknown-interest"),
        pytest.param({"interests": ["art"]}, id="lower-case-interest"),
        pytest.param({"interests": ["ART", "ART"]}, id="duplicate-interests"),
        pytest.param({"interests": "ART"}, id="interests-not-a-list"),
        pytest.param({"email": "other@example.com"}, id="unknown-field-email"),
        pytest.param({"role": "admin"}, id="unknown-field-role"),
        pytest.param({"nickname": "Ada"}, id="unknown-field"),
    ],
)
async def test_patch_me_rejects_invalid_bodies(
    client: httpx.AsyncClient, body: dict[str, Any]
) -> None:
    user = await create_user(
        client, "ada@example.com", first_name="Ada", last_name="Lovelace", interests=["ART"]
    )
    before = await snapshot(user.id)

    response = await patch_me(client, user, body)

    assert_error(response, 422, "validation_error")
    assert await snapshot(user.id) == before
    row = await User.get(id=user.id)
    assert (row.email, row.role.value) == ("ada@example.com", "user")
    assert await outbox_rows("user_updated") == []


@pytest.mark.parametrize("field", ["first_name", "last_name"])
async def test_patch_me_with_nul_byte_in_a_name_is_422_and_changes_nothing(
    client: httpx.AsyncClient, field: str
) -> None:
    user = await create_user(client, "ada@example.com", first_name="Ada", last_name="Lovelace")
    before = await snapshot(user.id)

    response = await patch_me(client, user, {field: "Ad\x00a"})

    assert_error(response, 422, "validation_error")
    assert await snapshot(user.id) == before
    assert await outbox_rows("user_updated") == []


async def test_patch_me_emits_one_user_updated_event_naming_only_changed_fields(
    client: httpx.AsyncClient,
    redis: Redis,
    settings: AuthSettings,
    contracts: ContractValidator,
) -> None:
    user = await create_user(
        client, "ada@example.com", first_name="Ada", last_name="Lovelace", interests=["ART"]
    )

    # last_name and interests are sent with their current values: not changes.
    response = await patch_me(
        client,
        user,
        {"first_name": "Augusta", "last_name": "Lovelace", "interests": ["ART", "SCIENCE"]},
    )

    assert response.status_code == 200, response.text
    rows = await outbox_rows("user_updated")
    assert len(rows) == 1
    expected_data = {
        "user_id": user.id,
        "first_name": "Augusta",
        "last_name": "Lovelace",
        "interests": ["ART", "SCIENCE"],
        "role": "user",
        "status": "ACTIVE",
        "is_verified": False,
        "changed": ["first_name", "interests"],
    }
    assert rows[0].data == expected_data
    assert rows[0].published_at is None

    envelopes = await relay_and_read(redis, settings.database_url, "user_updated")

    assert len(envelopes) == 1
    envelope = envelopes[0]
    contracts.validate(envelope)
    assert envelope.type == "user_updated"
    assert envelope.producer == "auth"
    assert envelope.event_id == rows[0].event_id
    assert envelope.data == expected_data
    assert "email" not in envelope.data
    refreshed = await OutboxEvent.get(id=rows[0].id)
    assert refreshed.published_at is not None


@pytest.mark.parametrize(
    "body",
    [
        pytest.param({}, id="empty-body"),
        pytest.param({"first_name": "Ada"}, id="same-first-name"),
        pytest.param({"first_name": " Ada "}, id="same-first-name-padded"),
        pytest.param(
            {"first_name": "Ada", "last_name": "Lovelace", "interests": ["ART"]},
            id="all-fields-same",
        ),
    ],
)
async def test_patch_me_without_a_change_emits_nothing(
    client: httpx.AsyncClient, body: dict[str, Any]
) -> None:
    user = await create_user(
        client, "ada@example.com", first_name="Ada", last_name="Lovelace", interests=["ART"]
    )
    before = await snapshot(user.id)

    response = await patch_me(client, user, body)

    assert response.status_code == 200, response.text
    assert (response.json()["first_name"], response.json()["interests"]) == ("Ada", ["ART"])
    assert await snapshot(user.id) == before  # updated_at included: nothing was written
    assert await outbox_rows("user_updated") == []


async def test_patch_me_without_token_is_401(client: httpx.AsyncClient) -> None:
    response = await client.patch(f"{API}/users/me", json={"first_name": "Eve"})

    assert_error(response, 401)
    assert await outbox_rows("user_updated") == []


# --- GET /users/{id} ----------------------------------------------------------------------


async def test_public_profile_has_no_email(client: httpx.AsyncClient) -> None:
    ada = await create_user(
        client, "ada@example.com", first_name="Ada", last_name="Lovelace", interests=["SCIENCE"]
    )
    viewer = await create_user(client, "viewer@example.com")

    response = await client.get(f"{API}/users/{ada.id}", headers=viewer.headers)

    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == PUBLIC_USER_FIELDS
    assert "email" not in body
    assert "ada@example.com" not in response.text
    assert body["id"] == ada.id
    assert (body["first_name"], body["last_name"]) == ("Ada", "Lovelace")
    assert body["interests"] == ["SCIENCE"]
    assert body["role"] == "user"
    assert body["total_connections"] == 0


async def test_public_profile_requires_a_token(client: httpx.AsyncClient) -> None:
    ada = await create_user(client, "ada@example.com")

    response = await client.get(f"{API}/users/{ada.id}")

    assert_error(response, 401)


async def test_public_profile_of_unknown_user_is_404(client: httpx.AsyncClient) -> None:
    viewer = await create_user(client, "viewer@example.com")

    response = await client.get(f"{API}/users/{uuid.uuid4()}", headers=viewer.headers)

    assert_error(response, 404, "user_not_found")


@pytest.mark.parametrize("user_id", ["not-a-uuid", "123", "0000"])
async def test_public_profile_with_malformed_id_is_422(
    client: httpx.AsyncClient, user_id: str
) -> None:
    viewer = await create_user(client, "viewer@example.com")

    response = await client.get(f"{API}/users/{user_id}", headers=viewer.headers)

    assert_error(response, 422, "validation_error")


# --- GET /users?search= -------------------------------------------------------------------


async def test_search_matches_first_or_last_name_case_insensitively(
    client: httpx.AsyncClient,
) -> None:
    searcher = await create_user(client, "searcher@example.com", first_name="Sam", last_name="Ek")
    alice = await create_user(client, "alice@example.com", first_name="Alice", last_name="Smith")
    bob = await create_user(client, "bob@example.com", first_name="Bob", last_name="Alison")
    carol = await create_user(client, "carol@example.com", first_name="Carol", last_name="Jones")

    assert await search_ids(client, searcher, "ali") == {alice.id, bob.id}
    assert await search_ids(client, searcher, "ALI") == {alice.id, bob.id}
    assert await search_ids(client, searcher, "JoNeS") == {carol.id}
    assert await search_ids(client, searcher, "smith") == {alice.id}
    # Several words: each must match one of the names.
    assert await search_ids(client, searcher, "alice smith") == {alice.id}
    assert await search_ids(client, searcher, "carol smith") == set()
    assert await search_ids(client, searcher, "nobody") == set()


async def test_search_results_are_public_profiles(client: httpx.AsyncClient) -> None:
    searcher = await create_user(client, "searcher@example.com", first_name="Sam", last_name="Ek")
    await create_user(client, "alice@example.com", first_name="Alice", last_name="Smith")

    response = await client.get(
        f"{API}/users", params={"search": "alice"}, headers=searcher.headers
    )

    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == {"items", "next_cursor"}
    assert body["next_cursor"] is None
    [item] = body["items"]
    assert set(item) == PUBLIC_USER_FIELDS
    assert "alice@example.com" not in response.text


async def test_search_treats_like_wildcards_literally(client: httpx.AsyncClient) -> None:
    searcher = await create_user(client, "searcher@example.com", first_name="Sam", last_name="Ek")
    percent = await create_user(client, "p@example.com", first_name="Percy", last_name="100%")
    underscore = await create_user(client, "u@example.com", first_name="Under_Score", last_name="A")
    lookalike = await create_user(client, "l@example.com", first_name="UnderXScore", last_name="B")
    backslash = await create_user(client, "b@example.com", first_name="Back\\Slash", last_name="C")

    assert await search_ids(client, searcher, "%") == {percent.id}
    assert await search_ids(client, searcher, "0%") == {percent.id}
    assert await search_ids(client, searcher, "_") == {underscore.id}
    assert await search_ids(client, searcher, "r_s") == {underscore.id}
    assert await search_ids(client, searcher, "rxs") == {lookalike.id}
    assert await search_ids(client, searcher, "\\") == {backslash.id}


async def test_search_and_listing_exclude_banned_users(client: httpx.AsyncClient) -> None:
    searcher = await create_user(client, "searcher@example.com", first_name="Sam", last_name="Ek")
    kept = await create_user(client, "alice1@example.com", first_name="Alice", last_name="Kept")
    banned = await create_user(client, "alice2@example.com", first_name="Alice", last_name="Out")
    muted = await create_user(client, "alice3@example.com", first_name="Alice", last_name="Quiet")
    await User.filter(id=banned.id).update(status=UserStatus.BANNED)
    await User.filter(id=muted.id).update(status=UserStatus.MUTED)

    assert await search_ids(client, searcher, "alice") == {kept.id, muted.id}
    everyone = await search_ids(client, searcher, "", limit=100)
    assert everyone == {searcher.id, kept.id, muted.id}


async def test_listing_paginates_over_every_user_once_newest_first(
    client: httpx.AsyncClient,
) -> None:
    viewer = await create_user(client, "viewer@example.com")
    for index in range(6):
        response = await signup(client, f"user{index}@example.com", first_name=f"User{index}")
        assert response.status_code == 201, response.text
    expected_order = [
        str(user_id)
        for user_id in await User.all().order_by("-created_at", "-id").values_list("id", flat=True)
    ]
    assert viewer.id in expected_order
    assert len(expected_order) == 7

    pages: list[list[str]] = []
    cursor: str | None = None
    while True:
        params: dict[str, Any] = {"limit": 3}
        if cursor is not None:
            params["cursor"] = cursor
        response = await client.get(f"{API}/users", params=params, headers=viewer.headers)
        assert response.status_code == 200, response.text
        body = response.json()
        pages.append([item["id"] for item in body["items"]])
        cursor = body["next_cursor"]
        if cursor is None:
            break
        assert len(pages) < 10, "pagination does not end"

    assert [len(page) for page in pages] == [3, 3, 1]
    assert [user_id for page in pages for user_id in page] == expected_order


async def test_listing_cursor_applies_to_search(client: httpx.AsyncClient) -> None:
    viewer = await create_user(client, "viewer@example.com", first_name="Vic", last_name="Tor")
    alices = []
    for index in range(3):
        alice = await create_user(client, f"alice{index}@example.com", first_name="Alice")
        alices.append(alice.id)
    await create_user(client, "bob@example.com", first_name="Bob")

    first = await client.get(
        f"{API}/users", params={"search": "alice", "limit": 2}, headers=viewer.headers
    )
    assert first.status_code == 200, first.text
    cursor = first.json()["next_cursor"]
    assert cursor is not None
    second = await client.get(
        f"{API}/users",
        params={"search": "alice", "limit": 2, "cursor": cursor},
        headers=viewer.headers,
    )

    assert second.status_code == 200, second.text
    assert second.json()["next_cursor"] is None
    ids = [item["id"] for item in first.json()["items"] + second.json()["items"]]
    assert ids == list(reversed(alices))


@pytest.mark.parametrize("limit", [0, -1, 101, "ten"])
async def test_listing_with_invalid_limit_is_422(client: httpx.AsyncClient, limit: Any) -> None:
    viewer = await create_user(client, "viewer@example.com")

    response = await client.get(f"{API}/users", params={"limit": limit}, headers=viewer.headers)

    assert_error(response, 422, "validation_error")


async def test_listing_accepts_the_limit_bounds(client: httpx.AsyncClient) -> None:
    viewer = await create_user(client, "viewer@example.com")

    for limit in (1, 100):
        response = await client.get(f"{API}/users", params={"limit": limit}, headers=viewer.headers)
        assert response.status_code == 200, response.text
        assert [item["id"] for item in response.json()["items"]] == [viewer.id]


@pytest.mark.parametrize(
    "cursor",
    [
        pytest.param("garbage", id="not-base64-json"),
        pytest.param("!!!!", id="not-base64"),
        pytest.param(cursor_of({"a": 1}), id="not-a-list"),
        pytest.param(cursor_of(["2024-01-01"]), id="wrong-length"),
        pytest.param(cursor_of([None, None]), id="nulls"),
        pytest.param(cursor_of(["yesterday", str(uuid.uuid4())]), id="bad-datetime"),
        pytest.param(cursor_of([{"dt": "not a date"}, str(uuid.uuid4())]), id="bad-dt"),
        pytest.param(cursor_of([{"dt": "2024-01-01T00:00:00+00:00"}, "nope"]), id="bad-uuid"),
        pytest.param(cursor_of([{"dt": "2024-01-01T00:00:00+00:00"}, 7]), id="int-id"),
        pytest.param(cursor_of([[1], [2]]), id="nested-lists"),
        pytest.param(
            cursor_of([{"dt": "9999-12-31T23:59:59.999999-23:59"}, str(uuid.uuid4())]),
            id="dt-past-year-9999-in-utc",
        ),
        pytest.param(cursor_of([10**20, str(uuid.uuid4())]), id="timestamp-overflow"),
    ],
)
async def test_listing_with_bad_cursor_is_400(client: httpx.AsyncClient, cursor: str) -> None:
    viewer = await create_user(client, "viewer@example.com")

    response = await client.get(f"{API}/users", params={"cursor": cursor}, headers=viewer.headers)

    assert_error(response, 400, "invalid_cursor")


async def test_listing_with_too_long_search_is_422(client: httpx.AsyncClient) -> None:
    viewer = await create_user(client, "viewer@example.com")

    response = await client.get(
        f"{API}/users", params={"search": "a" * 101}, headers=viewer.headers
    )

    assert_error(response, 422, "validation_error")


async def test_listing_requires_a_token(client: httpx.AsyncClient) -> None:
    response = await client.get(f"{API}/users")

    assert_error(response, 401)


# --- DELETE /users/me ---------------------------------------------------------------------


async def connect(client: httpx.AsyncClient, user: TestUser, other: TestUser) -> None:
    response = await client.post(f"{API}/users/{other.id}/connect", headers=user.headers)
    assert response.status_code == 201, response.text


async def test_delete_me_removes_the_account_and_everything_personal(
    client: httpx.AsyncClient,
    redis: Redis,
    settings: AuthSettings,
    contracts: ContractValidator,
) -> None:
    leaver = await create_user(client, "leaver@example.com")
    bob = await create_user(client, "bob@example.com")
    carol = await create_user(client, "carol@example.com")
    await connect(client, leaver, bob)
    await connect(client, leaver, carol)
    await connect(client, bob, carol)
    assert await AuthSession.filter(user_id=leaver.id).count() == 1
    assert (await User.get(id=bob.id)).total_connections == 2

    response = await client.delete(f"{API}/users/me", headers=leaver.headers)

    assert response.status_code == 204, response.text
    assert response.content == b""
    assert not await User.filter(id=leaver.id).exists()
    assert await AuthSession.filter(user_id=leaver.id).count() == 0
    assert await RefreshToken.filter(session__user_id=leaver.id).count() == 0
    assert await Connection.filter(user_id=leaver.id).count() == 0
    assert await Connection.filter(other_id=leaver.id).count() == 0
    # The other sides lose one connection each; bob and carol stay connected.
    assert (await User.get(id=bob.id)).total_connections == 1
    assert (await User.get(id=carol.id)).total_connections == 1
    assert await Connection.filter(user_id=bob.id, other_id=carol.id).exists()

    again = await client.get(f"{API}/users/me", headers=leaver.headers)
    assert_error(again, 401)
    gone = await client.get(f"{API}/users/{leaver.id}", headers=bob.headers)
    assert_error(gone, 404, "user_not_found")

    [deleted_row] = await outbox_rows("user_deleted")
    assert deleted_row.data == {"user_id": leaver.id}
    [revoked_row] = await outbox_rows("user_tokens_revoked")
    assert revoked_row.data == {
        "user_id": leaver.id,
        "reason": "account_deleted",
        "session_id": None,
    }

    deleted = await relay_and_read(redis, settings.database_url, "user_deleted")
    revoked = await read_events(redis, "user_tokens_revoked")
    assert [e.data for e in deleted] == [{"user_id": leaver.id}]
    assert [e.data["reason"] for e in revoked] == ["account_deleted"]
    for envelope in [*deleted, *revoked]:
        contracts.validate(envelope)


async def test_delete_me_frees_the_email_for_a_new_signup(client: httpx.AsyncClient) -> None:
    leaver = await create_user(client, "leaver@example.com")
    response = await client.delete(f"{API}/users/me", headers=leaver.headers)
    assert response.status_code == 204, response.text

    again = await signup(client, "leaver@example.com")

    assert again.status_code == 201, again.text
    assert again.json()["id"] != leaver.id
    assert await User.filter(email="leaver@example.com").count() == 1


async def test_delete_me_without_token_is_401(client: httpx.AsyncClient) -> None:
    user = await create_user(client, "ada@example.com")

    response = await client.delete(f"{API}/users/me")

    assert_error(response, 401)
    assert await User.filter(id=user.id).exists()
    assert await outbox_rows("user_deleted") == []


async def test_explicit_null_is_422_and_changes_nothing(client: httpx.AsyncClient) -> None:
    user = await create_user(client, "nulls@example.com", first_name="Keep")
    response = await client.patch(
        f"{API}/users/me", headers=user.headers, json={"first_name": None, "last_name": "New"}
    )
    assert_error(response, 422, "validation_error")
    stored = await User.get(id=user.id)
    assert (stored.first_name, stored.last_name) == ("Keep", "User")
    assert await outbox_rows("user_updated") == []


async def test_names_may_contain_zero_width_joiners(client: httpx.AsyncClient) -> None:
    user = await create_user(client, "zwnj@example.com")
    name = "Mehr\u200cnaz"  # Persian names use the zero-width non-joiner
    response = await client.patch(
        f"{API}/users/me", headers=user.headers, json={"first_name": name}
    )
    assert response.status_code == 200
    assert (await User.get(id=user.id)).first_name == name
    bidi = await client.patch(
        f"{API}/users/me", headers=user.headers, json={"first_name": "evil\u202egnp.exe"}
    )
    assert_error(bidi, 422, "validation_error")


@pytest.mark.parametrize(
    "name",
    [
        pytest.param("\u3164", id="hangul-filler"),
        pytest.param("\u2800", id="braille-blank"),
        pytest.param("\u115f", id="hangul-choseong-filler"),
        pytest.param("\u0301", id="lone-combining-acute"),
        pytest.param("\u3164\u3164", id="two-hangul-fillers"),
        pytest.param(" \u3164 ", id="filler-between-spaces"),
    ],
)
@pytest.mark.parametrize("field", ["first_name", "last_name"])
async def test_patch_me_refuses_names_that_render_as_nothing(
    client: httpx.AsyncClient, field: str, name: str
) -> None:
    user = await create_user(client, "ada@example.com", first_name="Ada", last_name="Lovelace")
    before = await snapshot(user.id)

    response = await patch_me(client, user, {field: name})

    assert_error(response, 422, "validation_error")
    assert [d["loc"] for d in response.json()["error"]["details"]] == [["body", field]]
    assert await snapshot(user.id) == before
    assert await outbox_rows("user_updated") == []


async def test_patch_me_keeps_persian_names_with_a_zero_width_non_joiner(
    client: httpx.AsyncClient,
) -> None:
    user = await create_user(client, "persian@example.com")
    name = "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645"  # "می‌خواهم"

    response = await patch_me(client, user, {"first_name": name, "last_name": "Mehr\u200dnaz"})

    assert response.status_code == 200, response.text
    assert response.json()["first_name"] == name
    stored = await User.get(id=user.id)
    assert (stored.first_name, stored.last_name) == (name, "Mehr\u200dnaz")
    [event] = await outbox_rows("user_updated")
    assert sorted(event.data["changed"]) == ["first_name", "last_name"]
