"""The notification rules, pure: who is told about what, how reactions group, and what a
disappearing cause takes with it.

- nobody is notified about their own actions (a deleted user is never notified either: the
  service checks that one, it needs the database);
- reactions to one post within the window of the group's first reaction share one unread
  notification, updated in place, its most recent actor first; a removed reaction takes its
  actor out of the unread group, and the group goes when nobody is left;
- a comment on your post notifies you, a reply to your comment notifies you; if both apply to
  the same person (a reply to your own comment on your own post), only the reply does; a reply
  that arrived before the comment it answers notifies that comment's author when it arrives;
- withdrawn while unread when their cause disappears: reactions, comments and replies about a
  deleted post, the notices about a deleted comment, the reactor of a deleted reaction, the
  "connected with you" notices of a removed connection. Content-removed notices stay.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from engagement_service.activity.rules import COMMENT, LIVE, REACTION, Item
from engagement_service.notifications.models import NotificationType

# Delivery events (the SSE ``event:`` field).
NOTIFICATION = "notification"  # new or updated: data is the NotificationRead
REMOVED = "notification_removed"  # withdrawn or deleted: {"id": ...}
READ = "notification_read"  # {"ids": [...]} or {"all": true}
PURGE = "purge"  # internal: the user is gone, drop their stream

# Notifications about other people's activity on a post: withdrawn with the post.
ABOUT_POST = (
    NotificationType.POST_REACTION_RECEIVED,
    NotificationType.POST_COMMENT_RECEIVED,
    NotificationType.COMMENT_REPLY,
)
ABOUT_COMMENT = (NotificationType.POST_COMMENT_RECEIVED, NotificationType.COMMENT_REPLY)

# A comment's text in its notices.
EXCERPT_LENGTH = 140


@dataclass(frozen=True)
class Notice:
    """A notification to create."""

    user_id: uuid.UUID
    type: NotificationType
    actor_id: uuid.UUID | None
    post_id: uuid.UUID | None = None
    subject_id: uuid.UUID | None = None
    data: dict[str, Any] = field(default_factory=dict)


def excerpt(content: str | None) -> str | None:
    """A comment's text on one line, cut to ``EXCERPT_LENGTH`` characters with an ellipsis."""
    if content is None:
        return None
    text = " ".join(content.split())
    return text if len(text) <= EXCERPT_LENGTH else text[: EXCERPT_LENGTH - 1] + "…"


def about_oneself(*, user_id: uuid.UUID, actor_id: uuid.UUID | None) -> bool:
    return actor_id == user_id


# --- comments -------------------------------------------------------------------------------


def comment_notices(comment: Item, *, parent: Item | None, excerpt: str | None) -> list[Notice]:
    """What a comment that now counts tells: its parent's author (if the parent is a live
    comment), and the post's author unless that is the same person."""
    notices = []
    replied_to = None
    if parent is not None and parent.kind == COMMENT and parent.state == LIVE:
        replied_to = parent.actor_id
        notices.append(
            Notice(
                user_id=parent.actor_id,
                type=NotificationType.COMMENT_REPLY,
                actor_id=comment.actor_id,
                post_id=comment.post_id,
                subject_id=comment.item_id,
                data={"excerpt": excerpt, "parent_id": str(comment.parent_id)},
            )
        )
    if comment.owner_id != replied_to:  # the reply notice already tells them
        notices.append(
            Notice(
                user_id=comment.owner_id,
                type=NotificationType.POST_COMMENT_RECEIVED,
                actor_id=comment.actor_id,
                post_id=comment.post_id,
                subject_id=comment.item_id,
                data={"excerpt": excerpt},
            )
        )
    return notices


def early_reply_notices(
    comment: Item, replies: Iterable[Item], *, already_told: set[uuid.UUID]
) -> list[Notice]:
    """Replies that arrived before ``comment`` could not say whom they answered: each tells the
    comment's author now, unless it is their own or they were already told of it
    (``already_told``: the replies they have a notification about). The excerpt is unknown."""
    return [
        Notice(
            user_id=comment.actor_id,
            type=NotificationType.COMMENT_REPLY,
            actor_id=reply.actor_id,
            post_id=reply.post_id,
            subject_id=reply.item_id,
            data={"excerpt": None, "parent_id": str(comment.item_id)},
        )
        for reply in replies
        if reply.actor_id != comment.actor_id and reply.item_id not in already_told
    ]


def content_removed_notice(
    *,
    author_id: uuid.UUID,
    moderation_id: uuid.UUID,
    post_id: uuid.UUID | None,
    content_type: str,
    content_id: uuid.UUID,
    reason: str,
) -> Notice:
    return Notice(
        user_id=author_id,
        type=NotificationType.CONTENT_REMOVED,
        actor_id=None,
        post_id=post_id,
        subject_id=moderation_id,
        data={"content_type": content_type, "content_id": str(content_id), "reason": reason},
    )


# --- reaction groups ------------------------------------------------------------------------


def reaction_group_key(post_id: uuid.UUID) -> str:
    """One unread group per (recipient, post) and window: the key within the recipient's."""
    return f"reactions:{post_id}"


def group_until(reacted_at: datetime, window: timedelta) -> datetime:
    """A group started by a reaction at ``reacted_at`` takes reactions until then."""
    return reacted_at + window


def joined(actor_ids: list[str], actor: str) -> list[str]:
    """The group's actors after ``actor`` reacts: most recent first, each once."""
    return [actor, *(a for a in actor_ids if a != actor)]


def reactors_leaving(items: Iterable[Item]) -> dict[tuple[uuid.UUID, str], set[str]]:
    """Uncounted reactions by others: per (recipient, group key), the actors who leave."""
    leaving: defaultdict[tuple[uuid.UUID, str], set[str]] = defaultdict(set)
    for item in items:
        if item.kind == REACTION and item.actor_id != item.owner_id:
            leaving[(item.owner_id, reaction_group_key(item.post_id))].add(str(item.actor_id))
    return dict(leaving)


def without(actor_ids: list[str], gone: set[str]) -> list[str] | None:
    """The group's actors once ``gone`` leave; None when none of them was in it (nothing
    changes). An empty list means the group goes."""
    if not gone.intersection(actor_ids):
        return None
    return [a for a in actor_ids if a not in gone]


def withdrawn_comments(items: Iterable[Item]) -> list[uuid.UUID]:
    """Uncounted comments: the unread notices about them are withdrawn."""
    return [i.item_id for i in items if i.kind == COMMENT]
