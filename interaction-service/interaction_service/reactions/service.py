"""Reactions. Runs inside the caller's transaction.

One reaction per user and post is a unique constraint; writes go through
``INSERT ... ON CONFLICT DO NOTHING`` so concurrent requests never hit an integrity error: the
one whose row went in emits ``post_reaction_created``, the others take the "change" path on
the committed row (locked ``FOR UPDATE``), which emits only when the type really changes.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from chassis.errors import Conflict, Forbidden, NotFound
from chassis.pagination import PageParams
from chassis.tokens import Identity
from interaction_service.core.context import InteractionContext
from interaction_service.core.events import EVENTS, outbox
from interaction_service.posts.models import Post
from interaction_service.posts.service import (
    PostRef,
    get_visible_post,
    lock_visible_post,
    post_event_fields,
    posts_by_id,
)
from interaction_service.reactions import queries
from interaction_service.reactions.models import NEGATIVE, POSITIVE, Reaction, ReactionType
from interaction_service.users.service import display_names, hold_writer, identity_id

# A user's reaction can be deleted by another request between our failed insert and our
# lock, sending us round again; after this many rounds the request gives up with a 409.
_MAX_ROUNDS = 5


def reaction_not_found() -> NotFound:
    return NotFound("Reaction not found", code="reaction_not_found")


# --- rules ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Tally:
    """A post's reactions counted: every type (zeros included) and the caller's own."""

    counts: dict[ReactionType, int]
    mine: ReactionType | None

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def positive(self) -> int:
        return polarity_totals(self.counts)[0]

    @property
    def negative(self) -> int:
        return polarity_totals(self.counts)[1]


def counts_per_type(counted: Mapping[str, int]) -> dict[ReactionType, int]:
    """Counts keyed by type, every type present (zero when the post has none of it)."""
    counts = {kind: 0 for kind in ReactionType}
    for kind, n in counted.items():
        counts[ReactionType(kind)] = n
    return counts


def polarity_totals(counts: Mapping[ReactionType, int]) -> tuple[int, int]:
    """(positive, negative): the counts summed over each polarity group."""
    return (
        sum(counts.get(kind, 0) for kind in POSITIVE),
        sum(counts.get(kind, 0) for kind in NEGATIVE),
    )


def _event_base(reaction: Reaction, post: Post) -> dict[str, Any]:
    return {
        "reaction_id": str(reaction.id),
        **post_event_fields(post),
        "user_id": str(reaction.user_id),
        "type": reaction.type.value,
    }


# --- writes -----------------------------------------------------------------------------------


async def _insert(
    post: Post, user_id: uuid.UUID, kind: ReactionType, now: datetime
) -> Reaction | None:
    reaction = await queries.insert_reaction(post_id=post.id, user_id=user_id, kind=kind, now=now)
    if reaction is None:
        return None
    await outbox.add(
        EVENTS.post_reaction_created,
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
    await queries.save_type(reaction)
    await outbox.add(
        EVENTS.post_reaction_updated,
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
        existing = await queries.lock_user_reaction(locked.id, user_id)
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
    await queries.delete_reaction(reaction)
    await outbox.add(
        EVENTS.post_reaction_deleted, {**_event_base(reaction, post), "reason": reason}
    )


async def remove_my_reaction(ctx: InteractionContext, *, post: PostRef, user: Identity) -> None:
    """Remove the caller's reaction; 404 if there is none."""
    locked = await lock_visible_post(post)
    reaction = await queries.lock_user_reaction(locked.id, identity_id(user))
    if reaction is None:
        raise NotFound("You have not reacted to this post", code="reaction_not_found")
    await _delete(reaction, locked, reason="user")


async def _owned_locked(reaction_id: uuid.UUID, user: Identity) -> tuple[Reaction, Post]:
    found = await queries.get_reaction(reaction_id)
    if found is None:
        raise reaction_not_found()
    post = await lock_visible_post(found.post_id)
    reaction = await queries.lock_reaction(reaction_id)
    if reaction is None:
        raise reaction_not_found()
    if reaction.user_id != identity_id(user):
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


async def remove_post_reactions(post_id: uuid.UUID) -> int:
    """``post_deleted``: remove every reaction of the post, one event each."""
    return await _announce_removed(
        await queries.delete_post_reactions(post_id), reason="post_deleted"
    )


async def remove_user_reactions(user_id: uuid.UUID) -> int:
    """``user_deleted``: remove every reaction of the user, one event each."""
    return await _announce_removed(
        await queries.delete_user_reactions(user_id), reason="account_deleted"
    )


async def _announce_removed(rows: list[dict[str, Any]], *, reason: str) -> int:
    posts = await posts_by_id({row["post_id"] for row in rows})
    for row in rows:
        await outbox.add(
            EVENTS.post_reaction_deleted,
            {
                "reaction_id": str(row["id"]),
                **post_event_fields(posts[row["post_id"]]),
                "user_id": str(row["user_id"]),
                "type": row["type"],
                "reason": reason,
            },
        )
    return len(rows)


# --- reads ------------------------------------------------------------------------------------


async def get_reaction(reaction_id: uuid.UUID) -> Reaction:
    reaction = await queries.get_reaction(reaction_id)
    if reaction is None:
        raise reaction_not_found()
    await get_visible_post(reaction.post_id)
    return reaction


async def list_reactions(
    post_id: uuid.UUID, *, page: PageParams
) -> tuple[list[Reaction], str | None]:
    """A post's reactions, newest first."""
    return await queries.page_post_reactions(post_id, page)


async def summarize(post_id: uuid.UUID, *, user: Identity) -> Tally:
    """Counts per type (every type present, zeros included) and the caller's own reaction."""
    counts = counts_per_type(await queries.count_by_type(post_id))
    mine = await queries.user_reaction(post_id, identity_id(user))
    return Tally(counts=counts, mine=mine.type if mine else None)


async def author_names(reactions: Iterable[Reaction]) -> dict[uuid.UUID, str | None]:
    """Display names of the users who reacted."""
    return await display_names(r.user_id for r in reactions)
