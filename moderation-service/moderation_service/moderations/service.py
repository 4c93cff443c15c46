"""What every domain that changes a case shares: its history entries, the removal request and
loading a case by id. The rules of a case are in ``rules.py``, its statements in
``queries.py``."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from chassis.errors import NotFound
from moderation_service.core.events import EVENTS, outbox
from moderation_service.core.vocabulary import Reason
from moderation_service.moderations import queries
from moderation_service.moderations.models import (
    ActionType,
    ActorType,
    Moderation,
    ModerationAction,
    ModerationStatus,
)


def new_action(
    moderation: Moderation,
    action: ActionType,
    *,
    now: datetime,
    from_status: ModerationStatus | None,
    actor_type: ActorType = ActorType.SYSTEM,
    actor_id: uuid.UUID | None = None,
    reason: Reason | None = None,
    note: str | None = None,
    data: dict[str, Any] | None = None,
) -> ModerationAction:
    """A history entry of the case, to the status it has now."""
    return ModerationAction(
        moderation_id=moderation.id,
        action=action,
        actor_type=actor_type,
        actor_id=actor_id,
        from_status=from_status,
        to_status=moderation.status,
        reason=reason,
        note=note,
        data=data or {},
        created_at=now,
    )


async def record(moderation: Moderation, action: ActionType, **kwargs: Any) -> None:
    """Add one entry to the case's history (``new_action``'s arguments)."""
    await queries.insert_action(new_action(moderation, action, **kwargs))


def removal_event_data(moderation: Moderation) -> dict[str, Any]:
    assert moderation.reason is not None
    return {
        "moderation_id": str(moderation.id),
        "content_type": moderation.content_type.value,
        "content_id": str(moderation.content_id),
        "author_id": str(moderation.author_id),
        "reason": moderation.reason.value,
    }


async def request_removal(
    moderation: Moderation,
    *,
    now: datetime,
    from_status: ModerationStatus | None,
    actor_type: ActorType = ActorType.SYSTEM,
    actor_id: uuid.UUID | None = None,
    note: str | None = None,
) -> None:
    """Ask the owning service to remove the content (``content_removal_requested``), in the
    same transaction as the case's DELETE_REQUESTED, and record it."""
    await outbox.add(EVENTS.content_removal_requested, removal_event_data(moderation))
    await record(
        moderation,
        ActionType.REMOVAL_REQUESTED,
        now=now,
        from_status=from_status,
        actor_type=actor_type,
        actor_id=actor_id,
        reason=moderation.reason,
        note=note,
    )


async def get_case(moderation_id: uuid.UUID) -> Moderation:
    moderation = await queries.find_case(moderation_id)
    if moderation is None:
        raise NotFound("No such moderation case")
    return moderation


async def lock_case_by_id(moderation_id: uuid.UUID) -> Moderation:
    """The case, locked for the transaction; 404 when there is none."""
    moderation = await queries.lock_case_by_id(moderation_id)
    if moderation is None:
        raise NotFound("No such moderation case")
    return moderation
