from __future__ import annotations

from enum import Enum

from tortoise import fields
from tortoise.indexes import Index
from tortoise.models import Model


class ReactionType(str, Enum):
    LIKE = "LIKE"
    LOVE = "LOVE"
    ANGRY = "ANGRY"
    SAD = "SAD"
    FUNNY = "FUNNY"
    JOY = "JOY"


# For scoring (engagement): which reactions count for and against a post.
POSITIVE = (ReactionType.LIKE, ReactionType.LOVE, ReactionType.FUNNY, ReactionType.JOY)
NEGATIVE = (ReactionType.ANGRY, ReactionType.SAD)


class Reaction(Model):
    id = fields.UUIDField(primary_key=True)
    post_id = fields.UUIDField()
    user_id = fields.UUIDField()
    type = fields.CharEnumField(ReactionType, max_length=10)
    created_at = fields.DatetimeField()
    updated_at = fields.DatetimeField()

    class Meta:
        table = "interaction_reaction"
        # One reaction per user and post: the constraint concurrent requests meet.
        unique_together = (("post_id", "user_id"),)
        indexes = (
            Index(fields=("post_id", "created_at", "id")),
            Index(fields=("post_id", "type")),
            Index(fields=("user_id",)),
        )
