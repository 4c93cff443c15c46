"""Notifications: created from events, read and managed by their recipient.

Runs inside the caller's transaction. Every change a recipient should see live (a new or
grown notification, a withdrawn one, a read mark) is also queued as a ``Delivery`` row in the
same transaction; the delivery relay puts it on the user's Redis stream after commit.

Rules:
- nobody is notified about their own actions, and a deleted user is never notified;
- reactions to one post within ``reaction_group_window_seconds`` of the group's first
  reaction share one unread notification, updated in place; a removed reaction takes its
  actor out of the unread group (and the group goes when nobody is left);
- a comment on your post notifies you, a reply to your comment notifies you; if both apply to
  the same person (a reply to your own comment on your own post), only the reply does;
- withdrawn (deleted) when their cause disappears, while still unread: the post is deleted
  (reactions, comments and replies about it), the comment is deleted, the connection is
  removed. What was read stays as history. Content-removed notices are never withdrawn.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from tortoise import connections

from chassis.errors import NotFound
from chassis.pagination import PageParams, keyset_page
from engagement_service.activity.service import COMMENT, REACTION, Item
from engagement_service.notifications.models import Delivery, Notification, NotificationType
from engagement_service.notifications.schemas import NotificationRead
from engagement_service.users.service import is_deleted, users_by_id

DELIVERY_CHANNEL = "engagement_delivery"

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


def _conn() -> Any:
    return connections.get("default")


def not_found() -> NotFound:
    return NotFound("Notification not found", code="notification_not_found")


# --- delivery queue -------------------------------------------------------------------------


async def enqueue(user_id: uuid.UUID, event: str, payload: dict[str, Any]) -> None:
    await Delivery.create(user_id=user_id, event=event, payload=payload)
    # Postgres delivers the NOTIFY at commit only: the relay wakes right after it.
    await _conn().execute_query("SELECT pg_notify($1, '')", [DELIVERY_CHANNEL])


async def read_models(notifications: list[Notification]) -> list[NotificationRead]:
    actor_ids = {uuid.UUID(a) for n in notifications for a in n.actor_ids[:3]}
    users = await users_by_id(actor_ids)
    return [NotificationRead.of(n, users) for n in notifications]


async def _deliver(notifications: list[Notification]) -> None:
    for model in await read_models(notifications):
        n = next(x for x in notifications if x.id == model.id)
        await enqueue(n.user_id, NOTIFICATION, model.model_dump(mode="json"))


async def _removed(rows: Iterable[tuple[uuid.UUID, uuid.UUID]]) -> None:
    """Tell each recipient (user_id, notification_id) the notification is gone."""
    for user_id, notification_id in rows:
        await enqueue(user_id, REMOVED, {"id": str(notification_id)})


# --- creation -------------------------------------------------------------------------------


async def notify(
    *,
    user_id: uuid.UUID,
    type: NotificationType,
    actor_id: uuid.UUID | None,
    now: datetime,
    post_id: uuid.UUID | None = None,
    subject_id: uuid.UUID | None = None,
    data: dict[str, Any] | None = None,
) -> Notification | None:
    """Create one notification (none for one's own action or a deleted recipient)."""
    if actor_id == user_id or await is_deleted(user_id):
        return None
    notification = await Notification.create(
        id=uuid.uuid4(),
        user_id=user_id,
        type=type,
        post_id=post_id,
        subject_id=subject_id,
        actor_ids=[str(actor_id)] if actor_id else [],
        data=data or {},
        created_at=now,
        updated_at=now,
    )
    await _deliver([notification])
    return notification


async def notify_reaction(
    *,
    owner_id: uuid.UUID,
    actor_id: uuid.UUID,
    post_id: uuid.UUID,
    reaction_type: str | None,
    reacted_at: datetime,
    window: timedelta,
    now: datetime,
) -> Notification | None:
    """Join the post's unread reaction group of the current window, or start one."""
    if actor_id == owner_id or await is_deleted(owner_id):
        return None
    key = f"reactions:{post_id}"
    # One group per (recipient, post) and window, even with several consumers at once.
    await _conn().execute_query(
        "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", [f"notify:{owner_id}:{key}"]
    )
    group = (
        await Notification.filter(
            user_id=owner_id, group_key=key, read_at__isnull=True, group_until__gt=reacted_at
        )
        .order_by("-created_at")
        .select_for_update()
        .first()
    )
    actor = str(actor_id)
    if group is None:
        group = await Notification.create(
            id=uuid.uuid4(),
            user_id=owner_id,
            type=NotificationType.POST_REACTION_RECEIVED,
            post_id=post_id,
            actor_ids=[actor],
            group_key=key,
            group_until=reacted_at + window,
            data={"reaction_type": reaction_type},
            created_at=now,
            updated_at=now,
        )
    else:
        group.actor_ids = [actor, *(a for a in group.actor_ids if a != actor)]
        group.data = {**group.data, "reaction_type": reaction_type}
        group.updated_at = now
        await group.save(update_fields=["actor_ids", "data", "updated_at"])
    await _deliver([group])
    return group


# --- withdrawal -----------------------------------------------------------------------------


async def withdraw_about_post(post_id: uuid.UUID) -> int:
    """The post is gone: its unread reaction, comment and reply notifications go too."""
    rows = await _conn().execute_query_dict(
        "DELETE FROM engagement_notification WHERE post_id = $1 AND read_at IS NULL "
        "AND type = ANY($2::text[]) RETURNING id, user_id",
        [post_id, [t.value for t in ABOUT_POST]],
    )
    await _removed((row["user_id"], row["id"]) for row in rows)
    return len(rows)


async def withdraw_for_items(items: list[Item], *, now: datetime) -> None:
    """Items stopped counting: withdraw what they caused, if still unread."""
    comments = [i.item_id for i in items if i.kind == COMMENT]
    if comments:
        rows = await _conn().execute_query_dict(
            "DELETE FROM engagement_notification WHERE subject_id = ANY($1::uuid[]) "
            "AND read_at IS NULL AND type = ANY($2::text[]) RETURNING id, user_id",
            [comments, [t.value for t in ABOUT_COMMENT]],
        )
        await _removed((row["user_id"], row["id"]) for row in rows)
    reactions = [i for i in items if i.kind == REACTION and i.actor_id != i.owner_id]
    if reactions:
        await _remove_reactors(reactions, now=now)


async def _remove_reactors(reactions: list[Item], *, now: datetime) -> None:
    leaving: defaultdict[tuple[uuid.UUID, str], set[str]] = defaultdict(set)
    for item in reactions:
        leaving[(item.owner_id, f"reactions:{item.post_id}")].add(str(item.actor_id))
    owners = [owner for owner, _ in leaving]
    keys = [key for _, key in leaving]
    groups = (
        await Notification.filter(user_id__in=owners, group_key__in=keys, read_at__isnull=True)
        .order_by("id")
        .select_for_update()
    )
    changed, emptied = [], []
    for group in groups:
        gone = leaving.get((group.user_id, group.group_key or ""), set())
        if not gone.intersection(group.actor_ids):
            continue
        group.actor_ids = [a for a in group.actor_ids if a not in gone]
        if group.actor_ids:
            group.updated_at = now
            await group.save(update_fields=["actor_ids", "updated_at"])
            changed.append(group)
        else:
            emptied.append(group)
    if emptied:
        await Notification.filter(id__in=[g.id for g in emptied]).delete()
        await _removed((g.user_id, g.id) for g in emptied)
    if changed:
        await _deliver(changed)


async def withdraw_connection(*, user_id: uuid.UUID, other_id: uuid.UUID) -> None:
    """The two are no longer connected: unread "connected with you" notices between them go."""
    rows = await _conn().execute_query_dict(
        "DELETE FROM engagement_notification WHERE type = $1 AND read_at IS NULL "
        "AND ((user_id = $2 AND subject_id = $3) OR (user_id = $3 AND subject_id = $2)) "
        "RETURNING id, user_id",
        [NotificationType.USER_CONNECTED.value, user_id, other_id],
    )
    await _removed((row["user_id"], row["id"]) for row in rows)


async def forget_recipient(user_id: uuid.UUID) -> None:
    """The user is gone: their notifications, pending deliveries and live stream."""
    await Notification.filter(user_id=user_id).delete()
    await Delivery.filter(user_id=user_id).delete()
    await enqueue(user_id, PURGE, {})


async def withdraw_from(user_id: uuid.UUID) -> None:
    """The user is gone: unread "connected with you" notices they caused go too."""
    rows = await _conn().execute_query_dict(
        "DELETE FROM engagement_notification WHERE type = $1 AND read_at IS NULL "
        "AND subject_id = $2 RETURNING id, user_id",
        [NotificationType.USER_CONNECTED.value, user_id],
    )
    await _removed((row["user_id"], row["id"]) for row in rows)


async def exists_about(*, user_id: uuid.UUID, subject_id: uuid.UUID) -> bool:
    return await Notification.filter(user_id=user_id, subject_id=subject_id).exists()


async def update_comment_excerpt(*, comment_id: uuid.UUID, excerpt: str) -> None:
    """An edited comment: unread notices about it show the new text."""
    notifications = await Notification.filter(
        subject_id=comment_id, read_at__isnull=True, type__in=list(ABOUT_COMMENT)
    ).select_for_update()
    for n in notifications:
        n.data = {**n.data, "excerpt": excerpt}
        await n.save(update_fields=["data"])
    if notifications:
        await _deliver(list(notifications))


# --- the recipient's API --------------------------------------------------------------------


async def list_notifications(
    user_id: uuid.UUID, *, unread: bool | None, page: PageParams
) -> tuple[list[Notification], str | None]:
    query = Notification.filter(user_id=user_id)
    if unread is True:
        query = query.filter(read_at__isnull=True)
    elif unread is False:
        query = query.filter(read_at__isnull=False)
    return await keyset_page(query, page, order_by=("-updated_at", "-id"))


async def unread_count(user_id: uuid.UUID) -> int:
    return await Notification.filter(user_id=user_id, read_at__isnull=True).count()


async def get_own(user_id: uuid.UUID, notification_id: uuid.UUID) -> Notification:
    """The caller's notification; someone else's is indistinguishable from a missing one."""
    found = (
        await Notification.filter(id=notification_id, user_id=user_id).select_for_update().first()
    )
    if found is None:
        raise not_found()
    return found


async def mark_read(
    user_id: uuid.UUID, notification_id: uuid.UUID, *, now: datetime
) -> Notification:
    notification = await get_own(user_id, notification_id)
    if notification.read_at is None:
        notification.read_at = now
        await notification.save(update_fields=["read_at"])
        await enqueue(user_id, READ, {"ids": [str(notification.id)]})
    return notification


async def mark_all_read(user_id: uuid.UUID, *, now: datetime) -> int:
    marked = await Notification.filter(user_id=user_id, read_at__isnull=True).update(read_at=now)
    if marked:
        await enqueue(user_id, READ, {"all": True, "at": now.isoformat()})
    return int(marked)


async def delete_notification(user_id: uuid.UUID, notification_id: uuid.UUID) -> None:
    notification = await get_own(user_id, notification_id)
    await notification.delete()
    await enqueue(user_id, REMOVED, {"id": str(notification_id)})
