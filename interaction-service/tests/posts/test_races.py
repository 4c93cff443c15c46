"""A post deletion racing a write on the same post: nothing is left behind on a deleted post.

Writes hold the post's projection row FOR SHARE until they commit; post_deleted updates that
row first. Each test pauses one side inside its transaction, lets the other side run into
the lock, and checks the outcome once both are done.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest
from tortoise import connections

from chassis.testing import assert_error, wait_until
from interaction_service.comments import service as comments_service
from interaction_service.comments.models import Comment
from tests.conftest import API, Bus, Cast, create_post, delete_post


async def someone_waits_for_a_lock() -> bool:
    rows = await connections.get("default").execute_query_dict(
        "SELECT count(*) AS n FROM pg_stat_activity "
        "WHERE datname = current_database() AND wait_event_type = 'Lock'"
    )
    return int(rows[0]["n"]) > 0


def paused(
    original: Callable[..., Awaitable[Any]], reached: asyncio.Event, release: asyncio.Event
) -> Callable[..., Awaitable[Any]]:
    async def wrapper(*args: Any, **kwargs: Any) -> Any:
        reached.set()
        await release.wait()
        return await original(*args, **kwargs)

    return wrapper


async def test_a_deletion_waits_for_an_in_flight_comment_then_removes_it(
    client: httpx.AsyncClient, bus: Bus, users: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    post_id = await create_post(bus, users.carol)
    reached, release = asyncio.Event(), asyncio.Event()
    # Pause the comment inside its transaction, after it locked the post and wrote its row.
    monkeypatch.setattr(
        comments_service, "_write_nft", paused(comments_service._write_nft, reached, release)
    )
    writing = asyncio.create_task(
        client.post(
            f"{API}/posts/{post_id}/comments",
            json={"content": "racing"},
            headers=users.alice.headers,
        )
    )
    await asyncio.wait_for(reached.wait(), timeout=5)

    deleting = asyncio.create_task(delete_post(bus, post_id, users.carol))
    await wait_until(someone_waits_for_a_lock)  # the deletion waits for the comment
    release.set()
    response = await writing
    await deleting

    assert response.status_code == 201, response.text
    assert not await Comment.filter(post_id=post_id).exists()
    [created] = await bus.published("post_comment_created")
    [deleted] = await bus.published("post_comment_deleted")
    assert deleted.data["comment_id"] == created.data["comment_id"] == response.json()["id"]
    assert deleted.data["reason"] == "post_deleted"


async def test_a_comment_arriving_during_a_deletion_waits_and_is_refused(
    client: httpx.AsyncClient, bus: Bus, users: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    post_id = await create_post(bus, users.carol)
    reached, release = asyncio.Event(), asyncio.Event()
    # Pause the deletion after it tombstoned the post, before it removes the comments.
    monkeypatch.setattr(
        comments_service,
        "remove_post_comments",
        paused(comments_service.remove_post_comments, reached, release),
    )
    deleting = asyncio.create_task(delete_post(bus, post_id, users.carol))
    await asyncio.wait_for(reached.wait(), timeout=5)

    writing = asyncio.create_task(
        client.post(
            f"{API}/posts/{post_id}/comments",
            json={"content": "too late"},
            headers=users.alice.headers,
        )
    )
    await wait_until(someone_waits_for_a_lock)  # the comment waits for the deletion
    release.set()
    await deleting
    response = await writing

    assert_error(response, 404, "post_not_found")
    assert not await Comment.all().exists()
    assert await bus.published("post_comment_created") == []
