"""From an event to a decision: clean, borderline and offensive content, and the removal path."""

from __future__ import annotations

import uuid

import httpx

from moderation_service.moderations.models import (
    ActionType,
    Moderation,
    ModerationAction,
    ModerationStatus,
)
from tests.conftest import (
    BORDERLINE,
    CLEAN,
    OFFENSIVE,
    Bus,
    Users,
    comment_created,
    content_removed,
    post_created,
)


async def test_clean_post_is_approved_and_nothing_is_emitted(bus: Bus, users: Users) -> None:
    event = post_created(author_id=users.alice.id, content=CLEAN, title="Morning")
    await bus.deliver(event)

    moderation = await Moderation.get(content_type="POST", content_id=event.data["post_id"])
    assert moderation.status == ModerationStatus.APPROVED
    assert moderation.decision == "APPROVE" and moderation.reason is None
    assert moderation.title == "Morning" and moderation.content == CLEAN
    assert str(moderation.author_id) == users.alice.id and moderation.post_id is None
    assert moderation.model.startswith("alt-profanity-check==")
    assert 0 <= moderation.offensive_score < 0.5 and moderation.spam_score < 0.5
    assert moderation.queued is False
    actions = await ModerationAction.filter(moderation_id=moderation.id)
    assert [a.action for a in actions] == [ActionType.ANALYSED]
    assert actions[0].actor_type == "SYSTEM" and actions[0].to_status == ModerationStatus.APPROVED
    assert await bus.published("content_removal_requested") == []


async def test_offensive_post_is_removed_through_the_owning_service(bus: Bus, users: Users) -> None:
    event = post_created(author_id=users.alice.id, content=OFFENSIVE)
    await bus.deliver(event)

    moderation = await Moderation.get(content_id=event.data["post_id"])
    assert moderation.status == ModerationStatus.DELETE_REQUESTED
    assert moderation.reason == "OFFENSIVE_CONTENT" and moderation.offensive_score >= 0.9
    [request] = await bus.published("content_removal_requested")
    assert request.producer == "moderation"
    assert request.data == {
        "moderation_id": str(moderation.id),
        "content_type": "POST",
        "content_id": event.data["post_id"],
        "author_id": users.alice.id,
        "reason": "OFFENSIVE_CONTENT",
    }

    await bus.deliver(content_removed(request))
    await moderation.refresh_from_db()
    assert moderation.status == ModerationStatus.DELETE_CONFIRMED
    assert moderation.content_deleted_at is not None and moderation.queued is False
    actions = await ModerationAction.filter(moderation_id=moderation.id).order_by("id")
    assert [a.action for a in actions] == [
        ActionType.ANALYSED,
        ActionType.REMOVAL_REQUESTED,
        ActionType.REMOVAL_CONFIRMED,
    ]
    assert actions[-1].from_status == ModerationStatus.DELETE_REQUESTED
    # Only one request was ever made.
    assert len(await bus.published("content_removal_requested")) == 1


async def test_offensive_comment_is_removed_by_the_interaction_service(
    bus: Bus, users: Users
) -> None:
    post_id = uuid.uuid4()
    event = comment_created(author_id=users.bob.id, content=OFFENSIVE, post_id=post_id)
    await bus.deliver(event)

    moderation = await Moderation.get(content_type="COMMENT", content_id=event.data["comment_id"])
    assert moderation.post_id == post_id and moderation.title is None
    assert moderation.status == ModerationStatus.DELETE_REQUESTED
    [request] = await bus.published("content_removal_requested")
    assert request.data["content_type"] == "COMMENT"
    assert request.data["content_id"] == event.data["comment_id"]

    await bus.deliver(content_removed(request, already_gone=True))
    await moderation.refresh_from_db()
    assert moderation.status == ModerationStatus.DELETE_CONFIRMED
    last = await ModerationAction.filter(moderation_id=moderation.id).order_by("-id").first()
    assert last is not None and last.data == {"already_gone": True}


async def test_borderline_text_waits_for_review(
    bus: Bus, users: Users, client: httpx.AsyncClient
) -> None:
    event = post_created(author_id=users.alice.id, content=BORDERLINE, title=None)
    await bus.deliver(event)

    moderation = await Moderation.get(content_id=event.data["post_id"])
    assert moderation.status == ModerationStatus.PENDING_REVIEW
    assert moderation.reason == "OFFENSIVE_CONTENT"
    assert 0.5 <= moderation.score < 0.9 and moderation.queued is True
    assert await bus.published("content_removal_requested") == []

    queue = await client.get("/api/v1/moderations", headers=users.moderator.headers)
    assert queue.status_code == 200
    assert [item["id"] for item in queue.json()["items"]] == [str(moderation.id)]
