"""Notifications: created from events, read and managed by their recipient.

Runs inside the caller's transaction. Every change a recipient should see live (a new or
grown notification, a withdrawn one, a read mark) is also queued as a ``Delivery`` row in the
same transaction; the delivery relay (``delivery.py``) puts it on the user's Redis stream after
commit. The rules (who is told, grouping, withdrawal) are in ``rules.py``.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime, timedelta

from chassis.errors import NotFound
from chassis.pagination import PageParams
from engagement_service.activity import items as activity
from engagement_service.activity.rules import Item
from engagement_service.notifications import queries, rules
from engagement_service.notifications.models import Notification, NotificationType
from engagement_service.notifications.rules import (
    ABOUT_COMMENT,
    ABOUT_POST,
    NOTIFICATION,
    PURGE,
    READ,
    REMOVED,
    Notice,
)
from engagement_service.notifications.schemas import NotificationRead
from engagement_service.users import service as users


def not_found() -> NotFound:
    return NotFound("Notification not found", code="notification_not_found")


# --- delivery queue -------------------------------------------------------------------------


async def read_models(notifications: list[Notification]) -> list[NotificationRead]:
    actor_ids = {uuid.UUID(a) for n in notifications for a in n.actor_ids[:3]}
    people = await users.users_by_id(actor_ids)
    return [NotificationRead.of(n, people) for n in notifications]


async def _deliver(notifications: list[Notification]) -> None:
    for model in await read_models(notifications):
        n = next(x for x in notifications if x.id == model.id)
        await queries.insert_delivery(n.user_id, NOTIFICATION, model.model_dump(mode="json"))


async def _removed(rows: Iterable[tuple[uuid.UUID, uuid.UUID]]) -> None:
    """Tell each recipient (user_id, notification_id) the notification is gone."""
    for user_id, notification_id in rows:
        await queries.insert_delivery(user_id, REMOVED, {"id": str(notification_id)})


# --- creation -------------------------------------------------------------------------------


async def notify(notice: Notice, *, now: datetime) -> Notification | None:
    """Create one notification (none for one's own action or a deleted recipient)."""
    if rules.about_oneself(user_id=notice.user_id, actor_id=notice.actor_id):
        return None
    if await users.is_deleted(notice.user_id):
        return None
    notification = await queries.insert_notification(
        user_id=notice.user_id,
        type=notice.type,
        post_id=notice.post_id,
        subject_id=notice.subject_id,
        actor_ids=[str(notice.actor_id)] if notice.actor_id else [],
        data=notice.data,
        now=now,
    )
    await _deliver([notification])
    return notification


async def notify_connected(*, user_id: uuid.UUID, other_id: uuid.UUID, now: datetime) -> None:
    """``user_id`` connected with ``other_id``: the other one is told."""
    await notify(
        Notice(
            user_id=other_id,
            type=NotificationType.USER_CONNECTED,
            actor_id=user_id,
            subject_id=user_id,
        ),
        now=now,
    )


async def notify_comment(comment: Item, *, content: str | None, now: datetime) -> None:
    """A comment that counts now: its parent's and its post's authors are told, and the
    replies that arrived before it tell its author."""
    excerpt = rules.excerpt(content)
    parent = await activity.get_item(comment.parent_id) if comment.parent_id else None
    for notice in rules.comment_notices(comment, parent=parent, excerpt=excerpt):
        await notify(notice, now=now)
    replies = await activity.live_replies_to(comment.item_id)
    told = await queries.subjects_notified(comment.actor_id, [r.item_id for r in replies])
    for notice in rules.early_reply_notices(comment, replies, already_told=told):
        await notify(notice, now=now)


async def notify_reaction(reaction: Item, *, window: timedelta, now: datetime) -> None:
    """Join the post's unread reaction group of the current window, or start one."""
    owner_id = reaction.owner_id
    if rules.about_oneself(user_id=owner_id, actor_id=reaction.actor_id):
        return
    if await users.is_deleted(owner_id):
        return
    key = rules.reaction_group_key(reaction.post_id)
    # One group per (recipient, post) and window, even with several consumers at once.
    await queries.lock_group_key(owner_id, key)
    group = await queries.lock_open_group(owner_id, key, taking_until=reaction.occurred_at)
    actor = str(reaction.actor_id)
    if group is None:
        group = await queries.insert_notification(
            user_id=owner_id,
            type=NotificationType.POST_REACTION_RECEIVED,
            post_id=reaction.post_id,
            actor_ids=[actor],
            group_key=key,
            group_until=rules.group_until(reaction.occurred_at, window),
            data={"reaction_type": reaction.type},
            now=now,
        )
    else:
        group.actor_ids = rules.joined(group.actor_ids, actor)
        group.data = {**group.data, "reaction_type": reaction.type}
        group.updated_at = now
        await queries.save_fields(group, fields=("actor_ids", "data", "updated_at"))
    await _deliver([group])


async def notify_content_removed(
    *,
    author_id: uuid.UUID,
    moderation_id: uuid.UUID,
    post_id: uuid.UUID | None,
    content_type: str,
    content_id: uuid.UUID,
    reason: str,
    already_gone: bool,
    now: datetime,
) -> None:
    """Tell the author their content was removed, and why (once per moderation case).

    Content that was already gone (deleted by its author, or with its post) is not announced:
    there is nothing left for the author to look at."""
    if already_gone or await queries.exists_about(user_id=author_id, subject_id=moderation_id):
        return
    notice = rules.content_removed_notice(
        author_id=author_id,
        moderation_id=moderation_id,
        post_id=post_id,
        content_type=content_type,
        content_id=content_id,
        reason=reason,
    )
    await notify(notice, now=now)


async def refresh_comment_excerpt(*, comment_id: uuid.UUID, content: str | None) -> None:
    """An edited comment: unread notices about it show the new text."""
    excerpt = rules.excerpt(content)
    if excerpt is None:
        return
    notifications = await queries.lock_unread_about_subject(comment_id, ABOUT_COMMENT)
    for n in notifications:
        n.data = {**n.data, "excerpt": excerpt}
        await queries.save_fields(n, fields=("data",))
    if notifications:
        await _deliver(notifications)


# --- withdrawal -----------------------------------------------------------------------------


async def withdraw_about_post(post_id: uuid.UUID) -> None:
    """The post is gone: its unread reaction, comment and reply notifications go too."""
    await _removed(await queries.delete_unread_about_post(post_id, ABOUT_POST))


async def withdraw_for_items(items: list[Item], *, now: datetime) -> None:
    """Items stopped counting: withdraw what they caused, if still unread."""
    comments = rules.withdrawn_comments(items)
    if comments:
        await _removed(await queries.delete_unread_about_subjects(comments, ABOUT_COMMENT))
    leaving = rules.reactors_leaving(items)
    if leaving:
        await _remove_reactors(leaving, now=now)


async def _remove_reactors(
    leaving: dict[tuple[uuid.UUID, str], set[str]], *, now: datetime
) -> None:
    groups = await queries.lock_unread_groups(
        [owner for owner, _ in leaving], [key for _, key in leaving]
    )
    changed, emptied = [], []
    for group in groups:
        gone = leaving.get((group.user_id, group.group_key or ""), set())
        remaining = rules.without(group.actor_ids, gone)
        if remaining is None:
            continue
        group.actor_ids = remaining
        if remaining:
            group.updated_at = now
            await queries.save_fields(group, fields=("actor_ids", "updated_at"))
            changed.append(group)
        else:
            emptied.append(group)
    if emptied:
        await queries.delete_notifications([g.id for g in emptied])
        await _removed((g.user_id, g.id) for g in emptied)
    if changed:
        await _deliver(changed)


async def withdraw_connection(*, user_id: uuid.UUID, other_id: uuid.UUID) -> None:
    """The two are no longer connected: unread "connected with you" notices between them go."""
    await _removed(await queries.delete_unread_connected_between(user_id, other_id))


async def forget_user(user_id: uuid.UUID) -> None:
    """The user is gone: their notifications, pending deliveries and live stream, and the
    unread "connected with you" notices they caused."""
    await queries.delete_notifications_to(user_id)
    await queries.delete_deliveries_to(user_id)
    await queries.insert_delivery(user_id, PURGE, {})
    await _removed(await queries.delete_unread_connected_with(user_id))


# --- the recipient's API --------------------------------------------------------------------


async def list_notifications(
    user_id: uuid.UUID, *, unread: bool | None, page: PageParams
) -> tuple[list[NotificationRead], str | None]:
    rows, cursor = await queries.page_notifications(user_id, unread=unread, page=page)
    return await read_models(rows), cursor


async def unread_count(user_id: uuid.UUID) -> int:
    return await queries.count_unread(user_id)


async def _get_own(user_id: uuid.UUID, notification_id: uuid.UUID) -> Notification:
    """The caller's notification; someone else's is indistinguishable from a missing one."""
    found = await queries.lock_own(user_id, notification_id)
    if found is None:
        raise not_found()
    return found


async def mark_read(
    user_id: uuid.UUID, notification_id: uuid.UUID, *, now: datetime
) -> NotificationRead:
    notification = await _get_own(user_id, notification_id)
    if notification.read_at is None:
        notification.read_at = now
        await queries.save_fields(notification, fields=("read_at",))
        await queries.insert_delivery(user_id, READ, {"ids": [str(notification.id)]})
    return (await read_models([notification]))[0]


async def mark_all_read(user_id: uuid.UUID, *, now: datetime) -> int:
    marked = await queries.mark_all_read(user_id, at=now)
    if marked:
        await queries.insert_delivery(user_id, READ, {"all": True, "at": now.isoformat()})
    return marked


async def delete_notification(user_id: uuid.UUID, notification_id: uuid.UUID) -> None:
    notification = await _get_own(user_id, notification_id)
    await queries.delete_notification(notification)
    await queries.insert_delivery(user_id, REMOVED, {"id": str(notification_id)})
