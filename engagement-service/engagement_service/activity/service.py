"""Activity: post states, counters and scores, from the events that announce them.

Runs inside the caller's transaction (an event handler's). Nothing here commits. Every counter
moves by an atomic increment, and only when an item or a post flips state, so repeated and
reordered events leave the counts exact:

- an item (comment, reaction, counted view) is inserted ``live`` once; it counts then;
- it flips ``live`` to ``deleted`` once; it is uncounted then;
- a delete that comes first inserts it ``deleted``: its create finds it and changes nothing;
- an item whose post, actor or post author is already deleted is inserted ``deleted``.

Concurrent handlers (several replicas) are kept apart by transaction-scoped advisory locks:
an item insert holds its post and its two users in shared mode, the deletion of a post or a
user holds it exclusively, so a create can never slip past the cascade of a delete.

Each event's function gathers what its flips are worth in a ``Tally`` (``rules.py``) and ends
by applying it (``apply``): counter deltas, the posts' popularity, and the scores of the users
touched. Items (comments, reactions, views) are recorded in ``items.py``; posts and the
deletion of an account here.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from engagement_service.activity import queries, scores
from engagement_service.activity.rules import (
    Item,
    Tally,
    as_list,
    post_key,
    published_at_after,
    user_key,
)


async def apply(tally: Tally, *, now: datetime) -> None:
    """Write the counters, the posts' popularity and the scores gathered so far."""
    counters = tally.counter_deltas()
    if counters:
        await queries.add_to_counters(counters)
    posts = tally.post_deltas()
    if posts:
        await queries.add_to_post_counts(posts)
    deltas, full = tally.score_changes(now=now)
    tally.clear()
    await scores.add_to_scores(deltas, now=now)
    await scores.refresh_scores(full, now=now)


# --- posts ----------------------------------------------------------------------------------


async def record_post(
    *,
    post_id: uuid.UUID,
    author_id: uuid.UUID,
    title: str | None,
    categories: list[str],
    status: str,
    created_at: datetime,
    updated_at: datetime,
    now: datetime,
) -> None:
    """``post_created`` and ``post_updated``: apply a post's state if it is newer than what we
    hold (by the post's updated_at)."""
    tally = Tally()
    published_at = created_at if status == "POSTED" else None
    if await queries.insert_post(
        post_id=post_id,
        author_id=author_id,
        title=title,
        categories=categories,
        status=status,
        created_at=created_at,
        published_at=published_at,
        version_at=updated_at,
    ):
        tally.post_state(author_id, status, categories, published_at, +1)
        # Interactions that arrived before the post itself already count: take them over.
        await queries.count_post_from_items(post_id)
        await apply(tally, now=now)
        return
    held = await queries.lock_post(post_id)
    if held is None or held["deleted_at"] is not None or held["version_at"] >= updated_at:
        return
    old_categories = as_list(held["categories"])
    published_at = published_at_after(
        status=status, held_published_at=held["published_at"], updated_at=updated_at
    )
    if held["status"] != status or old_categories != categories:
        author = held["author_id"]
        tally.post_state(author, held["status"], old_categories, held["published_at"], -1)
        tally.post_state(author, status, categories, published_at, +1)
    await queries.update_post(
        post_id,
        title=title,
        categories=categories,
        status=status,
        published_at=published_at,
        version_at=updated_at,
    )
    await apply(tally, now=now)


async def delete_post(
    *,
    post_id: uuid.UUID,
    author_id: uuid.UUID,
    categories: list[str],
    status: str,
    now: datetime,
) -> list[Item]:
    """Tombstone the post and uncount every live item on it; returns those items."""
    tally = Tally()
    await queries.lock_exclusive(post_key(post_id))
    if not await queries.insert_post_tombstone(
        post_id=post_id, author_id=author_id, categories=categories, status=status, at=now
    ):
        held = await queries.tombstone_post(post_id, at=now)
        if held is not None:
            tally.post_state(
                held["author_id"],
                held["status"],
                as_list(held["categories"]),
                held["published_at"],
                -1,
            )
    items = await queries.delete_live_items_of_post(post_id)
    for item in items:
        tally.item(item, -1)
    await apply(tally, now=now)
    return items


# --- users ----------------------------------------------------------------------------------


async def forget_user(user_id: uuid.UUID, *, now: datetime) -> list[Item]:
    """The account is gone: its posts are deleted, every item it made or received stops
    counting for anyone, and its own counters go. Returns the items uncounted."""
    tally = Tally()
    await queries.lock_exclusive(user_key(user_id))
    tally.forgotten.add(user_id)
    await queries.tombstone_posts_of(user_id, at=now)
    items = await queries.delete_live_items_of_user(user_id)
    for item in items:
        tally.item(item, -1)
    await queries.delete_counters(user_id)
    await apply(tally, now=now)
    return items
