"""Notifications created from events: one test per rule."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
from redis.asyncio import Redis

from chassis.clock import FrozenClock
from engagement_service.notifications.models import Notification, NotificationType
from tests import events as ev
from tests.conftest import API, Bus, User, create_users, stream_entries


async def listed(client: httpx.AsyncClient, user: User, **params: Any) -> list[dict[str, Any]]:
    response = await client.get(f"{API}/notifications", headers=user.headers, params=params)
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


async def test_reactions_within_the_window_are_grouped(
    client: httpx.AsyncClient, auth: httpx.AsyncClient, bus: Bus, clock: FrozenClock, redis: Redis
) -> None:
    ann, ben, cat, dan, eve = await create_users(auth, bus, "Ann", "Ben", "Cat", "Dan", "Eve")
    post_id, t0 = ev.new_id(), clock.now()
    await bus.publish("post_created", ev.post(post_id, ann.id))
    reactions = {}
    for minute, user in enumerate((ben, cat, dan)):
        reactions[user.id] = ev.reaction(
            ev.new_id(), post_id, ann.id, user.id, created_at=t0 + timedelta(minutes=minute)
        )
        await bus.publish("post_reaction_created", reactions[user.id])
    # Ann's own reaction notifies nobody.
    await bus.publish("post_reaction_created", ev.reaction(ev.new_id(), post_id, ann.id, ann.id))
    await bus.drain()

    (group,) = await listed(client, ann)
    assert group["type"] == "POST_REACTION_RECEIVED"
    assert group["message"] == "Dan User and 2 others reacted to your post"
    assert [a["id"] for a in group["actors"]] == [dan.id, cat.id, ben.id]
    assert (group["actor_count"], group["post_id"], group["read"]) == (3, post_id, False)
    # Delivered once per change: created, then grown twice; the stream id order is the order.
    entries = await stream_entries(redis, ann.id)
    assert [(e[1], e[2]["id"], e[2]["actor_count"]) for e in entries] == [
        ("notification", group["id"], 1),
        ("notification", group["id"], 2),
        ("notification", group["id"], 3),
    ]

    # Eve reacts after the 10-minute window: a new notification.
    clock.advance(minutes=11)
    late = ev.reaction(ev.new_id(), post_id, ann.id, eve.id, created_at=t0 + timedelta(minutes=11))
    await bus.publish("post_reaction_created", late)
    await bus.drain()
    newest, older = await listed(client, ann)
    assert (newest["message"], older["id"]) == ("Eve User reacted to your post", group["id"])

    # Removing a reaction takes its actor out of the unread group, and the group goes with
    # its last actor.
    await bus.publish("post_reaction_deleted", ev.reaction_deleted(reactions[cat.id]))
    await bus.drain()
    shrunk = next(n for n in await listed(client, ann) if n["id"] == group["id"])
    assert (shrunk["actor_count"], shrunk["message"]) == (
        2,
        "Dan User and Ben User reacted to your post",
    )
    await bus.publish("post_reaction_deleted", ev.reaction_deleted(late))
    await bus.drain()
    assert [n["id"] for n in await listed(client, ann)] == [group["id"]]
    assert (await stream_entries(redis, ann.id))[-1][1:] == (
        "notification_removed",
        {"id": newest["id"]},
    )

    # Once read, a group is history: a new reaction starts a new one.
    read = await client.post(f"{API}/notifications/{group['id']}/read", headers=ann.headers)
    assert read.status_code == 200 and read.json()["read"] is True
    clock.advance(minutes=1)
    again = ev.reaction(ev.new_id(), post_id, ann.id, eve.id, created_at=t0 + timedelta(minutes=2))
    await bus.publish("post_reaction_created", again)
    await bus.drain()
    first, second = await listed(client, ann)
    assert (first["actor_count"], first["read"], second["id"]) == (1, False, group["id"])
    assert await Notification.filter(user_id=ann.id).count() == 2


async def test_comments_and_replies_notify_the_right_people_once(
    client: httpx.AsyncClient, auth: httpx.AsyncClient, bus: Bus
) -> None:
    ann, ben, cat = await create_users(auth, bus, "Ann", "Ben", "Cat")
    post_id = ev.new_id()
    await bus.publish("post_created", ev.post(post_id, ann.id))
    top = ev.comment(ev.new_id(), post_id, ann.id, ben.id, content="First!")
    reply = ev.comment(
        ev.new_id(), post_id, ann.id, cat.id, parent_id=top["comment_id"], content="Agreed"
    )
    own = ev.comment(ev.new_id(), post_id, ann.id, ann.id, content="Thanks")
    self_reply = ev.comment(ev.new_id(), post_id, ann.id, ben.id, parent_id=top["comment_id"])
    for data in (top, reply, own, self_reply):
        await bus.publish("post_comment_created", data)
    await bus.drain()

    # Ann: a comment notice for Ben's comment, Cat's reply and Ben's reply; none for her own.
    anns = await listed(client, ann)
    assert sorted((n["type"], n["subject_id"]) for n in anns) == sorted(
        [
            ("POST_COMMENT_RECEIVED", top["comment_id"]),
            ("POST_COMMENT_RECEIVED", reply["comment_id"]),
            ("POST_COMMENT_RECEIVED", self_reply["comment_id"]),
        ]
    )
    assert {n["data"]["excerpt"] for n in anns} == {"First!", "Agreed", "Nice post!"}
    # Ben: a reply notice for Cat's reply; his own reply to himself notifies nobody.
    (bens,) = await listed(client, ben)
    assert (bens["type"], bens["subject_id"], bens["message"]) == (
        "COMMENT_REPLY",
        reply["comment_id"],
        "Cat User replied to your comment",
    )
    assert bens["data"] == {"excerpt": "Agreed", "parent_id": top["comment_id"]}

    # A reply to Ann's own comment on her own post: only the reply notice, not both.
    to_ann = ev.comment(ev.new_id(), post_id, ann.id, cat.id, parent_id=own["comment_id"])
    await bus.publish("post_comment_created", to_ann)
    await bus.drain()
    about = [
        n["type"] for n in await listed(client, ann) if n["subject_id"] == to_ann["comment_id"]
    ]
    assert about == ["COMMENT_REPLY"]

    # A reply that arrives before the comment it answers notifies that comment's author once
    # the comment arrives.
    orphan_parent = ev.comment(ev.new_id(), post_id, ann.id, ben.id)
    early = ev.comment(ev.new_id(), post_id, ann.id, cat.id, parent_id=orphan_parent["comment_id"])
    await bus.publish("post_comment_created", early)
    await bus.drain()
    await bus.publish("post_comment_created", orphan_parent)
    await bus.drain()
    replies_to_ben = [n for n in await listed(client, ben) if n["type"] == "COMMENT_REPLY"]
    assert {n["subject_id"] for n in replies_to_ben} == {reply["comment_id"], early["comment_id"]}

    # An edit refreshes the excerpt; a deletion withdraws the unread notices about it.
    await bus.publish("post_comment_updated", ev.comment_updated(reply, content="Agreed, edited"))
    await bus.drain()
    assert (
        next(n for n in await listed(client, ben) if n["subject_id"] == reply["comment_id"])[
            "data"
        ]["excerpt"]
        == "Agreed, edited"
    )
    await bus.publish("post_comment_deleted", ev.comment_deleted(reply))
    await bus.drain()
    assert await Notification.filter(subject_id=reply["comment_id"]).count() == 0


async def test_connections_notify_and_disconnects_withdraw(
    client: httpx.AsyncClient, auth: httpx.AsyncClient, bus: Bus
) -> None:
    ann, ben = await create_users(auth, bus, "Ann", "Ben")
    # Real events from auth: Ann connects to Ben.
    assert (
        await auth.post(f"{API}/users/{ben.id}/connect", headers=ann.headers)
    ).status_code == 201

    async def notified() -> list[dict[str, Any]]:
        return await listed(client, ben)

    (notice,) = await bus.until(notified)
    assert (notice["type"], notice["message"], notice["subject_id"]) == (
        "USER_CONNECTED",
        "Ann User connected with you",
        ann.id,
    )
    assert await listed(client, ann) == []  # nobody is told about their own action

    response = await auth.delete(f"{API}/users/{ben.id}/disconnect", headers=ann.headers)
    assert response.status_code == 204

    async def withdrawn() -> bool:
        return await Notification.filter(user_id=ben.id).count() == 0

    await bus.until(withdrawn)


async def test_deleted_post_withdraws_its_unread_notifications_only(
    client: httpx.AsyncClient, auth: httpx.AsyncClient, bus: Bus
) -> None:
    ann, ben, cat = await create_users(auth, bus, "Ann", "Ben", "Cat")
    post_id, other_post = ev.new_id(), ev.new_id()
    await bus.publish("post_created", ev.post(post_id, ann.id))
    await bus.publish("post_created", ev.post(other_post, ann.id))
    await bus.publish("post_comment_created", ev.comment(ev.new_id(), post_id, ann.id, ben.id))
    await bus.publish("post_reaction_created", ev.reaction(ev.new_id(), post_id, ann.id, ben.id))
    await bus.publish("post_reaction_created", ev.reaction(ev.new_id(), other_post, ann.id, cat.id))
    await bus.drain()
    comment_notice = next(
        n for n in await listed(client, ann) if n["type"] == "POST_COMMENT_RECEIVED"
    )
    read = await client.post(
        f"{API}/notifications/{comment_notice['id']}/read", headers=ann.headers
    )
    assert read.status_code == 200

    await bus.publish("post_deleted", ev.post_deleted(post_id, ann.id, reason="moderation"))
    await bus.publish("content_removed", ev.content_removed(ann.id, post_id, reason="SPAM"))
    await bus.drain()

    remaining = await listed(client, ann)
    assert sorted((n["type"], n["post_id"]) for n in remaining) == sorted(
        [
            ("POST_COMMENT_RECEIVED", post_id),  # already read: kept as history
            ("POST_REACTION_RECEIVED", other_post),  # another post
            ("CONTENT_REMOVED", post_id),  # never withdrawn
        ]
    )


async def test_content_removed_notifies_the_author_with_the_reason(
    client: httpx.AsyncClient, auth: httpx.AsyncClient, bus: Bus
) -> None:
    (ann,) = await create_users(auth, bus, "Ann")
    post_id, comment_id = ev.new_id(), ev.new_id()
    case = ev.content_removed(
        ann.id, comment_id, content_type="COMMENT", post_id=post_id, reason="OFFENSIVE_CONTENT"
    )
    await bus.publish("content_removed", case)
    await bus.publish("content_removed", case)  # the same case announced twice
    await bus.publish("content_removed", ev.content_removed(ann.id, ev.new_id(), already_gone=True))
    await bus.drain()

    (notice,) = await listed(client, ann)
    assert notice["type"] == NotificationType.CONTENT_REMOVED.value
    assert notice["message"] == "Your comment was removed for offensive content"
    assert notice["data"] == {
        "content_type": "COMMENT",
        "content_id": comment_id,
        "reason": "OFFENSIVE_CONTENT",
    }
    assert (notice["subject_id"], notice["post_id"], notice["actors"]) == (
        case["moderation_id"],
        post_id,
        [],
    )
