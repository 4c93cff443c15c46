"""Creating posts: the answer, the row, the ``post_created`` event; validation; muted and banned
authors; the per-user rate limit; Idempotency-Key retries, including concurrent ones."""

from __future__ import annotations

import asyncio
import hashlib
import json
import uuid
from typing import Any

import httpx
import pytest
from redis.asyncio import Redis

from chassis.testing import ContractValidator, assert_error, outbox_rows
from chassis.tokens import Identity
from post_service.authors.models import Author
from post_service.nft.models import PostNFT
from post_service.posts.models import IdempotencyKey, Post
from post_service.settings import PostSettings
from tests.conftest import (
    API,
    CONTRACTS_DIR,
    User,
    administer,
    create_post,
    create_user,
    produced,
    relay,
)

POST_FIELDS = {
    "id",
    "title",
    "content",
    "categories",
    "status",
    "created_by",
    "author",
    "created_at",
    "updated_at",
    "published_at",
    "total_views",
    "total_comments",
    "total_reactions",
    "score",
    "popularity",
}


def body(**overrides: Any) -> dict[str, Any]:
    return {
        "title": "Morning light",
        "content": "A walk by the river at dawn.",
        "categories": ["PHOTOGRAPHY", "TRAVEL"],
        "status": "DRAFT",
        **overrides,
    }


async def test_create_answers_201_stores_the_post_and_emits_post_created(
    client: httpx.AsyncClient,
    auth: httpx.AsyncClient,
    redis: Redis,
    settings: PostSettings,
    contracts: ContractValidator,
) -> None:
    ann = await create_user(auth, first_name="Ann", last_name="Lee")
    response = await client.post(f"{API}/posts", json=body(), headers=ann.headers)

    assert response.status_code == 201, response.text
    post = response.json()
    assert set(post) == POST_FIELDS
    assert post["title"] == "Morning light"
    assert post["content"] == "A walk by the river at dawn."
    assert post["categories"] == ["PHOTOGRAPHY", "TRAVEL"]
    assert post["status"] == "DRAFT"
    assert post["created_by"] == ann.id
    assert post["author"] == {"id": ann.id, "display_name": "Ann Lee"}
    assert post["published_at"] is None
    assert (post["total_views"], post["total_comments"], post["total_reactions"]) == (0, 0, 0)
    assert (post["score"], post["popularity"]) == (0.0, 0.0)

    row = await Post.get(id=post["id"])
    assert str(row.author_id) == ann.id and row.status == "DRAFT"
    author = await Author.get(id=ann.id)
    assert author.display_name == "Ann Lee"
    assert not await PostNFT.exists(post_id=post["id"])  # a draft has no NFT

    [event] = produced(await relay(redis, settings, "post_created"), contracts)
    assert event.data == {
        "post_id": post["id"],
        "author_id": ann.id,
        "title": "Morning light",
        "content": "A walk by the river at dawn.",
        "categories": ["PHOTOGRAPHY", "TRAVEL"],
        "status": "DRAFT",
        "created_at": row.created_at.isoformat(),
        "updated_at": row.updated_at.isoformat(),
    }


async def test_create_posted_without_title_publishes_at_once(
    client: httpx.AsyncClient, auth: httpx.AsyncClient
) -> None:
    ann = await create_user(auth)
    response = await client.post(
        f"{API}/posts",
        json={"content": "  Just words.  ", "categories": [], "status": "POSTED"},
        headers=ann.headers,
    )
    assert response.status_code == 201, response.text
    post = response.json()
    assert post["title"] is None
    assert post["content"] == "  Just words.  "  # content is kept as written
    assert post["published_at"] == post["created_at"]
    assert await PostNFT.exists(post_id=post["id"])


@pytest.mark.parametrize(
    "payload",
    [
        pytest.param(body(title="t" * 101), id="title-101-chars"),
        pytest.param(body(content="c" * 10_001), id="content-10001-chars"),
        pytest.param(body(content="   \n\t "), id="blank-content"),
        pytest.param(body(content=""), id="empty-content"),
        pytest.param(body(categories=["ART", "ART"]), id="duplicate-category"),
        pytest.param(body(categories=["COOKING"]), id="unknown-category"),
        pytest.param(body(status="PUBLISHED"), id="unknown-status"),
        pytest.param(body(status=None), id="null-status"),
        pytest.param(body(content="bell \x07 char"), id="control-character"),
        pytest.param(body(content="evil \u202e txt.exe"), id="bidi-override"),
        pytest.param(body(content="zero\u200bwidth"), id="zero-width-space"),
        pytest.param(body(content="\u3164\u2800\u0301"), id="renders-as-nothing"),
        pytest.param(body(title="a\u2066b"), id="bidi-isolate-in-title"),
        pytest.param(body(likes=3), id="unknown-field"),
        pytest.param({"content": "x", "status": "DRAFT"}, id="missing-categories"),
        pytest.param({"categories": [], "status": "DRAFT"}, id="missing-content"),
        pytest.param(body(categories="ART"), id="categories-not-a-list"),
    ],
)
async def test_invalid_bodies_are_422_and_nothing_is_written(
    client: httpx.AsyncClient, auth: httpx.AsyncClient, payload: dict[str, Any]
) -> None:
    ann = await create_user(auth)
    response = await client.post(f"{API}/posts", json=payload, headers=ann.headers)
    assert_error(response, 422, "validation_error")
    assert "details" in response.json()["error"]
    assert await Post.all().count() == 0
    assert await outbox_rows("post_created") == []


async def test_limits_are_inclusive(client: httpx.AsyncClient, auth: httpx.AsyncClient) -> None:
    ann = await create_user(auth)
    post = await create_post(
        client, ann, title="t" * 100, content="é" * 10_000, categories=["ART", "MUSIC"]
    )
    row = await Post.get(id=post["id"])
    assert len(row.title or "") == 100 and len(row.content) == 10_000


async def test_nul_bytes_and_malformed_json_are_422(
    client: httpx.AsyncClient, auth: httpx.AsyncClient
) -> None:
    ann = await create_user(auth)
    nul = await client.post(f"{API}/posts", json=body(content="a\x00b"), headers=ann.headers)
    assert_error(nul, 422, "validation_error")
    surrogate = await client.post(
        f"{API}/posts",
        content=b'{"content": "lone \\ud800 half", "categories": [], "status": "DRAFT"}',
        headers={**ann.headers, "Content-Type": "application/json"},
    )
    assert_error(surrogate, 422, "validation_error")
    broken = await client.post(
        f"{API}/posts",
        content=b'{"content": "x", ',
        headers={**ann.headers, "Content-Type": "application/json"},
    )
    assert_error(broken, 422, "validation_error")
    huge = await client.post(
        f"{API}/posts",
        content=b'{"content": "' + b"x" * 1_100_000 + b'"}',
        headers={**ann.headers, "Content-Type": "application/json"},
    )
    assert_error(huge, 413, "payload_too_large")
    assert await Post.all().count() == 0


async def test_without_a_valid_token_it_is_401(client: httpx.AsyncClient) -> None:
    missing = await client.post(f"{API}/posts", json=body())
    assert_error(missing, 401, "unauthorized")
    forged = await client.post(
        f"{API}/posts", json=body(), headers={"Authorization": "Bearer not-a-token"}
    )
    assert_error(forged, 401, "unauthorized")
    assert await Post.all().count() == 0


async def test_muted_author_gets_403_and_nothing_is_written(
    client: httpx.AsyncClient, auth: httpx.AsyncClient, admin: User
) -> None:
    ann = await create_user(auth)
    await administer(auth, admin, ann, status="MUTED")
    response = await client.post(f"{API}/posts", json=body(), headers=ann.headers)
    assert_error(response, 403, "account_muted")
    assert await Post.all().count() == 0
    assert await outbox_rows("post_created") == []


async def test_banned_author_is_refused(
    client: httpx.AsyncClient, auth: httpx.AsyncClient, admin: User, redis: Redis
) -> None:
    """A ban ends the user's sessions at auth, so the token check answers 401. Should an
    identity saying BANNED reach the service (auth's answer, cached), it refuses it itself."""
    ann, bob = await create_user(auth), await create_user(auth)
    await administer(auth, admin, ann, status="BANNED")
    revoked = await client.post(f"{API}/posts", json=body(), headers=ann.headers)
    assert_error(revoked, 401, "unauthorized")

    banned = Identity(id=bob.uuid, role="user", status="BANNED", claims={"first_name": "Bob"})
    digest = hashlib.sha256(bob.access_token.encode()).hexdigest()
    await redis.set(f"tokencache:token:{digest}", banned.model_dump_json(), ex=30)
    refused = await client.post(f"{API}/posts", json=body(), headers=bob.headers)
    assert_error(refused, 403, "account_banned")
    assert await Post.all().count() == 0


async def test_creates_are_rate_limited_per_user(
    client: httpx.AsyncClient,
    auth: httpx.AsyncClient,
    settings: PostSettings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(settings, "create_per_user", (3, 60))
    ann, bob = await create_user(auth), await create_user(auth)
    for _ in range(3):
        await create_post(client, ann)
    limited = await client.post(f"{API}/posts", json=body(), headers=ann.headers)
    assert_error(limited, 429, "rate_limited")
    assert 1 <= int(limited.headers["Retry-After"]) <= 60
    assert await Post.filter(author_id=ann.id).count() == 3
    await create_post(client, bob)  # another user has their own budget


async def test_idempotency_key_replays_the_first_answer(
    client: httpx.AsyncClient,
    auth: httpx.AsyncClient,
    redis: Redis,
    settings: PostSettings,
    contracts: ContractValidator,
) -> None:
    ann = await create_user(auth)
    headers = {**ann.headers, "Idempotency-Key": "create-1"}
    first = await client.post(f"{API}/posts", json=body(), headers=headers)
    assert first.status_code == 201
    # The post changes meanwhile; the retry still gets the answer the first request got.
    patched = await client.patch(
        f"{API}/posts/{first.json()['id']}", json={"title": "Renamed"}, headers=ann.headers
    )
    assert patched.status_code == 200
    retry = await client.post(f"{API}/posts", json=body(), headers=headers)
    assert retry.status_code == 201
    assert retry.json() == first.json()
    assert retry.headers["Idempotent-Replayed"] == "true"
    assert await Post.filter(author_id=ann.id).count() == 1
    assert len(produced(await relay(redis, settings, "post_created"), contracts)) == 1
    stored = await IdempotencyKey.get(user_id=ann.id, key="create-1")
    assert stored.status_code == 201 and stored.response == first.json()

    # The same key with another body is a client error; another user's key space is separate.
    other = await client.post(f"{API}/posts", json=body(title="Else"), headers=headers)
    assert_error(other, 422, "idempotency_key_reused")
    bob = await create_user(auth)
    bobs = await client.post(
        f"{API}/posts", json=body(), headers={**bob.headers, "Idempotency-Key": "create-1"}
    )
    assert bobs.status_code == 201 and bobs.json()["id"] != first.json()["id"]


async def test_concurrent_requests_with_one_key_create_one_post(
    client: httpx.AsyncClient, auth: httpx.AsyncClient
) -> None:
    ann = await create_user(auth)
    await create_post(client, ann, status="DRAFT")  # the token is verified and cached
    headers = {**ann.headers, "Idempotency-Key": str(uuid.uuid4())}
    responses = await asyncio.gather(
        *(client.post(f"{API}/posts", json=body(), headers=headers) for _ in range(8))
    )
    assert [r.status_code for r in responses] == [201] * 8
    assert len({r.json()["id"] for r in responses}) == 1
    assert await Post.filter(author_id=ann.id).count() == 2


@pytest.mark.parametrize("key", ["k" * 101, "", "with space", "naïve"])
async def test_malformed_idempotency_keys_are_422(
    client: httpx.AsyncClient, auth: httpx.AsyncClient, key: str
) -> None:
    ann = await create_user(auth)
    response = await client.post(
        f"{API}/posts",
        json=body(),
        headers={**ann.headers, "Idempotency-Key": key.encode()},  # type: ignore[dict-item]
    )
    assert_error(response, 422, "validation_error")
    assert await Post.all().count() == 0


async def test_category_choices_are_the_shared_vocabulary(client: httpx.AsyncClient) -> None:
    vocabulary = json.loads((CONTRACTS_DIR / "vocabulary.json").read_text())
    response = await client.get(f"{API}/posts/category-choices")
    assert response.status_code == 200
    assert response.json() == {"categories": vocabulary["interests"]}
