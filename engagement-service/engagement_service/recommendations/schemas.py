from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, Field

from engagement_service.recommendations.rules import (
    PersonCandidate,
    PostCandidate,
    connection_reasons,
    post_reasons,
)


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
        return cls(
            user=RecommendedUser(
                id=person.id,
                first_name=person.first_name,
                last_name=person.last_name,
                interests=person.interests,
            ),
            mutual_connections=person.mutual,
            shared_interests=person.shared,
            reasons=connection_reasons(person),
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
            reasons=post_reasons(post, affinity),
        )
