"""Consumed events: idempotency, edits, deletions, out-of-order delivery, account deletion."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone

from redis.asyncio import Redis

from chassis.events import Envelope
from moderation_service.moderations.models import (
    ActionType,
    DeletedContent,
    Moderation,
    ModerationAction,
    ModerationStatus,
    TextFingerprint,
)
from tests.conftest import (
    BORDERLINE,
    CLEAN,
    OFFENSIVE,
    Bus,
    Users,
    comment_created,
    comment_deleted,
    comment_updated,
    content_removed,
    post_created,
    post_deleted,
    post_updated,
)


async def actions_of(moderation: Moderation) -> list[ActionType]:
    rows = await ModerationAction.filter(moderation_id=moderation.id).order_by("id")
    return [a.action for a in rows]


async def test_a_duplicate_event_produces_one_record(bus: Bus, users: Users) -> None:
    event = post_created(author_id=users.alice.id, content=OFFENSIVE)
    await bus.deliver(event)
    await bus.redeliver(event)  # same event id: the chassis drops it
    copy = Envelope(type=event.type, producer=event.producer, data=event.data)  # new id
    await bus.deliver(copy)  # same version of the content: nothing to do

    assert await Moderation.all().count() == 1
    moderation = await Moderation.get(content_id=event.data["post_id"])
    assert await actions_of(moderation) == [ActionType.ANALYSED, ActionType.REMOVAL_REQUESTED]
    assert len(await bus.published("content_removal_requested")) == 1


async def test_an_edit_is_analysed_again_on_the_same_record(bus: Bus, users: Users) -> None:
    created = post_created(author_id=users.alice.id, content=CLEAN, title="Walk")
    await bus.deliver(created)
    moderation = await Moderation.get(content_id=created.data["post_id"])
    assert moderation.status == ModerationStatus.APPROVED

    await bus.deliver(post_updated(created, content=OFFENSIVE, changed=["content"]))
    await moderation.refresh_from_db()
    assert moderation.status == ModerationStatus.DELETE_REQUESTED
    assert moderation.content == OFFENSIVE and moderation.reason == "OFFENSIVE_CONTENT"
    assert await Moderation.all().count() == 1
    assert await actions_of(moderation) == [
        ActionType.ANALYSED,
        ActionType.REANALYSED,
        ActionType.REMOVAL_REQUESTED,
    ]
    reanalysed = await ModerationAction.get(moderation_id=moderation.id, action="REANALYSED")
    assert reanalysed.from_status == "APPROVED" and reanalysed.to_status == "DELETE_REQUESTED"
    assert reanalysed.data["decision"] == "REMOVE" and reanalysed.data["scores"]["offensive"] >= 0.9
    [request] = await bus.published("content_removal_requested")
    assert request.data["moderation_id"] == str(moderation.id)


async def test_an_edit_back_to_clean_text_approves_again(bus: Bus, users: Users) -> None:
    created = post_created(author_id=users.alice.id, content=BORDERLINE)
    await bus.deliver(created)
    moderation = await Moderation.get(content_id=created.data["post_id"])
    assert moderation.status == ModerationStatus.PENDING_REVIEW and moderation.queued

    await bus.deliver(
        post_updated(created, title="Fixed", changed=["title", "content"], content=CLEAN)
    )
    await moderation.refresh_from_db()
    assert moderation.status == ModerationStatus.APPROVED and not moderation.queued
    assert moderation.title == "Fixed" and moderation.reason is None


async def test_status_or_category_changes_are_not_analysed_again(bus: Bus, users: Users) -> None:
    created = post_created(author_id=users.alice.id, content=CLEAN, status="DRAFT")
    await bus.deliver(created)
    moderation = await Moderation.get(content_id=created.data["post_id"])
    assert moderation.status == ModerationStatus.APPROVED  # drafts are analysed too

    await bus.deliver(post_updated(created, status="POSTED", changed=["status"]))
    assert await actions_of(moderation) == [ActionType.ANALYSED]


async def test_an_update_that_arrives_first_is_analysed_and_the_late_create_ignored(
    bus: Bus, users: Users
) -> None:
    created = post_created(author_id=users.alice.id, content=OFFENSIVE)
    updated = post_updated(created, status="POSTED", changed=["status"], content=CLEAN)
    await bus.deliver(updated)
    moderation = await Moderation.get(content_id=created.data["post_id"])
    assert moderation.status == ModerationStatus.APPROVED and moderation.content == CLEAN

    await bus.deliver(created)  # older version
    await moderation.refresh_from_db()
    assert moderation.status == ModerationStatus.APPROVED and moderation.content == CLEAN
    assert await actions_of(moderation) == [ActionType.ANALYSED]
    assert await bus.published("content_removal_requested") == []


async def test_a_delete_that_arrives_before_the_create_wins(bus: Bus, users: Users) -> None:
    created = post_created(author_id=users.alice.id, content=OFFENSIVE)
    await bus.deliver(post_deleted(created))
    await bus.deliver(created, post_updated(created, content=OFFENSIVE))

    assert await Moderation.all().count() == 0
    assert await DeletedContent.exists(content_type="POST", content_id=created.data["post_id"])
    assert await bus.published("content_removal_requested") == []

    comment = comment_created(author_id=users.bob.id, content=OFFENSIVE)
    await bus.deliver(comment_deleted(comment))
    await bus.deliver(comment)
    assert await Moderation.all().count() == 0


async def test_deleted_content_leaves_the_queue(bus: Bus, users: Users) -> None:
    created = post_created(author_id=users.alice.id, content=BORDERLINE)
    comment = comment_created(
        author_id=users.bob.id, content=BORDERLINE, post_id=created.data["post_id"]
    )
    await bus.deliver(created, comment)
    post_case = await Moderation.get(content_id=created.data["post_id"])
    comment_case = await Moderation.get(content_id=comment.data["comment_id"])
    assert post_case.queued and comment_case.queued

    await bus.deliver(post_deleted(created, reason="author"))
    for case in (post_case, comment_case):
        await case.refresh_from_db()
        assert case.content_deleted_at is not None and not case.queued
        assert case.status == ModerationStatus.PENDING_REVIEW  # the decision itself is unchanged
        assert (await actions_of(case))[-1] == ActionType.CONTENT_DELETED
    note = (
        await ModerationAction.get(moderation_id=comment_case.id, action="CONTENT_DELETED")
    ).note
    assert note == "Its post was deleted (author)"

    # A comment on the deleted post that arrives late is not analysed; edits are ignored.
    late = comment_created(
        author_id=users.bob.id, content=OFFENSIVE, post_id=created.data["post_id"]
    )
    await bus.deliver(late, post_updated(created, content=OFFENSIVE))
    assert await Moderation.all().count() == 2
    await bus.deliver(comment_deleted(comment, reason="post_deleted"))
    assert (await actions_of(comment_case)).count(ActionType.CONTENT_DELETED) == 1


async def test_comment_edits_are_analysed_again(bus: Bus, users: Users) -> None:
    comment = comment_created(author_id=users.bob.id, content=CLEAN)
    await bus.deliver(comment)
    await bus.deliver(comment_updated(comment, content=BORDERLINE))
    moderation = await Moderation.get(content_id=comment.data["comment_id"])
    assert moderation.status == ModerationStatus.PENDING_REVIEW
    assert moderation.content == BORDERLINE


async def test_an_edit_while_removal_is_pending_keeps_the_removal(bus: Bus, users: Users) -> None:
    created = post_created(author_id=users.alice.id, content=OFFENSIVE)
    await bus.deliver(created)
    await bus.deliver(post_updated(created, content=CLEAN))
    moderation = await Moderation.get(content_id=created.data["post_id"])
    assert moderation.status == ModerationStatus.DELETE_REQUESTED
    assert moderation.content == CLEAN and moderation.offensive_score < 0.5
    assert await actions_of(moderation) == [
        ActionType.ANALYSED,
        ActionType.REMOVAL_REQUESTED,
        ActionType.REANALYSED,
    ]
    assert len(await bus.published("content_removal_requested")) == 1


async def test_content_removed_for_an_unknown_case_is_ignored(bus: Bus, users: Users) -> None:
    request = Envelope(
        type="content_removal_requested",
        producer="moderation",
        data={
            "moderation_id": str(uuid.uuid4()),
            "content_type": "POST",
            "content_id": str(uuid.uuid4()),
            "author_id": users.alice.id,
            "reason": "SPAM",
        },
    )
    await bus.deliver(content_removed(request))
    assert await Moderation.all().count() == 0
    pending = await bus.redis.xpending("events.content_removed", "moderation")
    assert pending["pending"] == 0  # handled and acked, not retried


async def test_the_same_text_posted_again_and_again_is_spam(bus: Bus, users: Users) -> None:
    text = "Loving this new smoothie recipe, everyone should try it today"
    start = datetime.now(timezone.utc)
    posts = [
        post_created(author_id=users.alice.id, content=text, at=start + timedelta(minutes=i))
        for i in range(3)
    ]
    elsewhere = post_created(author_id=users.bob.id, content=text, at=start)
    await bus.deliver(*posts, elsewhere)

    cases = [await Moderation.get(content_id=p.data["post_id"]) for p in posts]
    assert [c.status for c in cases] == [
        ModerationStatus.APPROVED,
        ModerationStatus.APPROVED,
        ModerationStatus.DELETE_REQUESTED,
    ]
    assert cases[1].details["spam_rules"] == {"duplicates": 0.4}
    assert cases[2].reason == "SPAM" and cases[2].details["spam_rules"] == {"duplicates": 0.95}
    other = await Moderation.get(content_id=elsewhere.data["post_id"])
    assert other.status == ModerationStatus.APPROVED  # another author's copy does not count
    assert await TextFingerprint.filter(author_id=users.alice.id).count() == 3

    # Outside the window, copies no longer count; short texts never do.
    late = post_created(author_id=users.alice.id, content=text, at=start + timedelta(days=3))
    short = [post_created(author_id=users.alice.id, content="Thanks!") for _ in range(3)]
    await bus.deliver(late, *short)
    assert (await Moderation.get(content_id=late.data["post_id"])).status == "APPROVED"
    for s in short:
        assert (await Moderation.get(content_id=s.data["post_id"])).status == "APPROVED"


async def test_revoked_tokens_are_evicted_from_the_cache(
    bus: Bus, users: Users, redis: Redis
) -> None:
    await redis.set("tokencache:token:abc", "{}")
    await redis.sadd(f"tokencache:user:{users.bob.id}", "abc")
    revoked = Envelope(
        type="user_tokens_revoked",
        producer="auth",
        data={"user_id": users.bob.id, "reason": "signout", "session_id": None},
    )
    await bus.deliver(revoked)
    assert await redis.get("tokencache:token:abc") is None
    assert await redis.exists(f"tokencache:evicted:{users.bob.id}")
