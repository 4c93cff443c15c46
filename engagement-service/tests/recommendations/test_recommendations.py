"""Recommendations on small hand-built graphs and post sets: the order is exact."""

from __future__ import annotations

import base64
import json
import math
import uuid
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest

from chassis.clock import FrozenClock
from chassis.testing import assert_error
from engagement_service.recommendations import rules
from engagement_service.recommendations.models import Dismissal
from tests import events as ev
from tests.conftest import API, Bus, User, create_users


def forged(*values: Any) -> str:
    """A cursor as a client could forge it: any JSON (NaN included), base64url."""
    raw = json.dumps(list(values), separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


async def everything(client: httpx.AsyncClient, user: User, path: str) -> list[dict[str, Any]]:
    """All pages, two at a time."""
    items: list[dict[str, Any]] = []
    cursor = None
    while True:
        params = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        response = await client.get(f"{API}{path}", headers=user.headers, params=params)
        assert response.status_code == 200, response.text
        items += response.json()["items"]
        cursor = response.json()["next_cursor"]
        if cursor is None:
            return items


async def test_people_you_may_know_in_exact_order(
    client: httpx.AsyncClient, auth: httpx.AsyncClient, bus: Bus
) -> None:
    (me,) = await create_users(auth, bus, "Me", interests={"Me": ["MUSIC", "ART", "FOOD"]})
    ids = {
        name: ev.new_id()
        for name in ("f1", "f2", "f3", "x", "y", "z", "w1", "w2", "dismissed", "banned", "gone")
    }
    interests = {"y": ["MUSIC", "ART", "SPORTS"], "z": ["MUSIC"], "x": ["TRAVEL"]}
    for name, user_id in ids.items():
        await bus.publish(
            "user_registered",
            ev.user_state(user_id, first_name=name.upper(), interests=interests.get(name)),
        )
    edges = [
        ("me", "f1"),
        ("me", "f2"),
        ("me", "f3"),
        ("f1", "f2"),
        ("x", "f1"),
        ("x", "f2"),
        ("x", "f3"),
        ("y", "f1"),
        ("y", "f2"),
        ("z", "f1"),
        ("z", "f2"),
        ("w1", "f3"),
        ("w2", "f3"),
        ("dismissed", "f1"),
        ("dismissed", "f2"),
        ("dismissed", "f3"),
        ("banned", "f1"),
        ("gone", "f2"),
    ]
    ids["me"] = me.id
    for a, b in edges:
        await bus.publish("user_connected", ev.connection(ids[a], ids[b]))
    # A connection that came and went is no connection.
    await bus.publish("user_connected", ev.connection(ids["w1"], ids["f1"]))
    await bus.publish("user_disconnected", ev.connection(ids["w1"], ids["f1"], totals=(0, 0)))
    await bus.publish(
        "user_updated", ev.user_state(ids["banned"], status="BANNED", changed=["status"])
    )
    await bus.publish("user_deleted", {"user_id": ids["gone"]})
    await bus.drain()

    dismissed = await client.post(
        f"{API}/recommendations/connections/{ids['dismissed']}/dismiss", headers=me.headers
    )
    assert dismissed.status_code == 204
    assert await Dismissal.filter(user_id=me.id, dismissed_id=ids["dismissed"]).count() == 1

    w_first, w_second = sorted((ids["w1"], ids["w2"]), key=uuid.UUID)
    got = await everything(client, me, "/recommendations/connections")
    assert [
        (r["user"]["id"], r["mutual_connections"], r["shared_interests"], r["reasons"]) for r in got
    ] == [
        (ids["x"], 3, 0, ["3 mutual connections"]),
        (ids["y"], 2, 2, ["2 mutual connections", "2 shared interests"]),
        (ids["z"], 2, 1, ["2 mutual connections", "1 shared interest"]),
        (w_first, 1, 0, ["1 mutual connection"]),
        (w_second, 1, 0, ["1 mutual connection"]),
    ]
    assert got[1]["user"] == {
        "id": ids["y"],
        "first_name": "Y",
        "last_name": "User",
        "interests": ["MUSIC", "ART", "SPORTS"],
    }

    # Dismissing is idempotent; yourself is a 400, an unknown or deleted user a 404.
    path = f"{API}/recommendations/connections/{{}}/dismiss"
    assert (await client.post(path.format(ids["dismissed"]), headers=me.headers)).status_code == 204
    assert_error(await client.post(path.format(me.id), headers=me.headers), 400, "self_dismissal")
    assert_error(
        await client.post(path.format(ids["gone"]), headers=me.headers), 404, "user_not_found"
    )
    assert_error(await client.post(path.format(uuid.uuid4()), headers=me.headers), 404)
    assert_error(await client.post(path.format("x"), headers=me.headers), 422)
    assert await Dismissal.filter(user_id=me.id).count() == 1

    # Someone with no connections gets an empty list; a forged cursor is a 400.
    (loner,) = await create_users(auth, bus, "Loner")
    empty = await client.get(f"{API}/recommendations/connections", headers=loner.headers)
    assert empty.json() == {"items": [], "next_cursor": None}
    some_id = str(uuid.uuid4())
    for cursor in (
        "WyJhIiwxLDJd",
        "WzEsMiwibm90LWEtdXVpZCJd",
        "WzEsMl0",
        "W3RydWUsMSwieCJd",
        forged(2**31, 0, some_id),  # beyond int4: was an asyncpg DataError
        forged(10**30, 0, some_id),
        forged(0, -(2**31) - 1, some_id),
        forged(1.5, 0, some_id),
        forged(float("nan"), 0, some_id),
        forged(True, 0, some_id),
    ):
        response = await client.get(
            f"{API}/recommendations/connections", headers=me.headers, params={"cursor": cursor}
        )
        assert_error(response, 400, "invalid_cursor")


def rank(match: float, popularity: int, age_hours: float) -> float:
    pop = 1 - math.exp(-popularity / 50)
    return round(0.5 * match + 0.3 * pop + 0.2 * 0.5 ** (age_hours / 48), 6)


async def test_posts_for_you_in_exact_order(
    client: httpx.AsyncClient, auth: httpx.AsyncClient, bus: Bus, clock: FrozenClock
) -> None:
    me, author = await create_users(auth, bus, "Me", "Author", interests={"Me": ["MUSIC"]})
    now = clock.now()
    p = {
        name: ev.new_id()
        for name in (
            "new_music",
            "new_music_2",
            "old_music",
            "popular_sports",
            "art",
            "viewed",
            "mine",
            "draft",
            "deleted",
        )
    }
    specs = {
        "new_music": (author, ["MUSIC"], now, "POSTED"),
        "new_music_2": (author, ["MUSIC", "NEWS"], now, "POSTED"),
        "old_music": (author, ["MUSIC"], now - timedelta(hours=48), "POSTED"),
        "popular_sports": (author, ["SPORTS"], now, "POSTED"),
        "art": (author, ["ART"], now, "POSTED"),
        "viewed": (author, ["MUSIC"], now, "POSTED"),
        "mine": (me, ["MUSIC"], now, "POSTED"),
        "draft": (author, ["MUSIC"], now, "DRAFT"),
        "deleted": (author, ["MUSIC"], now, "POSTED"),
    }
    for name, (owner, categories, at, status) in specs.items():
        await bus.publish(
            "post_created",
            ev.post(p[name], owner.id, categories=categories, status=status, created_at=at),
        )
    await bus.publish("post_deleted", ev.post_deleted(p["deleted"], author.id))
    await bus.publish(
        "post_viewed", ev.view(ev.new_id(), p["viewed"], author.id, me.id, viewed_at=now)
    )
    for _ in range(5):  # popularity 5 * 5 = 25
        await bus.publish(
            "post_reaction_created",
            ev.reaction(
                ev.new_id(), p["popular_sports"], author.id, ev.new_id(), categories=["SPORTS"]
            ),
        )
    await bus.drain()

    # Me declared MUSIC and viewed a MUSIC post: affinity(MUSIC) = 0.5 + 0.5 * 1/1 = 1.
    got = await everything(client, me, "/recommendations/posts")
    first, second = sorted((p["new_music"], p["new_music_2"]), key=uuid.UUID)
    assert [(r["post_id"], r["rank"]) for r in got] == [
        (first, rank(1, 0, 0)),
        (second, rank(1, 0, 0)),
        (p["old_music"], rank(1, 0, 48)),
        (p["popular_sports"], rank(0, 25, 0)),
        (p["art"], rank(0, 0, 0)),
    ]
    # Postgres ranks by the formula of rules.py: each row's parts, and its rank from them.
    for row in got:
        assert row["match"] == rules.match(row["categories"], {"MUSIC": 1.0})
        counts = {k: row[k] for k in ("reactions", "comments", "views")}
        assert row["popularity"] == round(rules.popularity(**counts), 6)
        age = now - datetime.fromisoformat(row["published_at"])
        assert row["freshness"] == round(rules.freshness(age), 6)
        parts = {k: row[k] for k in ("match", "popularity", "freshness")}
        assert row["rank"] == pytest.approx(rules.rank(**parts), abs=2e-6)
    sports = got[3]
    assert (sports["reactions"], sports["match"], sports["reasons"]) == (5, 0.0, ["new"])
    assert got[0]["reasons"] == ["matches your interest in MUSIC", "new"]

    # Viewing a post takes it out.
    await bus.publish(
        "post_viewed",
        ev.view(ev.new_id(), p["art"], author.id, me.id, categories=["ART"], viewed_at=now),
    )
    await bus.drain()
    ids = [r["post_id"] for r in await everything(client, me, "/recommendations/posts")]
    assert p["art"] not in ids and len(ids) == 4


async def test_a_forged_post_cursor_is_a_400(
    client: httpx.AsyncClient, auth: httpx.AsyncClient, bus: Bus
) -> None:
    me, author = await create_users(auth, bus, "Me", "Author")
    await bus.publish("post_created", ev.post(ev.new_id(), author.id))
    await bus.publish("post_created", ev.post(ev.new_id(), author.id))
    await bus.drain()
    path = f"{API}/recommendations/posts"
    first = await client.get(path, headers=me.headers, params={"limit": 1})
    assert first.status_code == 200 and first.json()["next_cursor"]
    # The genuine cursor works: the second post, then the end.
    second = await client.get(
        path, headers=me.headers, params={"limit": 1, "cursor": first.json()["next_cursor"]}
    )
    assert second.status_code == 200, second.text
    assert len({r["post_id"] for r in first.json()["items"] + second.json()["items"]}) == 2

    some_id = str(uuid.uuid4())
    for cursor in (
        # as_of in year 1 or 9999: the ranking's date arithmetic overflowed in Postgres (500).
        forged({"dt": "0001-01-01T00:00:00+00:00"}, 0.5, some_id),
        forged({"dt": "9999-12-31T23:59:59+00:00"}, 0.5, some_id),
        forged({"dt": "2026-01-01T00:00:00"}, 0.5, some_id),  # naive
        forged({"dt": "2026-01-01T00:00:00+00:00"}, float("nan"), some_id),
        forged({"dt": "2026-01-01T00:00:00+00:00"}, float("inf"), some_id),
        forged({"dt": "2026-01-01T00:00:00+00:00"}, 10**309, uuid.uuid4().hex),  # > any float
        forged({"dt": "2026-01-01T00:00:00+00:00"}, True, some_id),
        forged({"dt": "2026-01-01T00:00:00+00:00"}, 0.5, "not-a-uuid"),
        forged({"dt": "2026-01-01T00:00:00+00:00"}, 0.5),
        forged("2026-01-01T00:00:00+00:00", 0.5, some_id),
    ):
        response = await client.get(path, headers=me.headers, params={"cursor": cursor})
        assert_error(response, 400, "invalid_cursor")
