"""Appeals: the author contests the removal of their content, once, within the appeal window;
the case heads the queue until a moderator grants (``decisions.approve``) or denies
(``decisions.remove``) it.

Anyone but the author gets 404, not 403: a case id reveals nothing to others.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from chassis.errors import Conflict, NotFound
from moderation_service.appeals import queries
from moderation_service.core.context import ModerationContext
from moderation_service.moderations import queries as cases
from moderation_service.moderations.models import (
    ActionType,
    ActorType,
    Appeal,
    AppealStatus,
    Moderation,
    ModerationStatus,
)
from moderation_service.moderations.rules import REMOVAL, refresh_queue
from moderation_service.moderations.service import record

# --- rules (pure) ----------------------------------------------------------------------------


def within_appeal_window(decided_at: datetime, *, now: datetime, window_days: float) -> bool:
    """Whether ``now`` is still within the window that opened with the decision."""
    return now <= decided_at + timedelta(days=window_days)


def check_appealable(
    status: ModerationStatus,
    *,
    already_appealed: bool,
    decided_at: datetime,
    now: datetime,
    window_days: float,
) -> None:
    """Raise the 409 that refuses an appeal of the author's own case, if any."""
    if already_appealed:
        raise Conflict("This decision was already appealed", code="already_appealed")
    if status not in REMOVAL:
        raise Conflict("Only a removal can be appealed", code="not_appealable")
    if not within_appeal_window(decided_at, now=now, window_days=window_days):
        raise Conflict("The time to appeal this decision has passed", code="appeal_window_closed")


# --- appeals ---------------------------------------------------------------------------------


async def appeal(
    ctx: ModerationContext, *, moderation_id: uuid.UUID, user_id: uuid.UUID, note: str
) -> Appeal:
    """The author contests the removal of their content (once, within the window)."""
    moderation = await cases.lock_case_by_id(moderation_id)
    # Anyone but the author learns nothing, not even that the case exists.
    if moderation is None or moderation.author_id != user_id:
        raise NotFound("No such moderation case")
    now = ctx.now()
    check_appealable(
        moderation.status,
        already_appealed=await queries.appeal_exists(moderation.id),
        decided_at=moderation.decided_at,
        now=now,
        window_days=ctx.settings.appeal_window_days,
    )
    created = await queries.insert_appeal(
        moderation_id=moderation.id, author_id=moderation.author_id, note=note, created_at=now
    )
    moderation.appealed = True
    refresh_queue(moderation)
    await cases.save_case(moderation, fields=["appealed", "queued", "updated_at"])
    await record(
        moderation,
        ActionType.APPEALED,
        now=now,
        from_status=moderation.status,
        actor_type=ActorType.USER,
        actor_id=user_id,
    )
    return created


async def resolve_appeal(
    moderation: Moderation, status: AppealStatus, *, moderator_id: uuid.UUID, now: datetime
) -> None:
    """A moderator granted or denied the case's open appeal."""
    await queries.resolve_open_appeal(moderation.id, status=status, at=now, by=moderator_id)
    moderation.appealed = False


async def appeal_of(moderation: Moderation) -> Appeal | None:
    return await queries.find_appeal(moderation.id)


async def forget_appellant(author_id: uuid.UUID) -> set[uuid.UUID]:
    """A deleted account's appeals go; the ids of the cases they were about."""
    return await queries.delete_appeals_by(author_id)
