from __future__ import annotations

import uuid
from enum import Enum
from typing import Any

from tortoise import fields
from tortoise.indexes import Index
from tortoise.models import Model


class DeletionReason(str, Enum):
    """Why a comment was deleted (the ``reason`` of ``post_comment_deleted``)."""

    AUTHOR = "author"
    POST_AUTHOR = "post_author"
    MODERATOR = "moderator"
    ADMIN = "admin"
    MODERATION = "moderation"
    POST_DELETED = "post_deleted"
    ACCOUNT_DELETED = "account_deleted"


class Comment(Model):
    """A comment on a post, or a reply to one (one level: ``parent`` is always top-level).

    Deletion is soft: the row stays as a tombstone (``deleted_at`` set, ``content`` erased) so
    the replies of a deleted comment keep their thread. Only ``post_deleted`` removes rows.
    ``reply_count`` counts live replies and is changed in the same statement as they are.
    """

    id = fields.UUIDField(primary_key=True)
    post_id = fields.UUIDField()
    parent: fields.ForeignKeyNullableRelation[Comment] = fields.ForeignKeyField(
        "models.Comment", related_name="replies", null=True, on_delete=fields.CASCADE
    )
    author_id = fields.UUIDField()
    content: str | None = fields.TextField(null=True)
    reply_count = fields.IntField(default=0)
    created_at = fields.DatetimeField()
    edited_at = fields.DatetimeField(null=True)
    deleted_at = fields.DatetimeField(null=True)
    deleted_reason = fields.CharEnumField(DeletionReason, max_length=20, null=True)

    parent_id: uuid.UUID | None

    class Meta:
        table = "interaction_comment"
        # The lists' keyset indexes are in the migration's raw SQL: top-level comments
        # (post_id, created_at, id) WHERE parent_id IS NULL, and replies
        # (parent_id, created_at, id).
        indexes = (Index(fields=("author_id",)),)

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None


class CommentNFT(Model):
    """ERC-1155 metadata of a comment and its content address (``ipfs://<CIDv1>``)."""

    id = fields.BigIntField(primary_key=True)
    comment: fields.OneToOneRelation[Comment] = fields.OneToOneField(
        "models.Comment", related_name="nft", on_delete=fields.CASCADE
    )
    cid = fields.CharField(max_length=100)
    token_uri = fields.CharField(max_length=120)
    metadata: dict[str, Any] = fields.JSONField()
    created_at = fields.DatetimeField()
    updated_at = fields.DatetimeField()

    comment_id: uuid.UUID

    class Meta:
        table = "interaction_comment_nft"
