from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, Field

from engagement_service.recommendations.service import PersonCandidate, PostCandidate


class RecommendedUser(BaseModel):
    id: uuid.UUID
    first_name: str
    last_name: str
    interests: list[str]


class ConnectionRecommendation(BaseModel):
    user: RecommendedUser
    mutual_connections: int
    shared_interests: int
    reasons: list[str] = Field(description='Why, e.g. "4 mutual connections"')

    @classmethod
    def of(cls, person: PersonCandidate) -> ConnectionRecommendation:
        reasons = [f"{person.mutual} mutual connection{'s' if person.mutual != 1 else ''}"]
        if person.shared:
            reasons.append(f"{person.shared} shared interest{'s' if person.shared != 1 else ''}")
        return cls(
            user=RecommendedUser(
                id=person.id,
                first_name=person.first_name,
                last_name=person.last_name,
                interests=person.interests,
            ),
            mutual_connections=person.mutual,
            shared_interests=person.shared,
            reasons=reasons,
        )


class PostRecommendation(BaseModel):
    post_id: uuid.UUID
    author_id: uuid.UUID
    title: str | None
    categories: list[str]
    published_at: datetime | None
    reactions: int
    comments: int
    views: int
    rank: float = Field(description="0.5 match + 0.3 popularity + 0.2 freshness, 0 to 1")
    match: float
    popularity: float
    freshness: float
    reasons: list[str]

    @classmethod
    def of(cls, post: PostCandidate, affinity: dict[str, float]) -> PostRecommendation:
        reasons = []
        matched = sorted((c for c in post.categories if c in affinity), key=lambda c: -affinity[c])
        if matched:
            reasons.append("matches your interest in " + ", ".join(matched))
        if post.popularity >= 0.5:
            reasons.append(f"popular: {post.reactions} reactions, {post.comments} comments")
        if post.freshness >= 0.7:
            reasons.append("new")
        return cls(
            post_id=post.id,
            author_id=post.author_id,
            title=post.title,
            categories=post.categories,
            published_at=post.published_at,
            reactions=post.reactions,
            comments=post.comments,
            views=post.views,
            rank=round(post.rank, 6),
            match=round(post.match, 6),
            popularity=round(post.popularity, 6),
            freshness=round(post.freshness, 6),
            reasons=reasons,
        )
