from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel

from chassis.schemas import RequestModel
from interaction_service.reactions.models import Reaction, ReactionType
from interaction_service.users.schemas import Author


class ReactionSet(RequestModel):
    type: ReactionType


class ReactionRead(BaseModel):
    id: uuid.UUID
    post_id: uuid.UUID
    user: Author
    type: ReactionType
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, reaction: Reaction, *, display_name: str | None) -> ReactionRead:
        return cls(
            id=reaction.id,
            post_id=reaction.post_id,
            user=Author(id=reaction.user_id, display_name=display_name),
            type=reaction.type,
            created_at=reaction.created_at,
            updated_at=reaction.updated_at,
        )


class ReactionSummary(BaseModel):
    post_id: uuid.UUID
    counts: dict[ReactionType, int]
    total: int
    positive: int
    negative: int
    mine: ReactionType | None


class ReactionTypes(BaseModel):
    types: list[ReactionType]
    positive: list[ReactionType]
    negative: list[ReactionType]
