"""What follows a deletion: content its owner service deleted, a removal it confirmed, and a
deleted account.

- Deleted content keeps its case and status (the decision happened), is marked
  ``content_deleted`` and leaves the queue unless an appeal is open; a post's deletion takes
  its comments' cases with it.
- ``content_removed`` (the answer to our ``content_removal_requested``) confirms the removal.
- A deleted account loses its reports and appeals; the cases of its content stay (the
  platform's record of decisions) but lose the text.
"""

from __future__ import annotations

import logging
import uuid

from moderation_service.appeals.service import forget_appellant
from moderation_service.core.context import ModerationContext
from moderation_service.core.vocabulary import ContentType
from moderation_service.deletions import queries
from moderation_service.moderations import queries as cases
from moderation_service.moderations.models import ActionType, Moderation, ModerationStatus
from moderation_service.moderations.rules import refresh_queue
from moderation_service.moderations.service import new_action, record
from moderation_service.reports.service import forget_reporter, recount_reports

logger = logging.getLogger("moderation_service.deletions")


def deletion_note(moderation: Moderation, *, deleted_id: uuid.UUID, deleted_by: str) -> str:
    """The history note of a case whose content (or whose post) its owner deleted."""
    if moderation.content_id != deleted_id:
        return f"Its post was deleted ({deleted_by})"
    return f"Deleted by its owner service ({deleted_by})"


async def mark_content_deleted(
    ctx: ModerationContext,
    *,
    content_type: ContentType,
    content_id: uuid.UUID,
    deleted_by: str,
) -> None:
    """The owning service deleted the content: remember it, and take its case (and, for a
    post, its comments' cases) out of the queue."""
    now = ctx.now()
    await queries.remember_deleted(content_type, content_id, at=now)
    touched = []
    own = await cases.lock_case(content_type, content_id)
    if own is not None and own.content_deleted_at is None:
        touched.append(own)
    if content_type == ContentType.POST:
        touched += await queries.lock_live_comment_cases(content_id)
    actions = []
    for moderation in touched:
        moderation.content_deleted_at = now
        refresh_queue(moderation)
        await cases.save_case(moderation, fields=["content_deleted_at", "queued", "updated_at"])
        note = deletion_note(moderation, deleted_id=content_id, deleted_by=deleted_by)
        actions.append(
            new_action(
                moderation,
                ActionType.CONTENT_DELETED,
                now=now,
                from_status=moderation.status,
                note=note,
            )
        )
    await cases.insert_actions(actions)


async def confirm_removal(
    ctx: ModerationContext,
    *,
    moderation_id: uuid.UUID,
    content_type: ContentType,
    content_id: uuid.UUID,
    already_gone: bool,
) -> Moderation | None:
    """The owning service removed the content we asked it to remove."""
    now = ctx.now()
    await queries.remember_deleted(content_type, content_id, at=now)
    moderation = await cases.lock_case_by_id(moderation_id)
    if moderation is None or (moderation.content_type, moderation.content_id) != (
        content_type,
        content_id,
    ):
        logger.warning(
            "content_removed for an unknown moderation case",
            extra={"moderation_id": str(moderation_id), "content_id": str(content_id)},
        )
        return None
    if moderation.status == ModerationStatus.DELETE_CONFIRMED:
        return moderation
    previous = moderation.status
    moderation.status = ModerationStatus.DELETE_CONFIRMED
    moderation.content_deleted_at = moderation.content_deleted_at or now
    refresh_queue(moderation)
    await cases.save_case(moderation)
    await record(
        moderation,
        ActionType.REMOVAL_CONFIRMED,
        now=now,
        from_status=previous,
        reason=moderation.reason,
        data={"already_gone": already_gone},
    )
    return moderation


async def forget_user(ctx: ModerationContext, *, user_id: uuid.UUID) -> None:
    """The account was deleted: its reports and appeals go; the cases of its content stay (the
    decisions are the platform's record) but lose the text."""
    now = ctx.now()
    reported = await forget_reporter(user_id)
    appealed = await forget_appellant(user_id)
    for moderation in await cases.lock_cases(reported | appealed):
        await recount_reports(moderation)
        if moderation.id in appealed:
            moderation.appealed = False
        refresh_queue(moderation)
        await cases.save_case(moderation)

    await queries.delete_fingerprints_of(user_id)
    authored = await queries.lock_cases_with_text_by(user_id)
    for moderation in authored:
        moderation.title = moderation.content = None
        await cases.save_case(moderation, fields=["title", "content", "updated_at"])
    await cases.insert_actions(
        [new_action(m, ActionType.AUTHOR_DELETED, now=now, from_status=m.status) for m in authored]
    )
