"""The recommendation rules, pure: category affinities, the post ranking and the reasons.

**Posts** are ranked

    rank       = 0.5 * match + 0.3 * popularity + 0.2 * freshness            (0 to 1)
    match      = the best affinity among the post's categories, where
                 affinity(c) = 0.5 * [c in your declared interests]
                             + 0.5 * your interest points in c / your top category's points
    popularity = 1 - exp(-(5 * reactions + 10 * comments + views) / 50)
    freshness  = 0.5 ** (hours since publication / 48)

Postgres computes the rank over the candidates (``queries.py``, from these constants), so a
page is ordered and cut where the rows are; ``rank`` and its parts here are the same formula,
and a test holds the two to agree.

**People** are ordered by mutual connections, then shared declared interests, then id.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

MATCH_WEIGHT, POPULARITY_WEIGHT, FRESHNESS_WEIGHT = 0.5, 0.3, 0.2
POPULARITY_SCALE = 50.0
FRESHNESS_HALF_LIFE_HOURS = 48.0
TOP_CATEGORIES = 3
# Reasons: a post this popular or this fresh says so.
POPULAR_FROM, NEW_FROM = 0.5, 0.7


@dataclass
class PersonCandidate:
    id: uuid.UUID
    first_name: str
    last_name: str
    interests: list[str]
    mutual: int
    shared: int


@dataclass
class PostCandidate:
    id: uuid.UUID
    author_id: uuid.UUID
    title: str | None
    categories: list[str]
    published_at: datetime | None
    reactions: int
    comments: int
    views: int
    match: float
    popularity: float
    freshness: float
    rank: float


def affinities(
    *, declared: Iterable[str], points: dict[str, int], categories: Iterable[str]
) -> dict[str, float]:
    """How much the user cares for each category, 0 to 1: half for declaring it an interest,
    half in proportion to their interest points against their strongest category's. Only the
    categories with some affinity are listed."""
    wanted = set(declared)
    top = max(points.values(), default=0)
    result = {}
    for category in categories:
        value = 0.5 * (category in wanted) + (0.5 * points.get(category, 0) / top if top else 0)
        if value > 0:
            result[category] = round(value, 6)
    return result


def top_categories(affinity: dict[str, float], count: int = TOP_CATEGORIES) -> list[str]:
    """The strongest categories (ties by name): the third source of post candidates."""
    return [c for c, _ in sorted(affinity.items(), key=lambda x: (-x[1], x[0]))[:count]]


def match(categories: Iterable[str], affinity: dict[str, float]) -> float:
    return max((affinity.get(c, 0.0) for c in categories), default=0.0)


def popularity(*, reactions: int, comments: int, views: int) -> float:
    return 1 - math.exp(-(5 * reactions + 10 * comments + views) / POPULARITY_SCALE)


def freshness(age: timedelta) -> float:
    hours = max(age.total_seconds(), 0.0) / 3600.0
    return float(0.5 ** (hours / FRESHNESS_HALF_LIFE_HOURS))


def rank(*, match: float, popularity: float, freshness: float) -> float:
    return MATCH_WEIGHT * match + POPULARITY_WEIGHT * popularity + FRESHNESS_WEIGHT * freshness


def connection_reasons(person: PersonCandidate) -> list[str]:
    reasons = [f"{person.mutual} mutual connection{'s' if person.mutual != 1 else ''}"]
    if person.shared:
        reasons.append(f"{person.shared} shared interest{'s' if person.shared != 1 else ''}")
    return reasons


def post_reasons(post: PostCandidate, affinity: dict[str, float]) -> list[str]:
    reasons = []
    matched = sorted((c for c in post.categories if c in affinity), key=lambda c: -affinity[c])
    if matched:
        reasons.append("matches your interest in " + ", ".join(matched))
    if post.popularity >= POPULAR_FROM:
        reasons.append(f"popular: {post.reactions} reactions, {post.comments} comments")
    if post.freshness >= NEW_FROM:
        reasons.append("new")
    return reasons
