"""Posts: creating, reading, editing, deleting, moderation's removals and the periodic jobs.
Runs inside the caller's transaction; the rules are in ``posts.rules``, the statements in
``posts.queries``."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone
from typing import Any

from chassis.errors import Forbidden
from chassis.tokens import Identity
from post_service.authors import service as authors
from post_service.core.context import PostContext
from post_service.core.events import EVENTS, outbox
from post_service.counters import service as counters
from post_service.nft.service import discard_pending_nfts, publish_nft
from post_service.posts import access, queries, ranking, rules
from post_service.posts.models import Post, PostStatus
from post_service.posts.rules import Replay
from post_service.posts.schemas import PostCreate, PostRead


def now_utc() -> datetime:
    return datetime.now(timezone.utc)


# --- read ---------------------------------------------------------------------------------


async def read_post(post_id: uuid.UUID, *, viewer: Identity) -> PostRead:
    """A post ``viewer`` may see (404 otherwise, 410 for the author of a removed one)."""
    return PostRead.of(await access.get_post(post_id, viewer=viewer))


# --- create -------------------------------------------------------------------------------


async def create_post(
    ctx: PostContext, author: Identity, *, data: PostCreate, idempotency_key: str | None = None
) -> PostRead | Replay:
    """A new post by ``author``, or the stored answer to an earlier request with the same
    Idempotency-Key (a replay does not count against the rate limit)."""
    fingerprint = rules.request_hash(data)
    if idempotency_key is not None:
        row = await queries.idempotency_key(author.id, idempotency_key)
        if row is not None:
            return rules.replay_of(row, fingerprint)
    limit, window = ctx.settings.create_per_user
    await ctx.limiter.hit(f"create:user:{author.id}", limit=limit, window_seconds=window)
    now = now_utc()
    if idempotency_key is not None and not await queries.claim_idempotency_key(
        author.id, idempotency_key, fingerprint=fingerprint, now=now
    ):
        row = await queries.claimed_idempotency_key(author.id, idempotency_key)
        return rules.replay_of(row, fingerprint)
    await authors.lock_users(author.id)
    if await authors.is_deleted(author.id):
        raise Forbidden("This account was deleted", code="account_deleted")
    author_row = await authors.ensure_author(author)
    posted = data.status == PostStatus.POSTED
    post = await queries.insert_post(
        id=uuid.uuid4(),
        author_id=author.id,
        title=data.title,
        content=data.content,
        categories=[c.value for c in data.categories],
        status=data.status,
        created_at=now,
        updated_at=now,
        published_at=now if posted else None,
        listed_at=now,
        hot=ranking.hot_score(positive_reactions=0, comments=0, listed_at=now, now=now),
    )
    post.author = author_row
    if posted:
        await publish_nft(post, now=now)
    await outbox.add(EVENTS.post_created, rules.post_event_data(post))
    result = PostRead.of(post)
    if idempotency_key is not None:
        await queries.store_response(
            author.id, idempotency_key, response=result.model_dump(mode="json")
        )
    return result


# --- update -------------------------------------------------------------------------------


async def edit_post(post_id: uuid.UUID, *, editor: Identity, changes: dict[str, Any]) -> PostRead:
    """The author's edit of a post (403 for anyone else's visible post)."""
    post = await access.get_post_to_edit(post_id, editor=editor)
    return PostRead.of(await update_post(post, changes=changes))


async def update_post(post: Post, *, changes: dict[str, Any]) -> Post:
    """Apply the fields sent; emits ``post_updated`` only when something changed."""
    previous = post.status
    rules.check_transition(previous, changes.get("status"))
    changes = rules.normalised(changes)
    changed = rules.changed_fields(post, changes)
    if not changed:
        return post
    now = now_utc()
    for name in changed:
        setattr(post, name, changes[name])
    post.updated_at = now
    update_fields = [*changed, "updated_at"]
    if rules.publishes_first(post):
        post.published_at = now
        post.listed_at = now
        post.hot = ranking.hot_score(
            positive_reactions=post.positive_reactions,
            comments=post.total_comments,
            listed_at=now,
            now=now,
        )
        update_fields += ["published_at", "listed_at", "hot"]
    await queries.save_post(post, fields=update_fields)
    if post.status == PostStatus.POSTED:
        await publish_nft(post, now=now)
    await outbox.add(
        EVENTS.post_updated,
        rules.post_event_data(post, changed=changed, previous_status=previous.value),
    )
    return post


# --- delete -------------------------------------------------------------------------------


async def delete_post(post_id: uuid.UUID, *, user: Identity) -> None:
    """Delete a post as its author, a moderator or an admin."""
    post, reason = await access.get_post_to_delete(post_id, user=user)
    await _delete(post, reason=reason)


async def _delete(post: Post, *, reason: str) -> None:
    """Hard delete with its counter bookkeeping and unminted NFT. A post moderation already
    removed was announced as deleted then; it goes silently now."""
    if post.removed_at is None:
        await outbox.add(EVENTS.post_deleted, rules.deleted_event_data(post, reason=reason))
    await discard_pending_nfts([post.id])
    await counters.forget_post(post.id)
    await queries.delete_post(post)


async def delete_posts_of(user_id: uuid.UUID) -> int:
    """The author's account is gone: every post goes, each announced (reason account_deleted)."""
    posts = await queries.lock_posts_of(user_id)
    for post in posts:
        await _delete(post, reason="account_deleted")
    await queries.delete_idempotency_keys_of(user_id)
    return len(posts)


async def remove_for_moderation(
    *,
    moderation_id: uuid.UUID,
    post_id: uuid.UUID,
    author_id: uuid.UUID,
    reason: str,
) -> bool:
    """Hide the post (404 for others, 410 for its author), announce it deleted, and confirm
    to moderation with ``content_removed`` either way. Returns whether it was removed now."""
    post = await queries.load_post(post_id, lock=True)
    already_gone = post is None or post.removed_at is not None
    if post is not None and post.removed_at is None:
        post.removed_at = now_utc()
        post.removal_reason = reason
        await queries.save_post(post, fields=["removed_at", "removal_reason"])
        await discard_pending_nfts([post.id])
        await outbox.add(EVENTS.post_deleted, rules.deleted_event_data(post, reason="moderation"))
    await outbox.add(
        EVENTS.content_removed,
        rules.content_removed_data(
            moderation_id=moderation_id,
            post_id=post_id,
            author_id=post.author_id if post is not None else author_id,
            reason=reason,
            already_gone=already_gone,
        ),
    )
    return not already_gone


# --- jobs ---------------------------------------------------------------------------------


async def prune_idempotency_keys(*, older_than: timedelta) -> int:
    return await queries.delete_idempotency_keys_before(now_utc() - older_than)


async def recompute_hot() -> int:
    """Age every post younger than the decay horizon (the counter handlers keep the rest)."""
    return await queries.recompute_hot(younger_than_hours=int(ranking.HOT_MAX_AGE_HOURS + 1))
