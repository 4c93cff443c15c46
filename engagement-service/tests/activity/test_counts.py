"""Activity profiles: exact counts, score and level from a scripted sequence of events; replays
and reordered deliveries change nothing."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
import pytest

from chassis.clock import FrozenClock
from engagement_service.activity import scoring
from engagement_service.activity.models import ActivityItem, Counter, Post
from engagement_service.activity.scores import refresh_all_scores, refresh_scores
from engagement_service.users.models import User as UserRow
from tests import events as ev
from tests.conftest import API, Bus, User, connect, create_users

ZERO_TYPES = {"LIKE": 0, "LOVE": 0, "ANGRY": 0, "SAD": 0, "FUNNY": 0, "JOY": 0}


async def profile(
    client: httpx.AsyncClient, viewer: User, of: User | None = None
) -> dict[str, Any]:
    path = f"{API}/me/activity-profile" if of is None else f"{API}/users/{of.id}/activity-profile"
    response = await client.get(path, headers=viewer.headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def counters(user: User) -> dict[str, int]:
    return {c.name: c.value for c in await Counter.filter(user_id=user.id)}


async def test_scripted_sequence_gives_exact_counts_score_and_level(
    client: httpx.AsyncClient, auth: httpx.AsyncClient, bus: Bus, clock: FrozenClock
) -> None:
    ann, ben, cat = await create_users(auth, bus, "Ann", "Ben", "Cat")
    now = clock.now()
    day_ago, hour_ago = now - timedelta(days=1), now - timedelta(hours=1)
    p1, p2, p3 = ev.new_id(), ev.new_id(), ev.new_id()
    await bus.publish(
        "post_created", ev.post(p1, ann.id, categories=["MUSIC", "ART"], created_at=day_ago)
    )
    await bus.publish(
        "post_created",
        ev.post(p2, ann.id, categories=["TRAVEL"], status="DRAFT", created_at=day_ago),
    )
    await bus.publish(
        "post_created",
        ev.post(p3, ben.id, categories=["SPORTS"], created_at=now - timedelta(days=2)),
    )
    on_p1: dict[str, Any] = {"categories": ["MUSIC", "ART"], "created_at": hour_ago}
    await bus.publish("post_comment_created", ev.comment(ev.new_id(), p1, ann.id, ben.id, **on_p1))
    await bus.publish("post_comment_created", ev.comment(ev.new_id(), p1, ann.id, cat.id, **on_p1))
    await bus.publish("post_comment_created", ev.comment(ev.new_id(), p1, ann.id, ann.id, **on_p1))
    await bus.publish(
        "post_reaction_created", ev.reaction(ev.new_id(), p1, ann.id, ben.id, type="LIKE", **on_p1)
    )
    await bus.publish(
        "post_reaction_created", ev.reaction(ev.new_id(), p1, ann.id, cat.id, type="LOVE", **on_p1)
    )
    await bus.publish(
        "post_reaction_created", ev.reaction(ev.new_id(), p1, ann.id, ann.id, type="LIKE", **on_p1)
    )
    for _ in range(2):
        await bus.publish(
            "post_viewed",
            ev.view(
                ev.new_id(), p1, ann.id, ben.id, categories=["MUSIC", "ART"], viewed_at=hour_ago
            ),
        )
    await bus.publish(
        "post_viewed",
        ev.view(ev.new_id(), p3, ben.id, ann.id, categories=["SPORTS"], viewed_at=hour_ago),
    )
    await bus.publish("user_connected", ev.connection(ann.id, ben.id), occurred_at=hour_ago)
    await bus.drain()

    # Ann's own view: everything, drafts and views made included.
    d1h = scoring.decay(timedelta(hours=1))
    raw = 5 * scoring.decay(timedelta(days=1)) + d1h * (
        3 + 1 + 0.2 + 2 * 1 + 2 * 0.5 + 2 * 0.05 + 2
    )
    score = scoring.squash(raw)
    assert score == 42.4
    mine = await profile(client, ann)
    assert mine == {
        "user_id": ann.id,
        "first_name": "Ann",
        "last_name": "User",
        "posts_published": 1,
        "posts_owned": 2,
        "posts_draft": 1,
        "posts_archived": 0,
        "comments_made": 1,
        "comments_received": 2,
        "reactions_made": 1,
        "reactions_received": 2,
        "reactions_made_by_type": {**ZERO_TYPES, "LIKE": 1},
        "reactions_received_by_type": {**ZERO_TYPES, "LIKE": 1, "LOVE": 1},
        "views_made": 1,
        "views_received": 2,
        "connections": 1,
        "interests": [
            {"category": "ART", "points": 10, "share": round(10 / 21, 4)},
            {"category": "MUSIC", "points": 10, "share": round(10 / 21, 4)},
            {"category": "SPORTS", "points": 1, "share": round(1 / 21, 4)},
        ],
        "engagement_score": score,
        "status_level": "LESS_ACTIVE",
        "score_updated_at": mine["score_updated_at"],
    }
    assert mine["score_updated_at"] is not None
    # Moved event by event, the score equals a full recompute from the items.
    assert await refresh_scores([ann.uuid], now=now) == 1
    assert (await profile(client, ann))["engagement_score"] == score

    # Ben's view of Ann: no drafts, no archived posts, no views made, no viewing interests.
    public = await profile(client, ben, ann)
    assert set(public) == set(mine) - {"posts_owned", "posts_draft", "posts_archived", "views_made"}
    assert public["posts_published"] == 1
    assert public["interests"] == [
        {"category": "ART", "points": 10, "share": 0.5},
        {"category": "MUSIC", "points": 10, "share": 0.5},
    ]
    assert public["engagement_score"] == score

    ben_profile = await profile(client, ben)
    assert {
        k: ben_profile[k]
        for k in (
            "posts_published",
            "comments_made",
            "reactions_made",
            "views_made",
            "views_received",
            "connections",
            "comments_received",
        )
    } == {
        "posts_published": 1,
        "comments_made": 1,
        "reactions_made": 1,
        "views_made": 2,
        "views_received": 1,
        "connections": 1,
        "comments_received": 0,
    }

    # The post's popularity counts everything on it, self-actions included.
    post = await Post.get(id=p1)
    assert (post.reactions, post.comments, post.views, post.popularity) == (3, 3, 2, 47)
    assert await ActivityItem.filter(state="live").count() == 9

    # Replaying every event, under the same ids or as new deliveries of the same facts, changes
    # nothing.
    before = {u.id: await counters(u) for u in (ann, ben, cat)}
    await bus.replay(bus.sent)
    await bus.replay(bus.sent, fresh_ids=True)
    await bus.drain()
    assert {u.id: await counters(u) for u in (ann, ben, cat)} == before
    assert await profile(client, ann) == mine
    assert await ActivityItem.all().count() == 9


async def test_out_of_order_deletes_net_to_zero(
    client: httpx.AsyncClient, auth: httpx.AsyncClient, bus: Bus, clock: FrozenClock
) -> None:
    ann, ben = await create_users(auth, bus, "Ann", "Ben")
    post_id = ev.new_id()
    comment = ev.comment(ev.new_id(), post_id, ann.id, ben.id)
    reaction = ev.reaction(ev.new_id(), post_id, ann.id, ben.id, type="SAD")

    # Deletes first, then the creates they delete.
    await bus.publish("post_comment_deleted", ev.comment_deleted(comment))
    await bus.publish("post_reaction_deleted", ev.reaction_deleted(reaction))
    await bus.drain()
    await bus.publish("post_created", ev.post(post_id, ann.id))
    await bus.publish("post_comment_created", comment)
    await bus.publish("post_reaction_created", reaction)
    await bus.drain()

    mine = await profile(client, ann)
    assert (mine["comments_received"], mine["reactions_received"]) == (0, 0)
    assert (await profile(client, ben))["comments_made"] == 0
    assert await ActivityItem.filter(state="deleted").count() == 2
    assert await ActivityItem.filter(state="live").count() == 0

    # An update that arrives before its create counts as the creation; the late create is a
    # no-op and the type is the newest one.
    late = ev.reaction(ev.new_id(), post_id, ann.id, ben.id, type="LIKE")
    await bus.publish("post_reaction_updated", ev.reaction_updated(late, type="JOY"))
    await bus.drain()
    await bus.publish("post_reaction_created", late)
    await bus.drain()
    mine = await profile(client, ann)
    assert mine["reactions_received_by_type"] == {**ZERO_TYPES, "JOY": 1}
    assert mine["reactions_received"] == 1

    # The post deleted, then a view of it arrives late: the view never counts, and what was
    # on the post stops counting.
    await bus.publish("post_deleted", ev.post_deleted(post_id, ann.id))
    await bus.drain()
    await bus.publish("post_viewed", ev.view(ev.new_id(), post_id, ann.id, ben.id))
    await bus.drain()
    mine = await profile(client, ann)
    assert (mine["posts_published"], mine["reactions_received"], mine["views_received"]) == (
        0,
        0,
        0,
    )
    assert (await profile(client, ben))["views_made"] == 0
    # The interaction service's own per-item deletions (reason post_deleted) change nothing.
    await bus.publish(
        "post_reaction_deleted", ev.reaction_deleted({**late, "type": "JOY"}, reason="post_deleted")
    )
    await bus.drain()
    assert all(value >= 0 for value in (await counters(ann)).values())
    assert await Counter.filter(value__lt=0).count() == 0
    assert (await profile(client, ann))["reactions_received_by_type"] == ZERO_TYPES


async def test_post_updates_move_counts_and_stale_updates_are_ignored(
    client: httpx.AsyncClient, auth: httpx.AsyncClient, bus: Bus, clock: FrozenClock
) -> None:
    (ann,) = await create_users(auth, bus, "Ann")
    post_id, t0 = ev.new_id(), clock.now() - timedelta(hours=3)
    await bus.publish(
        "post_created", ev.post(post_id, ann.id, status="DRAFT", categories=["ART"], created_at=t0)
    )
    await bus.drain()
    assert (await profile(client, ann))["posts_draft"] == 1

    published = ev.post(
        post_id,
        ann.id,
        status="POSTED",
        categories=["FOOD"],
        created_at=t0,
        updated_at=t0 + timedelta(hours=2),
        changed=["status", "categories"],
        previous_status="DRAFT",
    )
    stale = ev.post(
        post_id,
        ann.id,
        status="ARCHIVED",
        categories=["ART"],
        created_at=t0,
        updated_at=t0 + timedelta(hours=1),
        changed=["status"],
        previous_status="DRAFT",
    )
    await bus.publish("post_updated", published)
    await bus.publish("post_updated", stale)  # older than the one already applied
    await bus.drain()

    mine = await profile(client, ann)
    assert (mine["posts_published"], mine["posts_draft"], mine["posts_archived"]) == (1, 0, 0)
    assert mine["interests"] == [{"category": "FOOD", "points": 5, "share": 1.0}]
    row = await Post.get(id=post_id)
    assert row.status == "POSTED" and row.published_at == t0 + timedelta(hours=2)


async def test_deleted_user_profile_is_removed_and_their_items_stop_counting(
    client: httpx.AsyncClient, auth: httpx.AsyncClient, bus: Bus
) -> None:
    ann, ben = await create_users(auth, bus, "Ann", "Ben")
    post_id, ben_post = ev.new_id(), ev.new_id()
    comment = ev.comment(ev.new_id(), post_id, ann.id, ben.id)
    reaction = ev.reaction(ev.new_id(), post_id, ann.id, ben.id)
    await bus.publish("post_created", ev.post(post_id, ann.id))
    await bus.publish("post_created", ev.post(ben_post, ben.id))
    await bus.publish("post_comment_created", comment)
    await bus.publish("post_reaction_created", reaction)
    await bus.publish("post_reaction_created", ev.reaction(ev.new_id(), ben_post, ben.id, ann.id))
    await connect(auth, ann, ben)

    async def connected() -> bool:
        return (await profile(client, ann))["connections"] == 1

    await bus.until(connected)
    assert (await profile(client, ann))["comments_received"] == 1

    # Ben deletes his account at the real auth service: its user_deleted reaches us.
    deleted = await auth.delete(f"{API}/users/me", headers=ben.headers)
    assert deleted.status_code == 204

    async def ben_gone() -> bool:
        response = await client.get(f"{API}/users/{ben.id}/activity-profile", headers=ann.headers)
        return response.status_code == 404

    await bus.until(ben_gone)
    mine = await profile(client, ann)
    assert (mine["comments_received"], mine["reactions_received"], mine["reactions_made"]) == (
        0,
        0,
        0,
    )
    assert await Counter.filter(user_id=ben.id).count() == 0
    assert await Post.filter(author_id=ben.id, deleted_at__isnull=True).count() == 0
    # Ann lost a connection (connections are not items): her score is recomputed in full,
    # after Ben's comment and reaction stopped counting, so it is exactly a recompute's.
    assert mine["connections"] == 0
    ann_row = await UserRow.get(id=ann.id)
    assert ann_row.score_updated_at is not None
    assert await refresh_scores([ann.uuid], now=ann_row.score_updated_at) == 1
    assert (await UserRow.get(id=ann.id)).score_raw == ann_row.score_raw

    # The interaction service's own cascade (reason account_deleted) is a no-op here, and so
    # is a late event about Ben.
    await bus.publish("post_comment_deleted", ev.comment_deleted(comment, reason="account_deleted"))
    await bus.publish(
        "post_reaction_deleted", ev.reaction_deleted(reaction, reason="account_deleted")
    )
    await bus.publish("post_comment_created", ev.comment(ev.new_id(), post_id, ann.id, ben.id))
    await bus.drain()
    assert (await profile(client, ann))["comments_received"] == 0
    assert await Counter.filter(user_id=ben.id).count() == 0
    assert await Counter.filter(value__lt=0).count() == 0


async def test_score_decays_by_the_scheduled_job(
    client: httpx.AsyncClient, auth: httpx.AsyncClient, bus: Bus, clock: FrozenClock
) -> None:
    (ann,) = await create_users(auth, bus, "Ann")
    for _ in range(4):
        await bus.publish("post_created", ev.post(ev.new_id(), ann.id, created_at=clock.now()))
    await bus.drain()
    assert (await profile(client, ann))["engagement_score"] == scoring.squash(20.0) == 55.1
    assert (await profile(client, ann))["status_level"] == "NORMALLY_ACTIVE"

    clock.advance(days=7)
    assert await refresh_all_scores(now=clock.now()) >= 1
    decayed = await profile(client, ann)
    assert decayed["engagement_score"] == scoring.squash(10.0) == 33.0
    assert decayed["status_level"] == "LESS_ACTIVE"

    clock.advance(days=24)  # past the 30-day window: nothing counts
    await refresh_all_scores(now=clock.now())
    assert (await profile(client, ann))["status_level"] == "ISOLATED"


@pytest.mark.parametrize(
    ("score", "level"),
    [
        (80.0, "HIGHLY_ACTIVE"),
        (79.9, "MODERATELY_ACTIVE"),
        (60.0, "MODERATELY_ACTIVE"),
        (50.0, "NORMALLY_ACTIVE"),
        (49.9, "LESS_ACTIVE"),
        (20.0, "LESS_ACTIVE"),
        (19.9, "ISOLATED"),
        (0.0, "ISOLATED"),
    ],
)
def test_levels_follow_the_seed_thresholds(score: float, level: str) -> None:
    assert scoring.level_of(score) == level
