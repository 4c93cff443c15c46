"""Bad input is always a 4xx in the one error shape, never a 500, and writes nothing."""

from __future__ import annotations

import httpx
import pytest

from chassis.testing import assert_error, outbox_rows
from interaction_service.comments.models import Comment
from interaction_service.reactions.models import Reaction
from tests.conftest import API, Bus, Cast, comment, create_post


async def nothing_written() -> bool:
    return not (
        await Comment.all().exists()
        or await Reaction.all().exists()
        or await outbox_rows("post_comment_created")
    )


async def test_nul_bytes_anywhere(client: httpx.AsyncClient, bus: Bus, users: Cast) -> None:
    post_id = await create_post(bus, users.carol)
    headers = users.alice.headers
    url = f"{API}/posts/{post_id}/comments"
    cases = [
        client.post(url, json={"content": "a\x00b"}, headers=headers),
        client.post(
            url,
            content=b'{"content": "a\\u0000b"}',
            headers={**headers, "Content-Type": "application/json"},
        ),
        client.get(f"{url}?cursor=%00", headers=headers),
        client.get(f"{API}/comments/abc%00def", headers=headers),
    ]
    for request in cases:
        assert_error(await request, 422)
    assert await nothing_written()


async def test_unknown_fields_are_refused(client: httpx.AsyncClient, bus: Bus, users: Cast) -> None:
    post_id = await create_post(bus, users.carol)
    created = await comment(client, users.alice, post_id, "original")
    cases = [
        client.put(
            f"{API}/posts/{post_id}/reactions/me",
            json={"type": "LIKE", "user_id": users.bob.id},
            headers=users.alice.headers,
        ),
        client.patch(
            f"{API}/comments/{created['id']}",
            json={"content": "edited", "author_id": users.bob.id},
            headers=users.alice.headers,
        ),
        client.post(
            f"{API}/posts/{post_id}/comments",
            json={"content": "x", "deleted": True},
            headers=users.alice.headers,
        ),
    ]
    for request in cases:
        assert_error(await request, 422, "validation_error")
    assert (await Comment.get(id=created["id"])).content == "original"
    assert await Comment.all().count() == 1
    assert not await Reaction.all().exists()


@pytest.mark.parametrize(
    "query",
    [
        "limit=0",
        "limit=101",
        "limit=99999999999999999999999",
        "limit=-1",
        "limit=ten",
        "cursor=" + "A" * 600,  # longer than any cursor: refused by the query's validation
    ],
)
async def test_bad_pagination(client: httpx.AsyncClient, bus: Bus, users: Cast, query: str) -> None:
    post_id = await create_post(bus, users.carol)
    created = await comment(client, users.alice, post_id)
    for url in (
        f"{API}/posts/{post_id}/comments",
        f"{API}/comments/{created['id']}/replies",
        f"{API}/posts/{post_id}/reactions",
    ):
        response = await client.get(f"{url}?{query}", headers=users.alice.headers)
        assert_error(response, 422)


@pytest.mark.parametrize(
    "cursor",
    [
        "not-a-cursor",
        "WyJub3QtYS1kYXRlIiwgIm5vdC1hLXV1aWQiXQ",  # ["not-a-date", "not-a-uuid"]
    ],
)
async def test_forged_cursors(
    client: httpx.AsyncClient, bus: Bus, users: Cast, cursor: str
) -> None:
    post_id = await create_post(bus, users.carol)
    created = await comment(client, users.alice, post_id)
    for url in (
        f"{API}/posts/{post_id}/comments",
        f"{API}/comments/{created['id']}/replies",
        f"{API}/posts/{post_id}/reactions",
    ):
        response = await client.get(f"{url}?cursor={cursor}", headers=users.alice.headers)
        assert_error(response, 400, "invalid_cursor")


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/comments/not-a-uuid"),
        ("PATCH", "/comments/123"),
        ("DELETE", "/comments/zz"),
        ("GET", "/comments/1/replies"),
        ("GET", "/comments/x/nft"),
        ("GET", "/reactions/nope"),
        ("DELETE", "/reactions/nope"),
        ("POST", "/posts/not-a-uuid/comments"),
        ("PUT", "/posts/not-a-uuid/reactions/me"),
        ("POST", "/posts/not-a-uuid/views"),
        ("GET", "/not-a-uuid/view"),
        ("GET", "/posts/12345678-1234-1234-1234-1234567890123/views/summary"),
    ],
)
async def test_bad_uuids_in_the_path(
    client: httpx.AsyncClient, users: Cast, method: str, path: str
) -> None:
    body = {"content": "x"} if method in ("POST", "PATCH") else None
    if "reactions/me" in path:
        body = {"type": "LIKE"}
    response = await client.request(method, API + path, json=body, headers=users.alice.headers)
    assert_error(response, 422, "validation_error")
    assert await nothing_written()


async def test_malformed_and_oversized_bodies(
    client: httpx.AsyncClient, bus: Bus, users: Cast
) -> None:
    post_id = await create_post(bus, users.carol)
    url = f"{API}/posts/{post_id}/comments"
    json_headers = {**users.alice.headers, "Content-Type": "application/json"}

    assert_error(await client.post(url, content=b'{"content": ', headers=json_headers), 422)
    assert_error(await client.post(url, content=b"[1, 2]", headers=json_headers), 422)
    assert_error(await client.post(url, content=b"content=hi", headers=users.alice.headers), 422)
    huge = b'{"content": "' + b"x" * 1_100_000 + b'"}'
    assert_error(await client.post(url, content=huge, headers=json_headers), 413)
    assert await nothing_written()


async def test_unknown_routes_and_methods(client: httpx.AsyncClient, users: Cast) -> None:
    assert_error(await client.get(f"{API}/nothing/here/at/all", headers=users.alice.headers), 404)
    assert_error(await client.put(f"{API}/reactions/types", headers=users.alice.headers), 405)
