"""Reactions. Runs inside the caller's transaction.

One reaction per user and post is a unique constraint; writes go through
``INSERT ... ON CONFLICT DO NOTHING`` so concurrent requests never hit an integrity error: the
one whose row went in emits ``post_reaction_created``, the others take the "change" path on
the committed row (locked ``FOR UPDATE``), which emits only when the type really changes.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from tortoise import connections

from chassis.errors import Conflict, Forbidden, NotFound
from chassis.pagination import PageParams, keyset_page
from chassis.tokens import Identity
from interaction_service.core import events
from interaction_service.core.context import InteractionContext
from interaction_service.posts.models import Post
from interaction_service.posts.service import (
    PostRef,
    get_visible_post,
    lock_visible_post,
    post_event_fields,
)
from interaction_service.reactions.models import NEGATIVE, POSITIVE, Reaction, ReactionType
from interaction_service.users.service import hold_writer

# A user's reaction can be deleted by another request between our failed insert and our
# lock, sending us round again; after this many rounds the request gives up with a 409.
_MAX_ROUNDS = 5


def reaction_not_found() -> NotFound:
    return NotFound("Reaction not found", code="reaction_not_found")


def _event_base(reaction: Reaction, post: Post) -> dict[str, Any]:
    return {
        "reaction_id": str(reaction.id),
        **post_event_fields(post),
        "user_id": str(reaction.user_id),
        "type": reaction.type.value,
    }


async def _insert(
    post: Post, user_id: uuid.UUID, kind: ReactionType, now: datetime
) -> Reaction | None:
    rows = await connections.get("default").execute_query_dict(
        "INSERT INTO interaction_reaction (id, post_id, user_id, type, created_at, updated_at) "
        "VALUES ($1, $2, $3, $4, $5, $5) ON CONFLICT (post_id, user_id) DO NOTHING RETURNING id",
        [uuid.uuid4(), post.id, user_id, kind.value, now],
    )
    if not rows:
        return None
    reaction = await Reaction.get(id=rows[0]["id"])
    await events.outbox.add(
        events.POST_REACTION_CREATED,
        {**_event_base(reaction, post), "created_at": reaction.created_at.isoformat()},
    )
    return reaction


async def _change(reaction: Reaction, post: Post, kind: ReactionType, now: datetime) -> None:
    """Set a locked reaction's type; emits only if it changed."""
    if reaction.type == kind:
        return
    previous = reaction.type
    reaction.type = kind
    reaction.updated_at = now
    await reaction.save(update_fields=["type", "updated_at"])
    await events.outbox.add(
        events.POST_REACTION_UPDATED,
        {**_event_base(reaction, post), "previous_type": previous.value},
    )


async def set_my_reaction(
    ctx: InteractionContext, *, post: PostRef, user: Identity, kind: ReactionType
) -> tuple[Reaction, bool]:
    """Create or change the caller's reaction; returns it and whether it was created."""
    user_id = await hold_writer(user)
    locked = await lock_visible_post(post)
    for _ in range(_MAX_ROUNDS):
        now = ctx.now()
        existing = (
            await Reaction.filter(post_id=locked.id, user_id=user_id).select_for_update().first()
        )
        if existing is not None:
            await _change(existing, locked, kind, now)
            return existing, False
        created = await _insert(locked, user_id, kind, now)
        if created is not None:
            return created, True
        # A concurrent request's row went in first: next round changes that one.
    raise Conflict("Your reaction kept changing under this request; try again", code="busy")


async def add_reaction(
    ctx: InteractionContext, *, post: PostRef, user: Identity, kind: ReactionType
) -> Reaction:
    """Create the caller's reaction; 409 if they already reacted to this post."""
    user_id = await hold_writer(user)
    locked = await lock_visible_post(post)
    created = await _insert(locked, user_id, kind, ctx.now())
    if created is None:
        raise Conflict(
            "You already reacted to this post; change it with PUT /reactions/me or PATCH",
            code="already_reacted",
        )
    return created


async def _delete(reaction: Reaction, post: Post, *, reason: str) -> None:
    await reaction.delete()
    await events.outbox.add(
        events.POST_REACTION_DELETED, {**_event_base(reaction, post), "reason": reason}
    )


async def remove_my_reaction(ctx: InteractionContext, *, post: PostRef, user: Identity) -> None:
    """Remove the caller's reaction; 404 if there is none."""
    user_id = uuid.UUID(user.id)
    locked = await lock_visible_post(post)
    reaction = await Reaction.filter(post_id=locked.id, user_id=user_id).select_for_update().first()
    if reaction is None:
        raise NotFound("You have not reacted to this post", code="reaction_not_found")
    await _delete(reaction, locked, reason="user")


async def _owned_locked(reaction_id: uuid.UUID, user: Identity) -> tuple[Reaction, Post]:
    found = await Reaction.get_or_none(id=reaction_id)
    if found is None:
        raise reaction_not_found()
    post = await lock_visible_post(found.post_id)
    reaction = await Reaction.filter(id=reaction_id).select_for_update().first()
    if reaction is None:
        raise reaction_not_found()
    if str(reaction.user_id) != user.id:
        raise Forbidden("Only the user who reacted may change this reaction", code="not_owner")
    return reaction, post


async def change_reaction(
    ctx: InteractionContext, *, reaction_id: uuid.UUID, user: Identity, kind: ReactionType
) -> Reaction:
    """Change the type of one's own reaction."""
    await hold_writer(user)
    reaction, post = await _owned_locked(reaction_id, user)
    await _change(reaction, post, kind, ctx.now())
    return reaction


async def delete_reaction(*, reaction_id: uuid.UUID, user: Identity) -> None:
    """Delete one's own reaction."""
    reaction, post = await _owned_locked(reaction_id, user)
    await _delete(reaction, post, reason="user")


async def get_reaction(reaction_id: uuid.UUID) -> Reaction:
    reaction = await Reaction.get_or_none(id=reaction_id)
    if reaction is None:
        raise reaction_not_found()
    await get_visible_post(reaction.post_id)
    return reaction


async def list_reactions(
    post_id: uuid.UUID, *, page: PageParams
) -> tuple[list[Reaction], str | None]:
    """A post's reactions, newest first."""
    return await keyset_page(Reaction.filter(post_id=post_id), page)


async def summarize(
    post_id: uuid.UUID, *, user_id: uuid.UUID
) -> tuple[dict[ReactionType, int], ReactionType | None]:
    """Counts per type (every type present, zeros included) and the caller's own reaction."""
    rows = await connections.get("default").execute_query_dict(
        "SELECT type, count(*) AS n FROM interaction_reaction WHERE post_id = $1 GROUP BY type",
        [post_id],
    )
    counts = {kind: 0 for kind in ReactionType}
    for row in rows:
        counts[ReactionType(row["type"])] = int(row["n"])
    mine = await Reaction.filter(post_id=post_id, user_id=user_id).first()
    return counts, mine.type if mine else None


def score_groups(counts: dict[ReactionType, int]) -> tuple[int, int]:
    """(positive, negative) totals."""
    return sum(counts[k] for k in POSITIVE), sum(counts[k] for k in NEGATIVE)


async def remove_post_reactions(post: Post) -> int:
    """``post_deleted``: remove every reaction of the post, one event each."""
    return await _remove(post_id=post.id, reason="post_deleted")


async def remove_user_reactions(user_id: uuid.UUID) -> int:
    """``user_deleted``: remove every reaction of the user, one event each."""
    return await _remove(user_id=user_id, reason="account_deleted")


async def _remove(
    *, reason: str, post_id: uuid.UUID | None = None, user_id: uuid.UUID | None = None
) -> int:
    column, value = ("post_id", post_id) if post_id is not None else ("user_id", user_id)
    rows = await connections.get("default").execute_query_dict(
        f"DELETE FROM interaction_reaction WHERE {column} = $1 "  # noqa: S608 (fixed names)
        "RETURNING id, post_id, user_id, type",
        [value],
    )
    posts = {p.id: p for p in await Post.filter(id__in={row["post_id"] for row in rows})}
    for row in rows:
        await events.outbox.add(
            events.POST_REACTION_DELETED,
            {
                "reaction_id": str(row["id"]),
                **post_event_fields(posts[row["post_id"]]),
                "user_id": str(row["user_id"]),
                "type": row["type"],
                "reason": reason,
            },
        )
    return len(rows)
