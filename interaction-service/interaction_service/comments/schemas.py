from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, Field, model_validator

from chassis.schemas import RequestModel
from chassis.text import multiline_text
from interaction_service.comments.models import Comment, CommentNFT
from interaction_service.users.schemas import Author

MAX_CONTENT = 5000
Content = Annotated[
    str, Field(min_length=1, max_length=MAX_CONTENT), AfterValidator(multiline_text)
]


class CommentCreate(RequestModel):
    content: Content
    parent_id: uuid.UUID | None = Field(
        default=None,
        description="Reply to this comment of the same post. A reply to a reply joins the "
        "top-level comment's thread (one level of nesting).",
    )


class CommentUpdate(RequestModel):
    content: Content | None = None

    @model_validator(mode="after")
    def _no_explicit_null(self) -> CommentUpdate:
        if "content" in self.model_fields_set and self.content is None:
            raise ValueError("content must not be null")
        return self


class ParentRef(BaseModel):
    id: uuid.UUID
    deleted: bool


class CommentRead(BaseModel):
    """A comment; a deleted one is a tombstone: no content, no author, ``deleted: true``."""

    id: uuid.UUID
    post_id: uuid.UUID
    parent: ParentRef | None
    author: Author | None
    content: str | None
    deleted: bool
    reply_count: int
    created_at: datetime
    edited_at: datetime | None

    @classmethod
    def of(
        cls,
        comment: Comment,
        *,
        author_name: str | None = None,
        parent_deleted: bool = False,
    ) -> CommentRead:
        deleted = comment.is_deleted
        return cls(
            id=comment.id,
            post_id=comment.post_id,
            parent=(
                ParentRef(id=comment.parent_id, deleted=parent_deleted)
                if comment.parent_id is not None
                else None
            ),
            author=None if deleted else Author(id=comment.author_id, display_name=author_name),
            content=None if deleted else comment.content,
            deleted=deleted,
            reply_count=comment.reply_count,
            created_at=comment.created_at,
            edited_at=None if deleted else comment.edited_at,
        )


class CommentNFTRead(BaseModel):
    comment_id: uuid.UUID
    cid: str
    token_uri: str
    metadata: dict[str, Any]
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, nft: CommentNFT) -> CommentNFTRead:
        return cls.model_validate(nft, from_attributes=True)
