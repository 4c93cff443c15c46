from __future__ import annotations

from enum import Enum

from tortoise import fields
from tortoise.models import Model


class PostStatus(str, Enum):
    DRAFT = "DRAFT"
    POSTED = "POSTED"
    ARCHIVED = "ARCHIVED"


class Post(Model):
    """A post as the post service last described it: enough to decide whether it may be
    interacted with and to fill the events this service emits.

    A row with ``deleted_at`` set is a tombstone: the post is gone for good, and a late
    ``post_created`` or ``post_updated`` cannot bring it back.
    """

    id = fields.UUIDField(primary_key=True)
    author_id = fields.UUIDField()
    status = fields.CharEnumField(PostStatus, max_length=20)
    categories: list[str] = fields.JSONField(default=list)
    # The post service's ``updated_at`` of the state held here; older events are ignored.
    # Null when the row came from the HTTP fallback without one: any event then applies.
    source_updated_at = fields.DatetimeField(null=True)
    deleted_at = fields.DatetimeField(null=True)
    synced_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "interaction_post"

    @property
    def is_visible(self) -> bool:
        return self.deleted_at is None and self.status == PostStatus.POSTED
