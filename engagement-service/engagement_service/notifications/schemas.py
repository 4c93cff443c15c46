from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from engagement_service.notifications.models import Notification, NotificationType
from engagement_service.users.models import User

# How many of a group's actors a notification names.
SHOWN_ACTORS = 3

REASON_TEXT = {
    "OFFENSIVE_CONTENT": "offensive content",
    "NUDITY": "nudity",
    "RULES_VIOLATION": "a violation of the rules",
    "RACISM": "racism",
    "SPAM": "spam",
}


class Actor(BaseModel):
    id: uuid.UUID
    first_name: str
    last_name: str


class NotificationRead(BaseModel):
    id: uuid.UUID
    type: NotificationType
    message: str = Field(description="Ready-to-show text, e.g. 'Ann and 3 others reacted ...'")
    post_id: uuid.UUID | None
    subject_id: uuid.UUID | None = Field(
        description="What it is about: the comment, reaction, moderation case or user"
    )
    actors: list[Actor] = Field(description=f"The most recent actors (at most {SHOWN_ACTORS})")
    actor_count: int
    data: dict[str, Any]
    read: bool
    read_at: datetime | None
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, notification: Notification, users: dict[uuid.UUID, User]) -> NotificationRead:
        actor_ids = [uuid.UUID(a) for a in notification.actor_ids]
        actors = [
            Actor(id=a, first_name=users[a].first_name, last_name=users[a].last_name)
            if a in users
            else Actor(id=a, first_name="", last_name="")
            for a in actor_ids[:SHOWN_ACTORS]
        ]
        return cls(
            id=notification.id,
            type=notification.type,
            message=message_for(notification, actors, len(actor_ids)),
            post_id=notification.post_id,
            subject_id=notification.subject_id,
            actors=actors,
            actor_count=len(actor_ids),
            data=notification.data,
            read=notification.read_at is not None,
            read_at=notification.read_at,
            created_at=notification.created_at,
            updated_at=notification.updated_at,
        )


def _name(actor: Actor) -> str:
    return f"{actor.first_name} {actor.last_name}".strip() or "Someone"


def _who(actors: list[Actor], count: int) -> str:
    if not actors:
        return "Someone"
    if count == 1:
        return _name(actors[0])
    if count == 2 and len(actors) >= 2:
        return f"{_name(actors[0])} and {_name(actors[1])}"
    others = count - 1
    return f"{_name(actors[0])} and {others} other{'s' if others > 1 else ''}"


def message_for(notification: Notification, actors: list[Actor], count: int) -> str:
    kind = notification.type
    who = _who(actors, count)
    if kind == NotificationType.POST_REACTION_RECEIVED:
        return f"{who} reacted to your post"
    if kind == NotificationType.POST_COMMENT_RECEIVED:
        return f"{who} commented on your post"
    if kind == NotificationType.COMMENT_REPLY:
        return f"{who} replied to your comment"
    if kind == NotificationType.USER_CONNECTED:
        return f"{who} connected with you"
    if kind == NotificationType.CONTENT_REMOVED:
        content = "comment" if notification.data.get("content_type") == "COMMENT" else "post"
        reason = REASON_TEXT.get(str(notification.data.get("reason")), "a moderation decision")
        return f"Your {content} was removed for {reason}"
    return str(notification.data.get("message") or kind.value.replace("_", " ").capitalize())


class UnreadCount(BaseModel):
    unread: int


class MarkedRead(BaseModel):
    marked: int = Field(description="How many notifications were unread and are read now")
