"""Statements of what follows a deletion: deleted content, the cases it touches, and the
fingerprints of a deleted account."""

from __future__ import annotations

import uuid
from datetime import datetime

from moderation_service.core.vocabulary import ContentType
from moderation_service.moderations.models import DeletedContent, Moderation, TextFingerprint


async def remember_deleted(
    content_type: ContentType, content_id: uuid.UUID, *, at: datetime
) -> None:
    """Keep that the content is gone (once), so that a late creation or edit is ignored."""
    await DeletedContent.bulk_create(
        [DeletedContent(content_type=content_type, content_id=content_id, deleted_at=at)],
        ignore_conflicts=True,
    )


async def lock_live_comment_cases(post_id: uuid.UUID) -> list[Moderation]:
    """The cases of a post's comments that are not known to be deleted yet, locked."""
    return await Moderation.filter(
        content_type=ContentType.COMMENT, post_id=post_id, content_deleted_at=None
    ).select_for_update()


async def lock_cases_with_text_by(author_id: uuid.UUID) -> list[Moderation]:
    """The cases of an author's content that still keep its text, locked."""
    return await Moderation.filter(author_id=author_id, content__isnull=False).select_for_update()


async def delete_fingerprints_of(author_id: uuid.UUID) -> None:
    await TextFingerprint.filter(author_id=author_id).delete()
