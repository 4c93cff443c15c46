"""Every statement on reactions (``interaction_reaction``)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from tortoise import connections

from chassis.pagination import PageParams, keyset_page
from interaction_service.reactions.models import Reaction, ReactionType


async def insert_reaction(
    *, post_id: uuid.UUID, user_id: uuid.UUID, kind: ReactionType, now: datetime
) -> Reaction | None:
    """The user's new reaction, or None when they already have one on this post (the unique
    ``(post_id, user_id)`` settles concurrent inserts without an integrity error)."""
    rows = await connections.get("default").execute_query_dict(
        "INSERT INTO interaction_reaction (id, post_id, user_id, type, created_at, updated_at) "
        "VALUES ($1, $2, $3, $4, $5, $5) ON CONFLICT (post_id, user_id) DO NOTHING RETURNING id",
        [uuid.uuid4(), post_id, user_id, kind.value, now],
    )
    if not rows:
        return None
    return await Reaction.get(id=rows[0]["id"])


async def get_reaction(reaction_id: uuid.UUID) -> Reaction | None:
    return await Reaction.get_or_none(id=reaction_id)


async def lock_reaction(reaction_id: uuid.UUID) -> Reaction | None:
    """The reaction's row, held ``FOR UPDATE`` until commit."""
    return await Reaction.filter(id=reaction_id).select_for_update().first()


async def lock_user_reaction(post_id: uuid.UUID, user_id: uuid.UUID) -> Reaction | None:
    """The user's reaction to the post, held ``FOR UPDATE`` until commit."""
    return await Reaction.filter(post_id=post_id, user_id=user_id).select_for_update().first()


async def user_reaction(post_id: uuid.UUID, user_id: uuid.UUID) -> Reaction | None:
    return await Reaction.filter(post_id=post_id, user_id=user_id).first()


async def save_type(reaction: Reaction) -> None:
    await reaction.save(update_fields=["type", "updated_at"])


async def delete_reaction(reaction: Reaction) -> None:
    await reaction.delete()


async def page_post_reactions(
    post_id: uuid.UUID, page: PageParams
) -> tuple[list[Reaction], str | None]:
    """A post's reactions, newest first."""
    return await keyset_page(Reaction.filter(post_id=post_id), page)


async def count_by_type(post_id: uuid.UUID) -> dict[str, int]:
    """How many reactions of each type the post has (types without any are absent)."""
    rows = await connections.get("default").execute_query_dict(
        "SELECT type, count(*) AS n FROM interaction_reaction WHERE post_id = $1 GROUP BY type",
        [post_id],
    )
    return {row["type"]: int(row["n"]) for row in rows}


async def delete_post_reactions(post_id: uuid.UUID) -> list[dict[str, Any]]:
    """Delete every reaction to the post; returns the rows (id, post_id, user_id, type)."""
    return await connections.get("default").execute_query_dict(
        "DELETE FROM interaction_reaction WHERE post_id = $1 RETURNING id, post_id, user_id, type",
        [post_id],
    )


async def delete_user_reactions(user_id: uuid.UUID) -> list[dict[str, Any]]:
    """Delete every reaction of the user; returns the rows (id, post_id, user_id, type)."""
    return await connections.get("default").execute_query_dict(
        "DELETE FROM interaction_reaction WHERE user_id = $1 RETURNING id, post_id, user_id, type",
        [user_id],
    )
