"""The post projection: fed by events, read by every interaction, locked by every write.

Every write of this service (comment, reaction, view) holds its post's row ``FOR SHARE`` for
the rest of its transaction, and ``post_deleted`` updates that row before removing anything.
So a write racing a deletion either commits first (and the deletion then removes what it
wrote) or waits and finds the tombstone (404): nothing is left behind on a deleted post.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from chassis.errors import NotFound
from interaction_service.core.context import InteractionContext
from interaction_service.posts import queries
from interaction_service.posts.client import RemotePost, fetch_post
from interaction_service.posts.models import Post, PostStatus


def post_not_found() -> NotFound:
    return NotFound("Post not found", code="post_not_found")


@dataclass(frozen=True)
class PostRef:
    """A post that was POSTED when the request looked it up."""

    id: uuid.UUID
    author_id: uuid.UUID
    categories: list[str] = field(default_factory=list)
    updated_at: datetime | None = None
    # False when it came from the post service over HTTP: the write then records it.
    known_locally: bool = True

    @classmethod
    def of(cls, post: Post) -> PostRef:
        return cls(
            id=post.id,
            author_id=post.author_id,
            categories=list(post.categories),
            updated_at=post.source_updated_at,
        )

    @classmethod
    def fetched(cls, remote: RemotePost) -> PostRef:
        return cls(
            id=remote.id,
            author_id=remote.author_id,
            categories=remote.categories,
            updated_at=remote.updated_at,
            known_locally=False,
        )


def remote_is_visible(remote: RemotePost) -> bool:
    """Whether the post service's answer is a post that may be interacted with."""
    return remote.status == PostStatus.POSTED.value


def post_event_fields(post: Post | PostRef) -> dict[str, Any]:
    """What every event of this service says about the post it concerns."""
    return {
        "post_id": str(post.id),
        "post_author_id": str(post.author_id),
        "categories": list(post.categories),
    }


async def resolve_visible_post(
    ctx: InteractionContext, *, post_id: uuid.UUID, token: str
) -> PostRef:
    """The post if it is POSTED: from the projection, else from one call to the post service.

    A tombstone or a known non-POSTED post is a 404 without asking anyone.
    """
    post = await queries.get_post(post_id)
    if post is not None:
        if not post.is_visible:
            raise post_not_found()
        return PostRef.of(post)
    remote = await fetch_post(ctx, post_id=post_id, token=token)
    if remote is None or not remote_is_visible(remote):
        raise post_not_found()
    return PostRef.fetched(remote)


async def get_visible_post(post_id: uuid.UUID) -> Post:
    """The projection's post if it is POSTED (for reads that start from a comment or reaction)."""
    post = await queries.get_post(post_id)
    if post is None or not post.is_visible:
        raise post_not_found()
    return post


async def posts_by_id(post_ids: set[uuid.UUID]) -> dict[uuid.UUID, Post]:
    """The projection's rows of these posts, tombstones included (for removal events)."""
    return await queries.posts_by_id(post_ids)


async def lock_visible_post(ref: PostRef | uuid.UUID) -> Post:
    """Inside the unit of work: hold the post's row until commit and check it is still POSTED.

    A post learnt over HTTP is recorded first (only if no event got here meanwhile), so the
    row exists to be locked and a late ``post_deleted`` has a row to wait for.
    """
    post_id = ref.id if isinstance(ref, PostRef) else ref
    if isinstance(ref, PostRef) and not ref.known_locally:
        await queries.record_fetched_post(
            post_id=ref.id,
            author_id=ref.author_id,
            categories=ref.categories,
            updated_at=ref.updated_at,
        )
    if not await queries.share_lock_post(post_id):
        raise post_not_found()
    return await get_visible_post(post_id)


async def apply_post_state(
    *,
    post_id: uuid.UUID,
    author_id: uuid.UUID,
    status: PostStatus,
    categories: list[str],
    updated_at: datetime,
) -> None:
    """Record a post's state from ``post_created`` / ``post_updated``.

    Ignored for a tombstone (the deletion wins) and for a state older than the one held.
    """
    await queries.upsert_post_state(
        post_id=post_id,
        author_id=author_id,
        status=status,
        categories=categories,
        updated_at=updated_at,
    )


async def tombstone_post(
    *,
    post_id: uuid.UUID,
    author_id: uuid.UUID,
    status: PostStatus,
    categories: list[str],
    now: datetime,
) -> Post:
    """Mark the post deleted for good (creating the row if its other events are still on
    their way). Waits for every in-flight write that holds the post."""
    return await queries.upsert_tombstone(
        post_id=post_id,
        author_id=author_id,
        status=status,
        categories=categories,
        deleted_at=now,
    )


async def known_post(post_id: uuid.UUID) -> Post:
    """The projection's row of a post this service holds something of (tombstones included)."""
    post = await queries.get_post(post_id)
    if post is None:
        raise post_not_found()
    return post
