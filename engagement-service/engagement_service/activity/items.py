"""Comments, reactions and counted views: each inserted ``live`` once and flipped to
``deleted`` once, counted and uncounted at those flips (see ``service.py`` for why that keeps
repeated and reordered events exact, and for the locks).

Each function records one event's item, applies what its flip is worth (``service.apply``) and
returns the item when it turned live (or stopped counting) now, so the caller can notify about
it exactly once.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from engagement_service.activity import queries
from engagement_service.activity.rules import (
    COMMENT,
    DELETED,
    LIVE,
    REACTION,
    VIEW,
    Item,
    Tally,
    newer_type,
    post_key,
    user_key,
)
from engagement_service.activity.service import apply


async def _add_item(
    tally: Tally,
    *,
    kind: str,
    item_id: uuid.UUID,
    actor_id: uuid.UUID,
    owner_id: uuid.UUID,
    post_id: uuid.UUID,
    categories: list[str],
    occurred_at: datetime,
    parent_id: uuid.UUID | None = None,
    type: str | None = None,
) -> Item | None:
    """Record an item; returns it when it became live now (so it counts, and may notify)."""
    await queries.lock_shared(post_key(post_id), user_key(actor_id), user_key(owner_id))
    gone = await queries.post_or_user_gone(post_id, (actor_id, owner_id))
    item = await queries.insert_item(
        item_id=item_id,
        kind=kind,
        actor_id=actor_id,
        owner_id=owner_id,
        post_id=post_id,
        parent_id=parent_id,
        type=type,
        categories=categories,
        state=DELETED if gone else LIVE,
        occurred_at=occurred_at,
    )
    if item is None or item.state != LIVE:
        return None
    tally.item(item, +1)
    return item


async def _remove_item(
    tally: Tally,
    *,
    kind: str,
    item_id: uuid.UUID,
    actor_id: uuid.UUID,
    owner_id: uuid.UUID,
    post_id: uuid.UUID,
    categories: list[str],
    occurred_at: datetime,
    parent_id: uuid.UUID | None = None,
    type: str | None = None,
) -> Item | None:
    """Mark an item deleted; returns it when it was live until now (so it is uncounted)."""
    tombstone = await queries.insert_item(
        item_id=item_id,
        kind=kind,
        actor_id=actor_id,
        owner_id=owner_id,
        post_id=post_id,
        parent_id=parent_id,
        type=type,
        categories=categories,
        state=DELETED,
        occurred_at=occurred_at,
    )
    if tombstone is not None:
        return None  # first news of it: a tombstone, its create will not count
    item = await queries.delete_live_item(item_id)
    if item is None:
        return None
    tally.item(item, -1)
    return item


async def add_comment(
    *,
    comment_id: uuid.UUID,
    post_id: uuid.UUID,
    post_author_id: uuid.UUID,
    author_id: uuid.UUID,
    parent_id: uuid.UUID | None,
    categories: list[str],
    occurred_at: datetime,
    now: datetime,
) -> Item | None:
    """A comment (created, or first heard of through an edit); the item if it counts now."""
    tally = Tally()
    item = await _add_item(
        tally,
        kind=COMMENT,
        item_id=comment_id,
        actor_id=author_id,
        owner_id=post_author_id,
        post_id=post_id,
        parent_id=parent_id,
        categories=categories,
        occurred_at=occurred_at,
    )
    await apply(tally, now=now)
    return item


async def remove_comment(
    *,
    comment_id: uuid.UUID,
    post_id: uuid.UUID,
    post_author_id: uuid.UUID,
    author_id: uuid.UUID,
    parent_id: uuid.UUID | None,
    categories: list[str],
    occurred_at: datetime,
    now: datetime,
) -> Item | None:
    """A deleted comment; the item if it stopped counting now."""
    tally = Tally()
    item = await _remove_item(
        tally,
        kind=COMMENT,
        item_id=comment_id,
        actor_id=author_id,
        owner_id=post_author_id,
        post_id=post_id,
        parent_id=parent_id,
        categories=categories,
        occurred_at=occurred_at,
    )
    await apply(tally, now=now)
    return item


async def add_reaction(
    *,
    reaction_id: uuid.UUID,
    post_id: uuid.UUID,
    post_author_id: uuid.UUID,
    user_id: uuid.UUID,
    type: str,
    categories: list[str],
    occurred_at: datetime,
    now: datetime,
) -> Item | None:
    """A new reaction; the item if it counts now."""
    tally = Tally()
    item = await _add_item(
        tally,
        kind=REACTION,
        item_id=reaction_id,
        actor_id=user_id,
        owner_id=post_author_id,
        post_id=post_id,
        type=type,
        categories=categories,
        occurred_at=occurred_at,
    )
    await apply(tally, now=now)
    return item


async def change_reaction(
    *,
    reaction_id: uuid.UUID,
    post_id: uuid.UUID,
    post_author_id: uuid.UUID,
    user_id: uuid.UUID,
    type: str,
    categories: list[str],
    occurred_at: datetime,
    changed_at: datetime,
    now: datetime,
) -> Item | None:
    """A new type; if it is the first news of the reaction, it counts as its creation (and the
    item that counts now is returned). Older news than the type already held is ignored."""
    tally = Tally()
    added = None
    if await queries.get_item(reaction_id) is None:
        added = await _add_item(
            tally,
            kind=REACTION,
            item_id=reaction_id,
            actor_id=user_id,
            owner_id=post_author_id,
            post_id=post_id,
            type=type,
            categories=categories,
            occurred_at=occurred_at,
        )
    if added is None:
        await _change_reaction_type(tally, item_id=reaction_id, new_type=type, at=changed_at)
    await apply(tally, now=now)
    return added


async def _change_reaction_type(
    tally: Tally, *, item_id: uuid.UUID, new_type: str, at: datetime
) -> None:
    locked = await queries.lock_item(item_id)
    if locked is None:
        return
    item, type_at = locked
    if not newer_type(item.state, type_at, at):
        return
    await queries.set_reaction_type(item_id, type=new_type, at=at)
    previous = item.type
    if previous is None or previous == new_type:
        return
    item.type = new_type
    tally.reaction_type(item, previous, new_type)


async def remove_reaction(
    *,
    reaction_id: uuid.UUID,
    post_id: uuid.UUID,
    post_author_id: uuid.UUID,
    user_id: uuid.UUID,
    type: str,
    categories: list[str],
    occurred_at: datetime,
    now: datetime,
) -> Item | None:
    """A deleted reaction; the item if it stopped counting now."""
    tally = Tally()
    item = await _remove_item(
        tally,
        kind=REACTION,
        item_id=reaction_id,
        actor_id=user_id,
        owner_id=post_author_id,
        post_id=post_id,
        type=type,
        categories=categories,
        occurred_at=occurred_at,
    )
    await apply(tally, now=now)
    return item


async def add_view(
    *,
    view_id: uuid.UUID,
    post_id: uuid.UUID,
    post_author_id: uuid.UUID,
    user_id: uuid.UUID,
    categories: list[str],
    viewed_at: datetime,
    now: datetime,
) -> None:
    """A counted view of a post."""
    tally = Tally()
    await _add_item(
        tally,
        kind=VIEW,
        item_id=view_id,
        actor_id=user_id,
        owner_id=post_author_id,
        post_id=post_id,
        categories=categories,
        occurred_at=viewed_at,
    )
    await apply(tally, now=now)


async def get_item(item_id: uuid.UUID) -> Item | None:
    return await queries.get_item(item_id)


async def live_replies_to(comment_id: uuid.UUID) -> list[Item]:
    return await queries.live_replies_to(comment_id)
