"""The scheduled jobs: hot recomputation, pruning of idempotency keys and orphan items.
(The counters' reconcile job is tested with the counters.)"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone

import httpx
import pytest
from fastapi import FastAPI
from tortoise import connections

from post_service.counters.models import CountedItem, ItemKind, ItemState
from post_service.counters.service import prune_orphan_items
from post_service.posts.models import IdempotencyKey, Post
from post_service.posts.ranking import hot_score
from post_service.posts.service import prune_idempotency_keys, recompute_hot
from tests.conftest import create_post, create_user


async def test_hot_recompute_ages_recent_posts_only(
    client: httpx.AsyncClient, auth: httpx.AsyncClient
) -> None:
    ann = await create_user(auth)
    recent = await create_post(client, ann)
    old = await create_post(client, ann)
    db = connections.get("default")
    await db.execute_query(
        "UPDATE post SET listed_at = now() - interval '10 hours', hot = 42 WHERE id = $1",
        [recent["id"]],
    )
    await db.execute_query(
        "UPDATE post SET listed_at = now() - interval '9 days', hot = 42 WHERE id = $1",
        [old["id"]],
    )
    assert await recompute_hot() == 1
    row = await Post.get(id=recent["id"])
    now = datetime.now(timezone.utc)
    assert row.hot == pytest.approx(
        hot_score(positive_reactions=0, comments=0, listed_at=row.listed_at, now=now), rel=1e-3
    )
    assert row.hot == pytest.approx(1 / 12**1.5, rel=1e-3)
    assert (await Post.get(id=old["id"])).hot == 42  # past the horizon: left alone


async def test_old_idempotency_keys_are_pruned(app: FastAPI) -> None:
    now = datetime.now(timezone.utc)
    user_id = uuid.uuid4()
    for key, age in (("old", timedelta(hours=25)), ("fresh", timedelta(hours=1))):
        await IdempotencyKey.create(
            user_id=user_id,
            key=key,
            request_hash="0" * 64,
            status_code=201,
            response={},
            created_at=now - age,
        )
    assert await prune_idempotency_keys(older_than=timedelta(hours=24)) == 1
    assert await IdempotencyKey.filter(user_id=user_id).values_list("key", flat=True) == ["fresh"]


async def test_orphan_items_are_pruned_once_old(
    client: httpx.AsyncClient, auth: httpx.AsyncClient
) -> None:
    post = await create_post(client, await create_user(auth))
    now = datetime.now(timezone.utc)
    items = {
        "old orphan": (uuid.uuid4(), now - timedelta(days=2)),
        "young orphan": (uuid.uuid4(), now - timedelta(hours=1)),
        "old, post exists": (uuid.UUID(post["id"]), now - timedelta(days=2)),
    }
    ids = {}
    for name, (post_id, at) in items.items():
        item = await CountedItem.create(
            item_id=uuid.uuid4(),
            kind=ItemKind.COMMENT,
            post_id=post_id,
            state=ItemState.DELETED,
            changed_at=at,
        )
        ids[name] = item.item_id
    assert await prune_orphan_items(older_than=timedelta(days=1)) == 1
    assert not await CountedItem.exists(item_id=ids["old orphan"])
    assert await CountedItem.exists(item_id=ids["young orphan"])
    assert await CountedItem.exists(item_id=ids["old, post exists"])
