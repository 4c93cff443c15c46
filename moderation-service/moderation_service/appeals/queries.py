"""Statements on authors' appeals."""

from __future__ import annotations

import uuid
from datetime import datetime

from moderation_service.moderations.models import Appeal, AppealStatus


async def appeal_exists(moderation_id: uuid.UUID) -> bool:
    return await Appeal.exists(moderation_id=moderation_id)


async def insert_appeal(
    *, moderation_id: uuid.UUID, author_id: uuid.UUID, note: str, created_at: datetime
) -> Appeal:
    return await Appeal.create(
        moderation_id=moderation_id, author_id=author_id, note=note, created_at=created_at
    )


async def resolve_open_appeal(
    moderation_id: uuid.UUID, *, status: AppealStatus, at: datetime, by: uuid.UUID
) -> None:
    await Appeal.filter(moderation_id=moderation_id, status=AppealStatus.OPEN).update(
        status=status, resolved_at=at, resolved_by=by
    )


async def find_appeal(moderation_id: uuid.UUID) -> Appeal | None:
    return await Appeal.get_or_none(moderation_id=moderation_id)


async def delete_appeals_by(author_id: uuid.UUID) -> set[uuid.UUID]:
    """Delete an author's appeals; the cases they were about."""
    appealed = await Appeal.filter(author_id=author_id).values_list("moderation_id", flat=True)
    await Appeal.filter(author_id=author_id).delete()
    return {uuid.UUID(str(moderation_id)) for moderation_id in appealed}
