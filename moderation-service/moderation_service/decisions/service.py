"""The moderators' decisions on a case: approve or remove, which also decide an open appeal.

- Approve: PENDING_REVIEW -> APPROVED, or APPROVED with unreviewed reports (dismisses them), or
  grant an appeal (the case becomes APPROVED, the removal is recorded as overturned; the content
  stays removed). A pending removal's appeal waits for the confirmation.
- Remove: APPROVED or PENDING_REVIEW -> DELETE_REQUESTED with the moderator's reason and the
  same ``content_removal_requested`` as an automatic removal, or deny an appeal (the status
  stays, no new event).
- Anything else is a 409 (``invalid_transition``); deleted content cannot be decided
  (``content_gone``).
"""

from __future__ import annotations

import uuid

from chassis.errors import Conflict
from moderation_service.appeals.service import resolve_appeal
from moderation_service.core.context import ModerationContext
from moderation_service.core.vocabulary import Reason
from moderation_service.moderations import queries as cases
from moderation_service.moderations.models import (
    ActionType,
    ActorType,
    AppealStatus,
    Moderation,
    ModerationStatus,
)
from moderation_service.moderations.rules import REMOVAL, refresh_queue
from moderation_service.moderations.service import lock_case_by_id, record, request_removal

OVERTURNED = "Removal overturned; the removed content is not restored automatically."

# --- rules (pure) ----------------------------------------------------------------------------


def approval(moderation: Moderation) -> ActionType:
    """What a moderator's approve does to the case: grant its appeal or approve it; raises the
    409 that refuses it."""
    status = moderation.status
    if moderation.appealed:
        if status == ModerationStatus.DELETE_REQUESTED:
            raise Conflict(
                "The removal is still in progress; decide the appeal once it is confirmed",
                code="removal_in_progress",
            )
        return ActionType.APPEAL_GRANTED
    if moderation.content_deleted_at is not None:
        raise Conflict("The content no longer exists", code="content_gone")
    if status == ModerationStatus.PENDING_REVIEW or (
        status == ModerationStatus.APPROVED and moderation.open_reports > 0
    ):
        return ActionType.APPROVED
    raise Conflict(f"A case in status {status.value} cannot be approved", code="invalid_transition")


def check_removable(moderation: Moderation) -> None:
    """Raise the 409 that refuses a removal of a case without an open appeal, if any."""
    if moderation.content_deleted_at is not None:
        raise Conflict("The content no longer exists", code="content_gone")
    if moderation.status in REMOVAL:
        raise Conflict(
            f"A case in status {moderation.status.value} cannot be removed again",
            code="invalid_transition",
        )


# --- decisions -------------------------------------------------------------------------------


async def approve(
    ctx: ModerationContext, *, moderation_id: uuid.UUID, moderator_id: uuid.UUID, note: str | None
) -> Moderation:
    """Approve content waiting for review, dismiss reports, or grant an appeal."""
    moderation = await lock_case_by_id(moderation_id)
    now = ctx.now()
    previous = moderation.status
    action = approval(moderation)
    if action == ActionType.APPEAL_GRANTED:
        await resolve_appeal(moderation, AppealStatus.GRANTED, moderator_id=moderator_id, now=now)
        note = note or OVERTURNED
    moderation.status = ModerationStatus.APPROVED
    moderation.open_reports = 0
    moderation.decided_at = moderation.reviewed_at = now
    refresh_queue(moderation)
    await cases.save_case(moderation)
    await record(
        moderation,
        action,
        now=now,
        from_status=previous,
        actor_type=ActorType.MODERATOR,
        actor_id=moderator_id,
        note=note,
    )
    return moderation


async def remove(
    ctx: ModerationContext,
    *,
    moderation_id: uuid.UUID,
    moderator_id: uuid.UUID,
    reason: Reason,
    note: str | None,
) -> Moderation:
    """Ask the owning service to remove the content (the same event path as an automatic
    removal), or deny an appeal of a removal."""
    moderation = await lock_case_by_id(moderation_id)
    now = ctx.now()
    previous = moderation.status
    if moderation.appealed:
        await resolve_appeal(moderation, AppealStatus.DENIED, moderator_id=moderator_id, now=now)
        moderation.reviewed_at = now
        refresh_queue(moderation)
        await cases.save_case(moderation)
        await record(
            moderation,
            ActionType.APPEAL_DENIED,
            now=now,
            from_status=previous,
            actor_type=ActorType.MODERATOR,
            actor_id=moderator_id,
            reason=reason,
            note=note,
        )
        return moderation
    check_removable(moderation)
    moderation.status = ModerationStatus.DELETE_REQUESTED
    moderation.reason = reason
    moderation.open_reports = 0
    moderation.decided_at = moderation.reviewed_at = now
    refresh_queue(moderation)
    await cases.save_case(moderation)
    await request_removal(
        moderation,
        now=now,
        from_status=previous,
        actor_type=ActorType.MODERATOR,
        actor_id=moderator_id,
        note=note,
    )
    return moderation
