"""Statements on cases and their history, shared by the domains that read or change a case."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from moderation_service.core.vocabulary import ContentType
from moderation_service.moderations.models import Moderation, ModerationAction


async def lock_case(content_type: ContentType, content_id: uuid.UUID) -> Moderation | None:
    """The case of a post or comment, locked for the transaction."""
    return (
        await Moderation.filter(content_type=content_type, content_id=content_id)
        .select_for_update()
        .first()
    )


async def lock_case_by_id(moderation_id: uuid.UUID) -> Moderation | None:
    return await Moderation.filter(id=moderation_id).select_for_update().first()


async def lock_cases(moderation_ids: Iterable[uuid.UUID]) -> list[Moderation]:
    return await Moderation.filter(id__in=list(moderation_ids)).select_for_update()


async def find_case(moderation_id: uuid.UUID) -> Moderation | None:
    return await Moderation.get_or_none(id=moderation_id)


async def find_post_case(post_id: uuid.UUID) -> Moderation | None:
    return await Moderation.get_or_none(content_type=ContentType.POST, content_id=post_id)


async def save_case(moderation: Moderation, *, fields: list[str] | None = None) -> None:
    """Insert a new case or write an existing one (only ``fields`` when given)."""
    await moderation.save(update_fields=fields)


async def insert_action(action: ModerationAction) -> None:
    await action.save()


async def insert_actions(actions: list[ModerationAction]) -> None:
    if actions:
        await ModerationAction.bulk_create(actions)
