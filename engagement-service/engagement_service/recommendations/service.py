"""People you may know and posts you may like, computed per request from the projections.

**People** are friends of friends: every user connected to one of your connections, except
you, your connections, people you dismissed, and deleted, banned or inactive accounts. Order:
mutual connections (more first), then shared interests (the declared interests of
``user_registered``/``user_updated`` you have in common), then id, so the order is stable.

**Posts** are POSTED posts you did not write and have not viewed, by authors who are not
deleted, banned or inactive. Candidates come from three sources, ``post_candidates_per_source``
each: the newest, the most popular, and the newest in your three strongest categories. Each
candidate is ranked as ``rules.py`` says. Reactions, comments and views are this service's own
counts of live items on the post.

**Pagination without OFFSET.** Both lists are ordered by a computed key with the id last, and
the cursor holds the last item's key: the next page is the same query with "strictly after
the cursor" added, so an item is never repeated when the list does not change between pages.
Post ranks depend on time, so the post cursor also freezes ``as_of``: every page is ranked at
the instant of the first one. What changes between pages (a new reaction, a new connection)
may move an item across the cursor; that is the price of a ranking that is never stored.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from chassis.errors import BadRequest, NotFound
from chassis.pagination import PageParams, decode_cursor, encode_cursor
from engagement_service.activity import queries as activity_queries
from engagement_service.activity.schemas import interest_summary
from engagement_service.core.vocabulary import CATEGORIES
from engagement_service.recommendations import queries, rules
from engagement_service.recommendations.rules import PersonCandidate, PostCandidate
from engagement_service.users import service as users


async def _declared_interests(user_id: uuid.UUID) -> list[str]:
    user = await users.get_undeleted_user(user_id)
    return list(user.interests) if user else []


# --- people ---------------------------------------------------------------------------------


async def people_you_may_know(
    user_id: uuid.UUID, *, page: PageParams
) -> tuple[list[PersonCandidate], str | None]:
    after: tuple[Any, Any, Any] = (None, None, None)
    if page.cursor:
        # (mutual, shared, id); a forged value is a 400 invalid_cursor, never a DataError.
        mutual, shared, last_id = decode_cursor(page.cursor, ("int32", "int32", "uuid"))
        after = (mutual, shared, last_id)
    people = await queries.people_page(
        user_id, declared=await _declared_interests(user_id), after=after, limit=page.limit + 1
    )
    cursor = None
    if len(people) > page.limit:
        people = people[: page.limit]
        last = people[-1]
        cursor = encode_cursor([last.mutual, last.shared, last.id])
    return people, cursor


async def dismiss(user_id: uuid.UUID, *, dismissed_id: uuid.UUID) -> None:
    """Never recommend this person to the user again (idempotent)."""
    if dismissed_id == user_id:
        raise BadRequest("You cannot dismiss yourself", code="self_dismissal")
    if not await users.exists(dismissed_id):
        raise NotFound("User not found", code="user_not_found")
    await queries.insert_dismissal(user_id, dismissed_id)


async def forget_dismissals(user_id: uuid.UUID) -> None:
    """The user is gone: their dismissals, and everyone's of them."""
    await queries.delete_dismissals_of(user_id)


# --- posts ----------------------------------------------------------------------------------


async def affinities(user_id: uuid.UUID) -> dict[str, float]:
    """How much the user cares for each category, 0 to 1 (``rules.affinities``)."""
    summary = interest_summary(await activity_queries.counters_of(user_id), include_views=True)
    return rules.affinities(
        declared=await _declared_interests(user_id),
        points={s.category: s.points for s in summary},
        categories=CATEGORIES,
    )


async def posts_for_you(
    user_id: uuid.UUID, *, page: PageParams, now: datetime, per_source: int
) -> tuple[list[PostCandidate], str | None, dict[str, float]]:
    """One page of ranked posts, the next cursor, and the caller's category affinities."""
    as_of: datetime = now
    after: tuple[Any, Any] = (None, None)
    if page.cursor:
        # (as_of, rank, id): as_of aware and in years 1900-2999, rank finite; else 400.
        as_of, after_rank, after_id = decode_cursor(page.cursor, ("datetime", "float", "uuid"))
        after = (after_rank, after_id)
    affinity = await affinities(user_id)
    posts = await queries.posts_page(
        user_id,
        as_of=as_of,
        affinity=affinity,
        top=rules.top_categories(affinity),
        per_source=per_source,
        after=after,
        limit=page.limit + 1,
    )
    cursor = None
    if len(posts) > page.limit:
        posts = posts[: page.limit]
        cursor = encode_cursor([as_of, posts[-1].rank, posts[-1].id])
    return posts, cursor, affinity
