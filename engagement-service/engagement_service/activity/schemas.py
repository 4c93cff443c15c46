from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, Field

from engagement_service.activity import scoring
from engagement_service.core.vocabulary import CATEGORIES, REACTION_TYPES


class ReactionCounts(BaseModel):
    LIKE: int = 0
    LOVE: int = 0
    ANGRY: int = 0
    SAD: int = 0
    FUNNY: int = 0
    JOY: int = 0


class InterestShare(BaseModel):
    category: str
    points: int = Field(description="Weighted actions on posts of this category")
    share: float = Field(description="points / all points, 0 to 1")


class PublicActivityProfile(BaseModel):
    """What anyone signed in may see of a user's activity."""

    user_id: uuid.UUID
    first_name: str
    last_name: str
    posts_published: int = Field(description="Posts currently POSTED")
    comments_made: int
    comments_received: int = Field(description="Comments by others on the user's posts")
    reactions_made: int
    reactions_received: int = Field(description="Reactions by others to the user's posts")
    reactions_made_by_type: ReactionCounts
    reactions_received_by_type: ReactionCounts
    views_received: int = Field(description="Counted views by others of the user's posts")
    connections: int
    interests: list[InterestShare] = Field(
        description="Categories of the user's posts, comments and reactions, strongest first"
    )
    engagement_score: float = Field(description="0 to 100, weighted to the last 30 days")
    status_level: str = Field(
        description="HIGHLY_ACTIVE >= 80, MODERATELY_ACTIVE >= 60, NORMALLY_ACTIVE >= 50, "
        "LESS_ACTIVE >= 20, ISOLATED below"
    )
    score_updated_at: datetime | None


class ActivityProfile(PublicActivityProfile):
    """The owner's view: also drafts, archived posts and what they viewed."""

    posts_owned: int = Field(description="Every post of the user: POSTED, DRAFT and ARCHIVED")
    posts_draft: int
    posts_archived: int
    views_made: int = Field(description="Counted views of posts by the user")


def reaction_counts(counters: dict[str, int], prefix: str) -> ReactionCounts:
    return ReactionCounts(**{t: counters.get(f"{prefix}:{t}", 0) for t in REACTION_TYPES})


def interest_summary(counters: dict[str, int], *, include_views: bool) -> list[InterestShare]:
    points = {c: counters.get(f"interest:{c}", 0) for c in CATEGORIES}
    if include_views:
        for c in CATEGORIES:
            points[c] += counters.get(f"interest_view:{c}", 0)
    total = sum(points.values())
    ranked = sorted(((p, c) for c, p in points.items() if p > 0), key=lambda x: (-x[0], x[1]))
    return [InterestShare(category=c, points=p, share=round(p / total, 4)) for p, c in ranked]


def public_fields(
    *,
    user_id: uuid.UUID,
    first_name: str,
    last_name: str,
    counters: dict[str, int],
    connections: int,
    score: float,
    score_updated_at: datetime | None,
    include_views: bool,
) -> dict[str, object]:
    c = counters
    return {
        "user_id": user_id,
        "first_name": first_name,
        "last_name": last_name,
        "posts_published": c.get("posts:POSTED", 0),
        "comments_made": c.get("comments_made", 0),
        "comments_received": c.get("comments_received", 0),
        "reactions_made": c.get("reactions_made", 0),
        "reactions_received": c.get("reactions_received", 0),
        "reactions_made_by_type": reaction_counts(c, "reactions_made"),
        "reactions_received_by_type": reaction_counts(c, "reactions_received"),
        "views_received": c.get("views_received", 0),
        "connections": connections,
        "interests": interest_summary(c, include_views=include_views),
        "engagement_score": score,
        "status_level": scoring.level_of(score),
        "score_updated_at": score_updated_at,
    }


def private_fields(counters: dict[str, int]) -> dict[str, int]:
    c = counters
    draft, posted, archived = (c.get(f"posts:{s}", 0) for s in ("DRAFT", "POSTED", "ARCHIVED"))
    return {
        "posts_owned": draft + posted + archived,
        "posts_draft": draft,
        "posts_archived": archived,
        "views_made": c.get("views_made", 0),
    }
