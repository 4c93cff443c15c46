"""Statements of the screening: what is known to be deleted, the text fingerprints of the
duplicate rule, and new cases."""

from __future__ import annotations

import uuid
from datetime import datetime

from tortoise.expressions import Q

from moderation_service.core.vocabulary import ContentType
from moderation_service.moderations.models import DeletedContent, Moderation, TextFingerprint


async def is_deleted(
    content_type: ContentType, content_id: uuid.UUID, *, post_id: uuid.UUID | None
) -> bool:
    """Whether the content, or the post it was written on, was deleted by its owner."""
    gone = Q(content_type=content_type, content_id=content_id)
    if post_id is not None:
        gone |= Q(content_type=ContentType.POST, content_id=post_id)
    return await DeletedContent.filter(gone).exists()


async def upsert_fingerprint(
    *,
    author_id: uuid.UUID,
    fingerprint: str,
    content_type: ContentType,
    content_id: uuid.UUID,
    seen_at: datetime,
) -> None:
    """The fingerprint of the content's current text (one per content item)."""
    await TextFingerprint.bulk_create(
        [
            TextFingerprint(
                author_id=author_id,
                fingerprint=fingerprint,
                content_type=content_type,
                content_id=content_id,
                seen_at=seen_at,
            )
        ],
        on_conflict=["content_type", "content_id"],
        update_fields=["fingerprint", "seen_at", "author_id"],
    )


async def count_other_copies(
    *,
    author_id: uuid.UUID,
    fingerprint: str,
    since: datetime,
    until: datetime,
    excluding: uuid.UUID,
) -> int:
    """The author's other content with this fingerprint seen between ``since`` and ``until``."""
    return (
        await TextFingerprint.filter(
            author_id=author_id, fingerprint=fingerprint, seen_at__gte=since, seen_at__lte=until
        )
        .exclude(content_id=excluding)  # ids are UUIDs: unique across posts and comments
        .count()
    )


async def delete_fingerprints_seen_before(cutoff: datetime) -> int:
    return await TextFingerprint.filter(seen_at__lt=cutoff).delete()


async def insert_case(moderation: Moderation) -> None:
    await moderation.save()
