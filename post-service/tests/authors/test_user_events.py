"""Auth's user events: the author projection, account deletion cascading to posts, and the
token-cache eviction. Real events from the real auth service where it can make them."""

from __future__ import annotations

import hashlib
import uuid
from datetime import datetime, timedelta, timezone

import httpx
from redis.asyncio import Redis

from chassis.events import EventConsumer
from chassis.testing import ContractValidator, assert_error, wait_until
from post_service.authors.models import Author, Connection, DeletedUser
from post_service.nft.models import NftStatus, PostNFT
from post_service.posts.models import Post
from post_service.settings import PostSettings
from tests.conftest import (
    API,
    PASSWORD,
    User,
    administer,
    create_post,
    create_user,
    drain,
    produced,
    publish,
    relay,
)


def profile(user_id: str, first: str, last: str, status: str = "ACTIVE") -> dict[str, object]:
    return {
        "user_id": user_id,
        "first_name": first,
        "last_name": last,
        "interests": [],
        "role": "user",
        "status": status,
        "is_verified": True,
    }


async def test_registration_and_profile_changes_follow_auth(
    client: httpx.AsyncClient, auth: httpx.AsyncClient, consumer: EventConsumer
) -> None:
    ann = await create_user(auth, first_name="Ann", last_name="Lee")

    async def registered() -> Author | None:
        await drain(consumer)
        return await Author.get_or_none(id=ann.id)

    author = await wait_until(registered)
    assert (author.first_name, author.last_name, author.status) == ("Ann", "Lee", "ACTIVE")
    post = await create_post(client, ann)

    renamed = await auth.patch(
        f"{API}/users/me", json={"last_name": "Lee-Park"}, headers=ann.headers
    )
    assert renamed.status_code == 200

    async def renamed_here() -> bool:
        await drain(consumer)
        return (await Author.get(id=ann.id)).last_name == "Lee-Park"

    await wait_until(renamed_here)
    response = await client.get(f"{API}/posts/{post['id']}", headers=ann.headers)
    assert response.json()["author"]["display_name"] == "Ann Lee-Park"


async def test_user_updated_changes_the_author_then_evicts_the_cached_identity(
    client: httpx.AsyncClient,
    auth: httpx.AsyncClient,
    admin: User,
    consumer: EventConsumer,
    redis: Redis,
) -> None:
    """One user_updated, two effects in one handling: this service's projection, then the
    chassis's token eviction (the contract says it evicts)."""
    ann = await create_user(auth)
    await create_post(client, ann)  # Ann's identity is now cached as ACTIVE
    cached = f"tokencache:token:{hashlib.sha256(ann.access_token.encode()).hexdigest()}"
    assert await redis.exists(cached)
    await administer(auth, admin, ann, status="MUTED")

    async def muted_here() -> bool:
        await drain(consumer)
        return (await Author.get(id=ann.id)).status == "MUTED"

    await wait_until(muted_here)
    assert not await redis.exists(cached)
    refused = await client.post(
        f"{API}/posts",
        json={"content": "x", "categories": [], "status": "DRAFT"},
        headers=ann.headers,
    )
    assert_error(refused, 403, "account_muted")
    assert await Post.filter(author_id=ann.id).count() == 1


async def test_older_profile_events_never_overwrite_newer_ones(
    consumer: EventConsumer, redis: Redis, contracts: ContractValidator
) -> None:
    user_id = str(uuid.uuid4())
    now = datetime.now(timezone.utc)
    newer = profile(user_id, "New", "Name") | {"changed": ["first_name"]}
    older = profile(user_id, "Old", "Name") | {"changed": ["first_name"]}
    await publish(redis, contracts, "user_updated", newer, producer="auth", occurred_at=now)
    await publish(
        redis, contracts, "user_updated", older, producer="auth", occurred_at=now - timedelta(1)
    )
    await publish(
        redis,
        contracts,
        "user_registered",
        profile(user_id, "First", "Name"),
        producer="auth",
        occurred_at=now - timedelta(2),
    )
    await drain(consumer)
    assert (await Author.get(id=user_id)).first_name == "New"


async def test_connection_events_out_of_order(
    consumer: EventConsumer, redis: Redis, contracts: ContractValidator
) -> None:
    ann, bob = str(uuid.uuid4()), str(uuid.uuid4())
    now = datetime.now(timezone.utc)

    def pair(total: int) -> dict[str, object]:
        return {
            "user_id": ann,
            "other_user_id": bob,
            "user_total_connections": total,
            "other_total_connections": total,
        }

    # The disconnect (newer) arrives before the connect (older): the disconnect wins.
    await publish(redis, contracts, "user_disconnected", pair(0), producer="auth", occurred_at=now)
    await publish(
        redis,
        contracts,
        "user_connected",
        pair(1),
        producer="auth",
        occurred_at=now - timedelta(seconds=1),
    )
    await drain(consumer)
    rows = await Connection.filter(user_id__in=[ann, bob]).values_list("connected", flat=True)
    assert list(rows) == [False, False]
    assert (await Author.get(id=ann)).total_connections == 0
    assert (await Author.get(id=bob)).total_connections == 0


async def test_account_deletion_deletes_every_post_and_announces_each(
    client: httpx.AsyncClient,
    auth: httpx.AsyncClient,
    consumer: EventConsumer,
    redis: Redis,
    settings: PostSettings,
    contracts: ContractValidator,
) -> None:
    ann, bob = await create_user(auth), await create_user(auth)
    connect = await auth.post(f"{API}/users/{bob.id}/connect", headers=ann.headers)
    assert connect.status_code == 201
    posted = await create_post(client, ann, status="POSTED", categories=["NEWS"])
    draft = await create_post(client, ann, status="DRAFT")
    minted = await create_post(client, ann, status="POSTED")
    await PostNFT.filter(post_id=minted["id"]).update(status=NftStatus.MINTING_COMPLETED)
    bobs = await create_post(client, bob)

    async def bob_connected() -> bool:
        await drain(consumer)
        author = await Author.get_or_none(id=bob.id)
        return author is not None and author.total_connections == 1

    await wait_until(bob_connected)

    deleted = await auth.delete(f"{API}/users/me", headers=ann.headers)
    assert deleted.status_code == 204

    async def gone() -> bool:
        await drain(consumer)
        return not await Post.filter(author_id=ann.id).exists()

    await wait_until(gone)
    assert not await Author.exists(id=ann.id)
    assert await DeletedUser.exists(user_id=ann.id)
    assert not await Connection.filter(user_id=ann.id).exists()
    assert not await Connection.filter(other_id=ann.id).exists()
    assert (await Author.get(id=bob.id)).total_connections == 0  # as auth did for Bob
    assert await Post.exists(id=bobs["id"])
    # The unminted NFT went with its post; the minted one stays.
    assert not await PostNFT.exists(post_id=posted["id"])
    assert await PostNFT.exists(post_id=minted["id"])

    events = produced(await relay(redis, settings, "post_deleted"), contracts)
    assert sorted((e.data["post_id"], e.data["reason"]) for e in events) == sorted(
        (p["id"], "account_deleted") for p in (posted, draft, minted)
    )
    [news] = [e for e in events if e.data["post_id"] == posted["id"]]
    assert news.data == {
        "post_id": posted["id"],
        "author_id": ann.id,
        "categories": ["NEWS"],
        "status": "POSTED",
        "reason": "account_deleted",
    }

    # A late event about the deleted user brings nothing back.
    await publish(
        redis, contracts, "user_registered", profile(ann.id, "Ghost", "User"), producer="auth"
    )
    await drain(consumer)
    assert not await Author.exists(id=ann.id)


async def test_revoked_tokens_are_evicted_from_the_cache(
    client: httpx.AsyncClient, auth: httpx.AsyncClient, consumer: EventConsumer
) -> None:
    ann = await create_user(auth)
    await create_post(client, ann)  # the identity is cached now
    signout = await auth.post(f"{API}/auth/signout", headers=ann.headers)
    assert signout.status_code == 204

    async def refused() -> bool:
        await drain(consumer)
        response = await client.get(f"{API}/posts", headers=ann.headers)
        return response.status_code == 401

    await wait_until(refused)
    again = await auth.post(f"{API}/auth/signin", json={"email": ann.email, "password": PASSWORD})
    fresh = {"Authorization": f"Bearer {again.json()['access_token']}"}
    assert (await client.get(f"{API}/posts", headers=fresh)).status_code == 200
    assert_error(await client.get(f"{API}/posts", headers=ann.headers), 401, "unauthorized")
