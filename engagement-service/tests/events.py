"""Builders of contract-shaped event data: one function per consumed event type.

Each returns only the ``data`` of an envelope; ``Bus.publish`` wraps it, validates the whole
envelope against ``contracts/events`` and XADDs it.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timezone
from typing import Any

PRODUCERS = {
    "user_registered": "auth",
    "user_updated": "auth",
    "user_deleted": "auth",
    "user_connected": "auth",
    "user_disconnected": "auth",
    "user_tokens_revoked": "auth",
    "post_created": "post",
    "post_updated": "post",
    "post_deleted": "post",
    "content_removed": "post",
    "post_comment_created": "interaction",
    "post_comment_updated": "interaction",
    "post_comment_deleted": "interaction",
    "post_reaction_created": "interaction",
    "post_reaction_updated": "interaction",
    "post_reaction_deleted": "interaction",
    "post_viewed": "interaction",
}


def new_id() -> str:
    return str(uuid.uuid4())


def iso(moment: datetime | None = None) -> str:
    return (moment or datetime.now(timezone.utc)).astimezone(timezone.utc).isoformat()


def user_state(
    user_id: str,
    *,
    first_name: str = "Test",
    last_name: str = "User",
    interests: list[str] | None = None,
    status: str = "ACTIVE",
    changed: list[str] | None = None,
) -> dict[str, Any]:
    data: dict[str, Any] = {
        "user_id": user_id,
        "first_name": first_name,
        "last_name": last_name,
        "interests": interests or [],
        "role": "user",
        "status": status,
        "is_verified": False,
    }
    if changed is not None:
        data["changed"] = changed
    return data


def connection(user_id: str, other_id: str, *, totals: tuple[int, int] = (1, 1)) -> dict[str, Any]:
    return {
        "user_id": user_id,
        "other_user_id": other_id,
        "user_total_connections": totals[0],
        "other_total_connections": totals[1],
    }


def post(
    post_id: str,
    author_id: str,
    *,
    categories: list[str] | None = None,
    status: str = "POSTED",
    title: str | None = "A post",
    created_at: datetime | None = None,
    updated_at: datetime | None = None,
    changed: list[str] | None = None,
    previous_status: str | None = None,
) -> dict[str, Any]:
    data: dict[str, Any] = {
        "post_id": post_id,
        "author_id": author_id,
        "title": title,
        "content": "Some words.",
        "categories": categories if categories is not None else ["MUSIC"],
        "status": status,
        "created_at": iso(created_at),
        "updated_at": iso(updated_at or created_at),
    }
    if changed is not None:
        data["changed"] = changed
        data["previous_status"] = previous_status or status
    return data


def post_deleted(
    post_id: str,
    author_id: str,
    *,
    categories: list[str] | None = None,
    status: str = "POSTED",
    reason: str = "author",
) -> dict[str, Any]:
    return {
        "post_id": post_id,
        "author_id": author_id,
        "categories": categories if categories is not None else ["MUSIC"],
        "status": status,
        "reason": reason,
    }


def comment(
    comment_id: str,
    post_id: str,
    post_author_id: str,
    author_id: str,
    *,
    categories: list[str] | None = None,
    parent_id: str | None = None,
    content: str = "Nice post!",
    created_at: datetime | None = None,
) -> dict[str, Any]:
    return {
        "comment_id": comment_id,
        "post_id": post_id,
        "post_author_id": post_author_id,
        "categories": categories if categories is not None else ["MUSIC"],
        "author_id": author_id,
        "parent_id": parent_id,
        "content": content,
        "created_at": iso(created_at),
    }


def comment_updated(base: dict[str, Any], *, content: str) -> dict[str, Any]:
    return {**base, "content": content, "edited_at": iso()}


def comment_deleted(base: dict[str, Any], *, reason: str = "author") -> dict[str, Any]:
    data = {k: v for k, v in base.items() if k not in ("content", "created_at", "edited_at")}
    return {**data, "reason": reason}


def reaction(
    reaction_id: str,
    post_id: str,
    post_author_id: str,
    user_id: str,
    *,
    type: str = "LIKE",
    categories: list[str] | None = None,
    created_at: datetime | None = None,
) -> dict[str, Any]:
    return {
        "reaction_id": reaction_id,
        "post_id": post_id,
        "post_author_id": post_author_id,
        "categories": categories if categories is not None else ["MUSIC"],
        "user_id": user_id,
        "type": type,
        "created_at": iso(created_at),
    }


def reaction_updated(base: dict[str, Any], *, type: str) -> dict[str, Any]:
    data = {k: v for k, v in base.items() if k != "created_at"}
    return {**data, "type": type, "previous_type": base["type"]}


def reaction_deleted(base: dict[str, Any], *, reason: str = "user") -> dict[str, Any]:
    data = {k: v for k, v in base.items() if k != "created_at"}
    return {**data, "reason": reason}


def view(
    view_id: str,
    post_id: str,
    post_author_id: str,
    user_id: str,
    *,
    categories: list[str] | None = None,
    viewed_at: datetime | None = None,
) -> dict[str, Any]:
    return {
        "view_id": view_id,
        "post_id": post_id,
        "post_author_id": post_author_id,
        "categories": categories if categories is not None else ["MUSIC"],
        "user_id": user_id,
        "viewed_at": iso(viewed_at),
    }


def content_removed(
    author_id: str,
    content_id: str,
    *,
    content_type: str = "POST",
    post_id: str | None = None,
    reason: str = "SPAM",
    already_gone: bool = False,
    moderation_id: str | None = None,
) -> dict[str, Any]:
    return {
        "moderation_id": moderation_id or new_id(),
        "content_type": content_type,
        "content_id": content_id,
        "author_id": author_id,
        "post_id": post_id
        if post_id is not None
        else (content_id if content_type == "POST" else None),
        "reason": reason,
        "already_gone": already_gone,
    }
