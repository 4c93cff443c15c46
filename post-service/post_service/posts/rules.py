"""The rules of posts, as pure functions: visibility, who may edit or delete, status
transitions, what changed, what the events say, and when an Idempotency-Key replays.

Visibility: a POSTED post is visible to everyone signed in; a DRAFT or ARCHIVED one only to its
author. Anything not visible is a 404, never a 403, so hidden posts do not leak. A post removed
by moderation is a 404 for everyone but its author, who gets a 410 ``removed_by_moderation``.

Status transitions (``PATCH``; the same status again is a no-op)::

    DRAFT ──► POSTED ◄──► ARCHIVED
      └────────────────────►┘

POSTED→DRAFT and ARCHIVED→DRAFT are refused (409 ``invalid_transition``): once published, a
post can be archived but not made a draft again.

Nothing here reads or writes the database: ``posts.service`` and ``posts.access`` load what a
rule needs (``posts.queries``), ask the rule, and write what it decided.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass
from typing import Any

from chassis.errors import AppError, Conflict, Forbidden, NotFound, Unprocessable
from chassis.tokens import Identity
from post_service.core.vocabulary import Category
from post_service.posts.models import IdempotencyKey, Post, PostStatus
from post_service.posts.schemas import PostCreate

TRANSITIONS: frozenset[tuple[PostStatus, PostStatus]] = frozenset(
    {
        (PostStatus.DRAFT, PostStatus.POSTED),
        (PostStatus.DRAFT, PostStatus.ARCHIVED),
        (PostStatus.POSTED, PostStatus.ARCHIVED),
        (PostStatus.ARCHIVED, PostStatus.POSTED),
    }
)
EDITABLE = ("title", "content", "categories")
STAFF_ROLES = ("moderator", "admin")


class Gone(AppError):
    status_code = 410
    code = "gone"
    message = "Gone"


# --- visibility ---------------------------------------------------------------------------


def is_author(post: Post, user: Identity) -> bool:
    return post.author_id == user.id


def is_visible(post: Post, user: Identity) -> bool:
    return post.status == PostStatus.POSTED or is_author(post, user)


def post_not_found() -> NotFound:
    return NotFound("Post not found", code="post_not_found")


def removed_by_moderation(post: Post) -> Gone:
    return Gone(
        f"This post was removed by moderation (reason: {post.removal_reason})",
        code="removed_by_moderation",
    )


def check_readable(post: Post | None, viewer: Identity) -> Post:
    """The post if ``viewer`` may see it; 404 otherwise, 410 for the author of a removed post."""
    if post is None:
        raise post_not_found()
    if post.removed_at is not None:
        raise removed_by_moderation(post) if is_author(post, viewer) else post_not_found()
    if not is_visible(post, viewer):
        raise post_not_found()
    return post


def check_editor(post: Post, editor: Identity) -> None:
    """Only the author edits; 403 for a post the editor may see but did not write."""
    if not is_author(post, editor):
        raise Forbidden("Only the author can edit this post", code="not_author")


def deletion_reason(post: Post, user: Identity) -> str:
    """Whether ``user`` may delete the post, as the ``post_deleted`` reason: ``author``, or the
    role of a moderator or admin (who may delete any post, even one hidden or removed). Anyone
    else gets the 404 of a post they cannot see, or a 403 for one they can."""
    if is_author(post, user):
        return "author"
    if user.role in STAFF_ROLES:
        return user.role
    if post.removed_at is not None or not is_visible(post, user):
        raise post_not_found()
    raise Forbidden("Only the author, a moderator or an admin can delete this post")


# --- changes ------------------------------------------------------------------------------


def check_transition(previous: PostStatus, target: PostStatus | None) -> None:
    """409 ``invalid_transition`` for a status change the state machine does not allow."""
    if target is not None and target != previous and (previous, target) not in TRANSITIONS:
        raise Conflict(
            f"A {previous.value} post cannot become {target.value}", code="invalid_transition"
        )


def normalised(changes: dict[str, Any]) -> dict[str, Any]:
    """The changes sent, with categories as their stored words."""
    if "categories" not in changes:
        return changes
    return {**changes, "categories": [Category(c).value for c in changes["categories"]]}


def changed_fields(post: Post, changes: dict[str, Any]) -> list[str]:
    """The fields ``changes`` (normalised) really changes, in a stable order. A null is a change
    only for the title, the one field that can be cleared."""
    return [
        name
        for name in (*EDITABLE, "status")
        if name in changes
        and (changes[name] is not None or name == "title")
        and getattr(post, name) != changes[name]
    ]


def publishes_first(post: Post) -> bool:
    """The post is POSTED and never was: it enters the lists now, and its age starts now."""
    return post.status == PostStatus.POSTED and post.published_at is None


# --- events -------------------------------------------------------------------------------


def post_event_data(post: Post, **extra: Any) -> dict[str, Any]:
    """What other services may know of a post: its text (for analysis), never private data."""
    return {
        "post_id": str(post.id),
        "author_id": str(post.author_id),
        "title": post.title,
        "content": post.content,
        "categories": list(post.categories),
        "status": post.status.value,
        "created_at": post.created_at.isoformat(),
        "updated_at": post.updated_at.isoformat(),
        **extra,
    }


def deleted_event_data(post: Post, *, reason: str) -> dict[str, Any]:
    return {
        "post_id": str(post.id),
        "author_id": str(post.author_id),
        "categories": list(post.categories),
        "status": post.status.value,
        "reason": reason,
    }


def content_removed_data(
    *,
    moderation_id: uuid.UUID,
    post_id: uuid.UUID,
    author_id: uuid.UUID,
    reason: str,
    already_gone: bool,
) -> dict[str, Any]:
    """Moderation's confirmation: sent whether the post was removed now or was already gone."""
    return {
        "moderation_id": str(moderation_id),
        "content_type": "POST",
        "content_id": str(post_id),
        "author_id": str(author_id),
        "post_id": str(post_id),
        "reason": reason,
        "already_gone": already_gone,
    }


# --- idempotency --------------------------------------------------------------------------


def request_hash(body: PostCreate) -> str:
    canonical = json.dumps(body.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


@dataclass
class Replay:
    """The stored answer to an earlier request with the same Idempotency-Key."""

    status_code: int
    body: dict[str, Any]


def replay_of(row: IdempotencyKey, fingerprint: str) -> Replay:
    """The stored answer, if the key was used for this same request; 422 otherwise."""
    if row.request_hash != fingerprint:
        raise Unprocessable(
            "This Idempotency-Key was used with a different request",
            code="idempotency_key_reused",
        )
    return Replay(status_code=row.status_code, body=row.response)
