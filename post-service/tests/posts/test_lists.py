"""``GET /posts``: what each caller sees, the filters, full-text search, keyset pagination
(including while posts are being created), and the ``popular`` order."""

from __future__ import annotations

import asyncio
import base64
import json
from typing import Any

import httpx
import pytest
from tortoise import connections

from chassis.testing import assert_error
from post_service.posts.service import recompute_hot
from tests.conftest import API, User, create_post, create_user


async def list_ids(client: httpx.AsyncClient, user: User, **params: Any) -> list[str]:
    response = await client.get(f"{API}/posts", params=params, headers=user.headers)
    assert response.status_code == 200, response.text
    return [p["id"] for p in response.json()["items"]]


async def all_pages(
    client: httpx.AsyncClient, user: User, *, path: str = "/posts", **params: Any
) -> list[str]:
    ids: list[str] = []
    cursor = None
    while True:
        query = {**params, **({"cursor": cursor} if cursor else {})}
        response = await client.get(f"{API}{path}", params=query, headers=user.headers)
        assert response.status_code == 200, response.text
        page = response.json()
        ids += [p["id"] for p in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            return ids


async def test_list_shows_posted_posts_and_the_callers_own(
    client: httpx.AsyncClient, auth: httpx.AsyncClient
) -> None:
    ann, bob = await create_user(auth), await create_user(auth)
    ann_posted = await create_post(client, ann, status="POSTED")
    ann_draft = await create_post(client, ann, status="DRAFT")
    ann_archived = await create_post(client, ann, status="ARCHIVED")
    bob_posted = await create_post(client, bob, status="POSTED")
    bob_draft = await create_post(client, bob, status="DRAFT")

    assert await list_ids(client, ann) == [
        bob_posted["id"],
        ann_archived["id"],
        ann_draft["id"],
        ann_posted["id"],
    ]
    assert await list_ids(client, bob) == [bob_draft["id"], bob_posted["id"], ann_posted["id"]]
    response = await client.get(f"{API}/posts", headers=bob.headers)
    assert response.json()["items"][1]["author"]["display_name"] == bob.display_name
    assert response.json()["next_cursor"] is None


async def test_status_author_and_category_filters(
    client: httpx.AsyncClient, auth: httpx.AsyncClient
) -> None:
    ann, bob = await create_user(auth), await create_user(auth)
    ann_art = await create_post(client, ann, categories=["ART"])
    ann_draft = await create_post(client, ann, status="DRAFT", categories=["ART", "FOOD"])
    bob_food = await create_post(client, bob, categories=["FOOD", "TRAVEL"])
    bob_draft = await create_post(client, bob, status="DRAFT", categories=["FOOD"])

    assert await list_ids(client, ann, status="POSTED") == [bob_food["id"], ann_art["id"]]
    # Drafts are private: asking for them returns only the caller's own.
    assert await list_ids(client, ann, status="DRAFT") == [ann_draft["id"]]
    assert await list_ids(client, bob, status="DRAFT") == [bob_draft["id"]]
    assert await list_ids(client, ann, status="ARCHIVED") == []
    assert await list_ids(client, ann, author=bob.id) == [bob_food["id"]]
    assert await list_ids(client, ann, author=ann.id) == [ann_draft["id"], ann_art["id"]]
    assert await list_ids(client, ann, category="FOOD") == [bob_food["id"], ann_draft["id"]]
    assert await list_ids(client, bob, category="FOOD", author=bob.id) == [
        bob_draft["id"],
        bob_food["id"],
    ]
    assert await list_ids(client, ann, category="MUSIC") == []


@pytest.mark.parametrize(
    "params",
    [
        {"category": "COOKING"},
        {"status": "DELETED"},
        {"author": "not-a-uuid"},
        {"sort": "random"},
        {"q": "x" * 201},
        {"q": "bell\x07"},
        {"limit": 0},
        {"limit": 101},
    ],
)
async def test_bad_list_parameters_are_422(
    client: httpx.AsyncClient, auth: httpx.AsyncClient, params: dict[str, Any]
) -> None:
    ann = await create_user(auth)
    response = await client.get(f"{API}/posts", params=params, headers=ann.headers)
    assert response.status_code == 422, response.text
    assert set(response.json()) == {"error"}


def forged_cursor(values: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")


UUID0 = "00000000-0000-4000-8000-000000000000"


@pytest.mark.parametrize(
    ("sort", "values"),
    [
        ("recent", [{"dt": "not a date"}, UUID0]),
        ("recent", [{"dt": "2026-01-01T00:00:00+00:00"}, "not-a-uuid"]),
        ("recent", [None, UUID0]),
        ("recent", [{"dt": "2026-01-01T00:00:00+00:00"}]),
        ("recent", ["x", "y", "z"]),
        ("recent", [{"nested": [1]}, 2]),
        ("recent", [2**70, UUID0]),
        ("popular", ["high", UUID0]),
        ("popular", [{"dt": "2026-01-01T00:00:00+00:00"}, UUID0]),
        ("popular", [1.5, "not-a-uuid"]),
        ("popular", [None, UUID0]),
        ("popular", [1.5]),
        ("recent", [{"dt": "0001-01-01T00:00:00+00:00"}, UUID0]),
        ("recent", [{"dt": "9999-12-31T23:59:59+00:00"}, UUID0]),
        ("recent", [{"dt": "2026-01-01T00:00:00"}, UUID0]),  # naive
        ("popular", [True, UUID0]),
    ],
)
async def test_forged_cursors_are_400_invalid_cursor(
    client: httpx.AsyncClient, auth: httpx.AsyncClient, sort: str, values: Any
) -> None:
    ann = await create_user(auth)
    paths = ["/posts", "/posts/feed"] if sort == "recent" else ["/posts"]
    for path in paths:
        response = await client.get(
            f"{API}{path}",
            params={"cursor": forged_cursor(values), "sort": sort},
            headers=ann.headers,
        )
        assert_error(response, 400, "invalid_cursor")


async def test_odd_but_well_formed_cursors_are_answered(
    client: httpx.AsyncClient, auth: httpx.AsyncClient
) -> None:
    ann = await create_user(auth)
    await create_post(client, ann)
    for sort, first in [
        ("popular", 1e300),
        ("popular", -1e300),
        ("recent", {"dt": "1900-01-01T00:00:00+00:00"}),
    ]:
        response = await client.get(
            f"{API}/posts",
            params={"cursor": forged_cursor([first, UUID0]), "sort": sort},
            headers=ann.headers,
        )
        assert response.status_code == 200, response.text
    nan = base64.urlsafe_b64encode(f'[NaN, "{UUID0}"]'.encode()).decode().rstrip("=")
    response = await client.get(
        f"{API}/posts", params={"cursor": nan, "sort": "popular"}, headers=ann.headers
    )
    assert_error(response, 400, "invalid_cursor")  # NaN is not JSON


async def test_pages_neither_repeat_nor_skip_while_posts_are_created(
    client: httpx.AsyncClient, auth: httpx.AsyncClient
) -> None:
    ann, bob = await create_user(auth), await create_user(auth)
    existing = [(await create_post(client, ann, content=f"post {i}"))["id"] for i in range(23)]
    existing.reverse()  # newest first

    seen: list[str] = []
    cursor = None
    created_meanwhile: list[str] = []
    while True:
        params = {"limit": 5, **({"cursor": cursor} if cursor else {})}
        page_request = client.get(f"{API}/posts", params=params, headers=bob.headers)
        # Another author publishes while Bob pages (concurrently with each page request).
        response, new = await asyncio.gather(page_request, create_post(client, ann))
        created_meanwhile.append(new["id"])
        assert response.status_code == 200
        page = response.json()
        seen += [p["id"] for p in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break

    assert len(seen) == len(set(seen)), "a post appeared on two pages"
    old = [post_id for post_id in seen if post_id not in created_meanwhile]
    assert old == existing, "a post that existed before the first page was skipped"
    # New posts are newer than the cursor: they are on the next first page, not mid-walk.
    first_page = await list_ids(client, bob, limit=len(created_meanwhile))
    assert first_page == list(reversed(created_meanwhile))


async def test_limit_and_cursor_walk_the_whole_list(
    client: httpx.AsyncClient, auth: httpx.AsyncClient
) -> None:
    ann = await create_user(auth)
    ids = [(await create_post(client, ann))["id"] for _ in range(7)]
    assert await all_pages(client, ann, limit=3) == list(reversed(ids))
    assert await all_pages(client, ann, limit=100) == list(reversed(ids))


async def test_full_text_search(client: httpx.AsyncClient, auth: httpx.AsyncClient) -> None:
    ann, bob = await create_user(auth), await create_user(auth)
    river = await create_post(client, ann, title="River walk", content="Herons at dawn.")
    heron = await create_post(client, ann, title="Birds", content="A grey heron fishing.")
    draft = await create_post(
        client, bob, title="Secret river", content="Unpublished.", status="DRAFT"
    )
    await create_post(client, ann, title="Markets", content="Spices and bread.")

    assert await list_ids(client, ann, q="river") == [river["id"]]
    assert await list_ids(client, bob, q="river") == [draft["id"], river["id"]]  # own draft
    assert await list_ids(client, ann, q="HERONS") == [river["id"]]  # case-insensitive
    assert await list_ids(client, ann, q="heron") == [heron["id"]]  # 'simple': no stemming
    assert await list_ids(client, ann, q="river -herons") == []
    assert await list_ids(client, ann, q="heron OR spices") == [
        (await list_ids(client, ann, q="spices"))[0],
        heron["id"],
    ]
    assert await list_ids(client, ann, q='"grey heron"') == [heron["id"]]
    assert await list_ids(client, ann, q='"heron grey"') == []
    assert await list_ids(client, ann, q="nothing-matches-this") == []
    # Quotes, operators and punctuation are never a syntax error.
    for odd in ('"', "'", "& | ! ( ) :*", "-", "OR", "\\"):
        response = await client.get(f"{API}/posts", params={"q": odd}, headers=ann.headers)
        assert response.status_code == 200, (odd, response.text)
    # Blank q is no filter.
    assert len(await list_ids(client, ann, q="   ")) == 3


async def test_search_uses_the_generated_column(
    client: httpx.AsyncClient, auth: httpx.AsyncClient
) -> None:
    ann = await create_user(auth)
    post = await create_post(client, ann, title="Alpha", content="beta")
    await client.patch(f"{API}/posts/{post['id']}", json={"content": "gamma"}, headers=ann.headers)
    assert await list_ids(client, ann, q="beta") == []
    assert await list_ids(client, ann, q="gamma alpha") == [post["id"]]
    rows = await connections.get("default").execute_query_dict(
        "SELECT search_vector::text AS v FROM post WHERE id = $1", [post["id"]]
    )
    assert rows[0]["v"] == "'alpha':1A 'gamma':2B"


async def test_popular_order_and_pagination(
    client: httpx.AsyncClient, auth: httpx.AsyncClient
) -> None:
    ann, bob = await create_user(auth), await create_user(auth)
    ids = [(await create_post(client, ann, content=f"p{i}"))["id"] for i in range(6)]
    draft = await create_post(client, bob, status="DRAFT")
    # Engagement and age, set directly: hot follows (positive + comments + 1) / (age + 2)^1.5.
    engagement = {
        ids[0]: (10, 0, 1),
        ids[1]: (0, 3, 1),
        ids[2]: (50, 50, 24 * 30),
        ids[3]: (1, 0, 5),
    }
    for post_id, (positive, comments, age_hours) in engagement.items():
        await connections.get("default").execute_query(
            "UPDATE post SET positive_reactions = $2, total_reactions = $2, total_comments = $3, "
            "listed_at = now() - make_interval(hours => $4) WHERE id = $1",
            [post_id, positive, comments, age_hours],
        )
    await recompute_hot()
    await connections.get("default").execute_query(
        "UPDATE post SET hot = (positive_reactions + total_comments + 1) / power(192 + 2, 1.5) "
        "WHERE id = $1",
        [ids[2]],
    )  # older than the decay horizon: the job leaves it, its value is the capped one
    # 11/3^1.5, 4/3^1.5, then the two fresh ones (newest first), 2/7^1.5, 101/194^1.5
    expected = [ids[0], ids[1], ids[5], ids[4], ids[3], ids[2]]
    hot = await all_pages(client, ann, sort="popular", limit=2)
    assert hot == expected
    # Bob sees his own draft in the popular list too (a fresh post scores 1 / 2^1.5).
    assert draft["id"] in await all_pages(client, bob, sort="popular", limit=4)
