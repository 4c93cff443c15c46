"""This service's own reading of the events it consumes (schemas in ``contracts/events``).

Tolerant readers: fields this service does not need are ignored, so a compatible addition to
a contract does not break consumption. The tests validate every envelope they feed against
its contract, and these models against the same envelopes.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict

CONTENT_EXCERPT = 140


class EventData(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class UserState(EventData):
    """``user_registered`` and ``user_updated``."""

    user_id: uuid.UUID
    first_name: str
    last_name: str
    interests: list[str]
    role: str
    status: str
    is_verified: bool


class UserDeleted(EventData):
    user_id: uuid.UUID


class ConnectionChange(EventData):
    """``user_connected`` and ``user_disconnected``."""

    user_id: uuid.UUID
    other_user_id: uuid.UUID


class PostState(EventData):
    """``post_created`` and ``post_updated``."""

    post_id: uuid.UUID
    author_id: uuid.UUID
    title: str | None
    categories: list[str]
    status: Literal["DRAFT", "POSTED", "ARCHIVED"]
    created_at: datetime
    updated_at: datetime


class PostDeleted(EventData):
    post_id: uuid.UUID
    author_id: uuid.UUID
    categories: list[str]
    status: Literal["DRAFT", "POSTED", "ARCHIVED"]
    reason: str


class CommentEvent(EventData):
    """``post_comment_created``, ``_updated`` and ``_deleted``."""

    comment_id: uuid.UUID
    post_id: uuid.UUID
    post_author_id: uuid.UUID
    categories: list[str]
    author_id: uuid.UUID
    parent_id: uuid.UUID | None
    content: str | None = None
    created_at: datetime | None = None

    @property
    def excerpt(self) -> str | None:
        if self.content is None:
            return None
        text = " ".join(self.content.split())
        return text if len(text) <= CONTENT_EXCERPT else text[: CONTENT_EXCERPT - 1] + "…"


class ReactionEvent(EventData):
    """``post_reaction_created``, ``_updated`` and ``_deleted``."""

    reaction_id: uuid.UUID
    post_id: uuid.UUID
    post_author_id: uuid.UUID
    categories: list[str]
    user_id: uuid.UUID
    type: Literal["LIKE", "LOVE", "ANGRY", "SAD", "FUNNY", "JOY"]
    created_at: datetime | None = None


class ViewEvent(EventData):
    view_id: uuid.UUID
    post_id: uuid.UUID
    post_author_id: uuid.UUID
    categories: list[str]
    user_id: uuid.UUID
    viewed_at: datetime


class ContentRemoved(EventData):
    moderation_id: uuid.UUID
    content_type: Literal["POST", "COMMENT"]
    content_id: uuid.UUID
    author_id: uuid.UUID
    post_id: uuid.UUID | None
    reason: str
    already_gone: bool
