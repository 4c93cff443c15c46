"""Every statement on notifications (``engagement_notification``) and on the delivery queue
(``engagement_delivery``), the delivery relay's included."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from tortoise import connections
from tortoise.transactions import in_transaction

from chassis.pagination import PageParams, keyset_page
from engagement_service.notifications.models import Delivery, Notification, NotificationType

# The NOTIFY channel that wakes the delivery relay, and the name of its advisory lock.
DELIVERY_CHANNEL = "engagement_delivery"


def _conn() -> Any:
    return connections.get("default")


def _removed(rows: list[dict[str, Any]]) -> list[tuple[uuid.UUID, uuid.UUID]]:
    return [(row["user_id"], row["id"]) for row in rows]


# --- the delivery queue ---------------------------------------------------------------------


async def insert_delivery(user_id: uuid.UUID, event: str, payload: dict[str, Any]) -> None:
    """Queue a message for the user's live stream, and wake the relay at commit (Postgres
    delivers the NOTIFY then, and only then)."""
    await Delivery.create(user_id=user_id, event=event, payload=payload)
    await _conn().execute_query("SELECT pg_notify($1, '')", [DELIVERY_CHANNEL])


async def delete_deliveries_to(user_id: uuid.UUID) -> None:
    await Delivery.filter(user_id=user_id).delete()


def relay_transaction() -> Any:
    """The delivery relay's own transaction: a batch is taken, XADDed and deleted in it."""
    return in_transaction()


async def take_relay_turn() -> bool:
    """The relays' advisory lock for this transaction, if no other relay holds it (one relay
    publishes at a time, so each user's entries keep their order)."""
    turn = await _conn().execute_query_dict(
        "SELECT pg_try_advisory_xact_lock(hashtextextended($1, 0)) AS ok", [DELIVERY_CHANNEL]
    )
    return bool(turn[0]["ok"])


async def oldest_deliveries(limit: int) -> list[dict[str, Any]]:
    """The oldest queued messages: id, user_id, event, payload."""
    rows: list[dict[str, Any]] = await _conn().execute_query_dict(
        "SELECT id, user_id, event, payload FROM engagement_delivery ORDER BY id LIMIT $1",
        [limit],
    )
    return rows


async def delete_deliveries(ids: list[int]) -> None:
    await _conn().execute_query(
        "DELETE FROM engagement_delivery WHERE id = ANY($1::bigint[])", [ids]
    )


# --- notifications --------------------------------------------------------------------------


async def insert_notification(
    *,
    user_id: uuid.UUID,
    type: NotificationType,
    actor_ids: list[str],
    now: datetime,
    post_id: uuid.UUID | None = None,
    subject_id: uuid.UUID | None = None,
    data: dict[str, Any] | None = None,
    group_key: str | None = None,
    group_until: datetime | None = None,
) -> Notification:
    return await Notification.create(
        id=uuid.uuid4(),
        user_id=user_id,
        type=type,
        post_id=post_id,
        subject_id=subject_id,
        actor_ids=actor_ids,
        group_key=group_key,
        group_until=group_until,
        data=data or {},
        created_at=now,
        updated_at=now,
    )


async def lock_group_key(user_id: uuid.UUID, key: str) -> None:
    """Serialise the writers of one recipient's group (even before the group exists)."""
    await _conn().execute_query(
        "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", [f"notify:{user_id}:{key}"]
    )


async def lock_open_group(
    user_id: uuid.UUID, key: str, *, taking_until: datetime
) -> Notification | None:
    """The recipient's newest unread group of ``key`` still taking reactions at
    ``taking_until``, held ``FOR UPDATE``."""
    return (
        await Notification.filter(
            user_id=user_id, group_key=key, read_at__isnull=True, group_until__gt=taking_until
        )
        .order_by("-created_at")
        .select_for_update()
        .first()
    )


async def lock_unread_groups(user_ids: list[uuid.UUID], keys: list[str]) -> list[Notification]:
    """The unread groups of these recipients and keys, held ``FOR UPDATE`` in id order."""
    return list(
        await Notification.filter(user_id__in=user_ids, group_key__in=keys, read_at__isnull=True)
        .order_by("id")
        .select_for_update()
    )


async def save_fields(notification: Notification, *, fields: Sequence[str]) -> None:
    """Store the changed ``fields`` of a notification (actors, data, updated_at, read_at)."""
    await notification.save(update_fields=list(fields))


async def delete_notifications(ids: list[uuid.UUID]) -> None:
    await Notification.filter(id__in=ids).delete()


async def delete_notifications_to(user_id: uuid.UUID) -> None:
    await Notification.filter(user_id=user_id).delete()


async def delete_unread_about_post(
    post_id: uuid.UUID, types: Sequence[NotificationType]
) -> list[tuple[uuid.UUID, uuid.UUID]]:
    """Delete the post's unread notifications of these types; (recipient, id) of each."""
    rows = await _conn().execute_query_dict(
        "DELETE FROM engagement_notification WHERE post_id = $1 AND read_at IS NULL "
        "AND type = ANY($2::text[]) RETURNING id, user_id",
        [post_id, [t.value for t in types]],
    )
    return _removed(rows)


async def delete_unread_about_subjects(
    subject_ids: list[uuid.UUID], types: Sequence[NotificationType]
) -> list[tuple[uuid.UUID, uuid.UUID]]:
    """Delete the unread notifications of these types about these subjects."""
    rows = await _conn().execute_query_dict(
        "DELETE FROM engagement_notification WHERE subject_id = ANY($1::uuid[]) "
        "AND read_at IS NULL AND type = ANY($2::text[]) RETURNING id, user_id",
        [subject_ids, [t.value for t in types]],
    )
    return _removed(rows)


async def delete_unread_connected_between(
    user_id: uuid.UUID, other_id: uuid.UUID
) -> list[tuple[uuid.UUID, uuid.UUID]]:
    """Delete the unread "connected with you" notices either of the two got about the other."""
    rows = await _conn().execute_query_dict(
        "DELETE FROM engagement_notification WHERE type = $1 AND read_at IS NULL "
        "AND ((user_id = $2 AND subject_id = $3) OR (user_id = $3 AND subject_id = $2)) "
        "RETURNING id, user_id",
        [NotificationType.USER_CONNECTED.value, user_id, other_id],
    )
    return _removed(rows)


async def delete_unread_connected_with(user_id: uuid.UUID) -> list[tuple[uuid.UUID, uuid.UUID]]:
    """Delete the unread "connected with you" notices about this user, whoever got them."""
    rows = await _conn().execute_query_dict(
        "DELETE FROM engagement_notification WHERE type = $1 AND read_at IS NULL "
        "AND subject_id = $2 RETURNING id, user_id",
        [NotificationType.USER_CONNECTED.value, user_id],
    )
    return _removed(rows)


async def exists_about(*, user_id: uuid.UUID, subject_id: uuid.UUID) -> bool:
    return await Notification.filter(user_id=user_id, subject_id=subject_id).exists()


async def subjects_notified(user_id: uuid.UUID, subject_ids: list[uuid.UUID]) -> set[uuid.UUID]:
    """Which of these subjects the user has a notification about."""
    if not subject_ids:
        return set()
    found = await Notification.filter(user_id=user_id, subject_id__in=subject_ids).only(
        "id", "subject_id"
    )
    return {n.subject_id for n in found if n.subject_id is not None}


async def lock_unread_about_subject(
    subject_id: uuid.UUID, types: Sequence[NotificationType]
) -> list[Notification]:
    return list(
        await Notification.filter(
            subject_id=subject_id, read_at__isnull=True, type__in=list(types)
        ).select_for_update()
    )


# --- the recipient's --------------------------------------------------------------------------


async def page_notifications(
    user_id: uuid.UUID, *, unread: bool | None, page: PageParams
) -> tuple[list[Notification], str | None]:
    """The recipient's notifications (all, unread or read), most recently updated first."""
    query = Notification.filter(user_id=user_id)
    if unread is True:
        query = query.filter(read_at__isnull=True)
    elif unread is False:
        query = query.filter(read_at__isnull=False)
    return await keyset_page(query, page, order_by=("-updated_at", "-id"))


async def count_unread(user_id: uuid.UUID) -> int:
    return await Notification.filter(user_id=user_id, read_at__isnull=True).count()


async def lock_own(user_id: uuid.UUID, notification_id: uuid.UUID) -> Notification | None:
    """The recipient's notification, held ``FOR UPDATE``; None for a missing one or
    someone else's."""
    return (
        await Notification.filter(id=notification_id, user_id=user_id).select_for_update().first()
    )


async def mark_all_read(user_id: uuid.UUID, *, at: datetime) -> int:
    """Mark every unread notification of the recipient read; how many."""
    marked = await Notification.filter(user_id=user_id, read_at__isnull=True).update(read_at=at)
    return int(marked)


async def delete_notification(notification: Notification) -> None:
    await notification.delete()
