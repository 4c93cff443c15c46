from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, Field, model_validator

from chassis.schemas import RequestModel
from chassis.text import multiline_text, single_line_text
from post_service.authors.models import display_name
from post_service.core.vocabulary import CATEGORIES, Category
from post_service.posts import ranking
from post_service.posts.models import Post, PostStatus

TITLE_MAX = 100
CONTENT_MAX = 10_000
SEARCH_MAX = 200
IDEMPOTENCY_KEY_MAX = 100


def _clean_title(value: str | None) -> str | None:
    if value is None or not value.strip():
        return None  # a blank title is no title
    return single_line_text(value)


def _check_content(value: str) -> str:
    multiline_text(value)  # the platform's text rule; the content itself is kept as written
    return value


def _unique_categories(value: list[Category]) -> list[Category]:
    if len(set(value)) != len(value):
        raise ValueError("categories must not repeat")
    return value


Title = Annotated[str | None, Field(max_length=TITLE_MAX), AfterValidator(_clean_title)]
Content = Annotated[str, Field(max_length=CONTENT_MAX), AfterValidator(_check_content)]
Categories = Annotated[
    list[Category],
    Field(max_length=len(CATEGORIES), description="Words from /posts/category-choices"),
    AfterValidator(_unique_categories),
]


class PostCreate(RequestModel):
    title: Title = None
    content: Content
    categories: Categories
    status: PostStatus


class PostUpdate(RequestModel):
    """Only the fields sent change. ``title`` may be set to null to remove it."""

    title: Title = None
    content: Content | None = None
    categories: Categories | None = None
    status: PostStatus | None = Field(
        default=None,
        description="DRAFT→POSTED, DRAFT→ARCHIVED, POSTED→ARCHIVED, ARCHIVED→POSTED; "
        "anything else (POSTED→DRAFT, ARCHIVED→DRAFT) is 409 invalid_transition.",
    )

    @model_validator(mode="after")
    def _no_explicit_nulls(self) -> PostUpdate:
        nulls = [
            name
            for name in ("content", "categories", "status")
            if name in self.model_fields_set and getattr(self, name) is None
        ]
        if nulls:
            raise ValueError(f"must not be null: {', '.join(nulls)}")
        return self


# What a PostRead is built from: these columns of the post and of its author. The list queries
# select exactly these (posts/queries.py), ``PostRead.of`` reads them off the models.
POST_COLUMNS = (
    "id", "title", "content", "categories", "status", "author_id", "created_at", "updated_at",
    "published_at", "total_views", "total_comments", "total_reactions", "positive_reactions",
)  # fmt: skip
AUTHOR_COLUMNS = ("first_name", "last_name", "total_connections")


class AuthorRef(BaseModel):
    id: uuid.UUID
    display_name: str


class PostRead(BaseModel):
    id: uuid.UUID
    title: str | None
    content: str
    categories: list[str]
    status: PostStatus
    created_by: uuid.UUID
    author: AuthorRef
    created_at: datetime
    updated_at: datetime
    published_at: datetime | None
    total_views: int
    total_comments: int
    total_reactions: int
    score: float = Field(description="(positive reactions + comments) / views, 0 to 1")
    popularity: float = Field(description="views / max(author's connections, 1), 0 to 100")

    @classmethod
    def of(cls, post: Post) -> PostRead:
        author = post.author  # loaded with select_related / fetch_related
        return cls.of_row(
            {
                **{column: getattr(post, column) for column in POST_COLUMNS},
                **{column: getattr(author, column) for column in AUTHOR_COLUMNS},
            }
        )

    @classmethod
    def of_row(cls, row: Mapping[str, Any]) -> PostRead:
        """From ``POST_COLUMNS`` and ``AUTHOR_COLUMNS``: a row of the list queries'
        one-statement read, or a loaded post (``of``)."""
        categories = row["categories"]
        return cls(
            id=row["id"],
            title=row["title"],
            content=row["content"],
            categories=json.loads(categories) if isinstance(categories, str) else categories,
            status=row["status"],
            created_by=row["author_id"],
            author=AuthorRef(
                id=row["author_id"],
                display_name=display_name(row["first_name"], row["last_name"]),
            ),
            created_at=row["created_at"],
            updated_at=row["updated_at"],
            published_at=row["published_at"],
            total_views=row["total_views"],
            total_comments=row["total_comments"],
            total_reactions=row["total_reactions"],
            score=ranking.score(
                positive_reactions=row["positive_reactions"],
                comments=row["total_comments"],
                views=row["total_views"],
            ),
            popularity=ranking.popularity(
                views=row["total_views"], author_connections=row["total_connections"]
            ),
        )


class CategoryChoices(BaseModel):
    categories: list[str]
