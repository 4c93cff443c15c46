"""The moderators' API: the queue, a case, approve and remove."""

from __future__ import annotations

import base64
import uuid

import httpx
import pytest

from chassis.pagination import encode_cursor
from chassis.testing import assert_error, outbox_rows
from moderation_service.moderations.models import Moderation, ModerationAction, ModerationStatus
from tests.conftest import (
    BORDERLINE,
    CLEAN,
    OFFENSIVE,
    Bus,
    Users,
    comment_created,
    content_removed,
    make_case,
    post_created,
    post_deleted,
)

API = "/api/v1"


# --- authorisation -------------------------------------------------------------------------

MODERATOR_ENDPOINTS = [
    ("GET", "/moderations", None),
    ("GET", "/moderations/{id}", None),
    ("POST", "/moderations/{id}/approve", {}),
    ("POST", "/moderations/{id}/remove", {"reason": "SPAM"}),
    ("POST", "/analyze", {"text": "hello"}),
]


@pytest.mark.parametrize(("method", "path", "body"), MODERATOR_ENDPOINTS)
async def test_plain_users_get_403_on_every_moderator_endpoint(
    client: httpx.AsyncClient, users: Users, method: str, path: str, body: dict | None
) -> None:
    case = await make_case()
    url = API + path.format(id=case.id)
    response = await client.request(method, url, json=body, headers=users.bob.headers)
    assert_error(response, 403, "forbidden")
    assert_error(await client.request(method, url, json=body), 401, "unauthorized")
    await case.refresh_from_db()
    assert case.status == ModerationStatus.PENDING_REVIEW
    assert await ModerationAction.all().count() == 0
    assert await outbox_rows("content_removal_requested") == []


async def test_a_bad_token_is_401(client: httpx.AsyncClient) -> None:
    response = await client.get(f"{API}/moderations", headers={"Authorization": "Bearer nope"})
    assert_error(response, 401, "unauthorized")


# --- the queue -----------------------------------------------------------------------------


async def test_the_queue_lists_open_cases_by_priority(
    client: httpx.AsyncClient, users: Users
) -> None:
    low = await make_case(score=0.55)
    high = await make_case(score=0.85)
    reported = await make_case(
        score=0.1, status="APPROVED", report_count=2, reason=None, queued=True
    )
    appealed = await make_case(status="DELETE_CONFIRMED", appealed=True, score=0.99)
    await make_case(status="APPROVED", reason=None)  # nothing to do
    await make_case(status="DELETE_REQUESTED", score=0.95)
    await make_case(status="PENDING_REVIEW", queued=False)  # e.g. its content was deleted

    response = await client.get(f"{API}/moderations", headers=users.moderator.headers)
    assert response.status_code == 200
    body = response.json()
    assert [i["id"] for i in body["items"]] == [str(c.id) for c in (appealed, reported, high, low)]
    assert body["next_cursor"] is None
    first = body["items"][0]
    assert first["appealed"] is True and first["status"] == "DELETE_CONFIRMED"
    assert set(first["scores"]) == {"offensive", "spam", "blocklist"}
    assert first["excerpt"] == "Some text"


async def test_filters(client: httpx.AsyncClient, users: Users) -> None:
    author = uuid.uuid4()
    spam = await make_case(reason="SPAM", author_id=author)
    comment = await make_case(content_type="COMMENT", reason="RACISM")
    removed = await make_case(status="DELETE_REQUESTED", reason="NUDITY")
    approved = await make_case(status="APPROVED", reason=None, author_id=author)

    async def ids(query: str) -> list[str]:
        response = await client.get(f"{API}/moderations?{query}", headers=users.admin.headers)
        assert response.status_code == 200, response.text
        return [i["id"] for i in response.json()["items"]]

    assert await ids("reason=SPAM") == [str(spam.id)]
    assert await ids("content_type=COMMENT") == [str(comment.id)]
    assert await ids("status=DELETE_REQUESTED") == [str(removed.id)]
    assert await ids("status=APPROVED") == [str(approved.id)]
    assert sorted(await ids(f"author_id={author}&status=APPROVED")) == [str(approved.id)]
    assert await ids(f"author_id={author}") == [str(spam.id)]
    assert await ids("reason=SPAM&content_type=COMMENT") == []


async def test_keyset_pages_cover_every_case_once(client: httpx.AsyncClient, users: Users) -> None:
    # Ties on every sort key but the id, across pages.
    cases = [await make_case(score=0.6, report_count=i % 3) for i in range(12)]
    cases += [await make_case(score=0.7, appealed=True, status="DELETE_CONFIRMED")]
    expected = sorted(
        cases, key=lambda c: (c.appealed, c.report_count, c.score, str(c.id)), reverse=True
    )
    seen: list[str] = []
    cursor = None
    while True:
        query = "limit=5" + (f"&cursor={cursor}" if cursor else "")
        page = await client.get(f"{API}/moderations?{query}", headers=users.moderator.headers)
        assert page.status_code == 200, page.text
        seen += [i["id"] for i in page.json()["items"]]
        cursor = page.json()["next_cursor"]
        if cursor is None:
            break
    assert seen == [str(c.id) for c in expected]


@pytest.mark.parametrize(
    "query",
    [
        "limit=0",
        "limit=101",
        "status=LOST",
        "reason=RUDE",
        "content_type=VIDEO",
        "author_id=not-a-uuid",
    ],
)
async def test_bad_queries_are_422(client: httpx.AsyncClient, users: Users, query: str) -> None:
    response = await client.get(f"{API}/moderations?{query}", headers=users.moderator.headers)
    assert_error(response, 422)


def _raw_cursor(json_text: str) -> str:
    """A cursor made of any JSON text, as a client could forge it."""
    return base64.urlsafe_b64encode(json_text.encode()).decode().rstrip("=")


_ID = str(uuid.uuid4())


@pytest.mark.parametrize(
    "cursor",
    [
        # An integer beyond float range as the score (was a 500: OverflowError); the query
        # parameter's 512 characters leave room for about 330 digits.
        _raw_cursor(f'[true, 1, {10**310}, "{_ID}"]'),
        _raw_cursor(f'[true, 1, {-(10**320)}, "{_ID}"]'),
        _raw_cursor(f'[true, {10**40}, 0.5, "{_ID}"]'),
        _raw_cursor(f'[true, {2**31}, 0.5, "{_ID}"]'),  # not an int32
        _raw_cursor(f'[true, 1, 1e400, "{_ID}"]'),  # a float literal that overflows
        _raw_cursor(f'[true, 1, -1e400, "{_ID}"]'),
        _raw_cursor(f'[true, 1, NaN, "{_ID}"]'),
        _raw_cursor(f'[true, 1, Infinity, "{_ID}"]'),
        _raw_cursor(f'[1, 1, 0.5, "{_ID}"]'),  # wrong types
        _raw_cursor(f'[true, true, 0.5, "{_ID}"]'),
        _raw_cursor(f'[true, 1.0, 0.5, "{_ID}"]'),
        _raw_cursor(f'[true, 1, "0.5", "{_ID}"]'),
        _raw_cursor('[true, 1, 0.5, "x\'; drop table moderation; --"]'),
        _raw_cursor("[true, 1, 0.5, null]"),
        _raw_cursor(f'[true, 1, 0.5, ["{_ID}"]]'),  # nested lists
        _raw_cursor(f'[[true], [1], [0.5], ["{_ID}"]]'),
        _raw_cursor("[" * 180 + "]" * 180),
        _raw_cursor("[1,2,3]"),  # wrong length
        _raw_cursor(f'[true, 1, 0.5, "{_ID}", 4]'),
        _raw_cursor("[]"),
        _raw_cursor(f'{{"appealed": true, "id": "{_ID}"}}'),  # not a list
        _raw_cursor('"just a string"'),
        "notacursor",  # not base64 of JSON
        "%%%%",
        "WzEsMiwz",  # truncated JSON
        base64.urlsafe_b64encode(b"\xff\xfe[1]").decode(),  # not UTF-8
    ],
)
async def test_forged_cursors_are_400(client: httpx.AsyncClient, users: Users, cursor: str) -> None:
    assert len(cursor) <= 512  # within the parameter's length: it reaches the decoder
    await make_case()
    response = await client.get(
        f"{API}/moderations", params={"cursor": cursor}, headers=users.moderator.headers
    )
    assert_error(response, 400, "invalid_cursor")
    assert await Moderation.all().count() == 1


async def test_a_cursor_from_the_service_still_pages(
    client: httpx.AsyncClient, users: Users
) -> None:
    """The typed cursor keeps every kind of value the queue sorts on, extreme ones included."""
    low = await make_case(score=-1e-300, report_count=-(2**31))
    cursor = encode_cursor([True, 2**31 - 1, 1.5e300, "ffffffff-ffff-ffff-ffff-ffffffffffff"])
    page = await client.get(
        f"{API}/moderations", params={"cursor": cursor}, headers=users.moderator.headers
    )
    assert page.status_code == 200, page.text
    assert [i["id"] for i in page.json()["items"]] == [str(low.id)]


# --- a case --------------------------------------------------------------------------------


async def test_a_case_shows_its_snapshot_scores_and_history(
    bus: Bus, client: httpx.AsyncClient, users: Users
) -> None:
    event = post_created(author_id=users.alice.id, content=BORDERLINE, title="Hot take")
    await bus.deliver(event)
    case = await Moderation.get(content_id=event.data["post_id"])
    approved = await client.post(
        f"{API}/moderations/{case.id}/approve",
        json={"note": "Robust but fair"},
        headers=users.moderator.headers,
    )
    assert approved.status_code == 200

    response = await client.get(f"{API}/moderations/{case.id}", headers=users.moderator.headers)
    assert response.status_code == 200
    body = response.json()
    assert body["title"] == "Hot take" and body["content"] == BORDERLINE
    assert body["excerpt"] == f"Hot take\n{BORDERLINE}"
    assert body["status"] == "APPROVED" and body["decision"] == "REVIEW"
    assert body["reason"] == "OFFENSIVE_CONTENT"
    assert body["scores"]["offensive"] == case.offensive_score
    assert body["model"].startswith("alt-profanity-check==")
    assert body["details"] == {"context": None, "blocklist_hits": [], "spam_rules": {}}
    assert body["reports"] == [] and body["appeal"] is None
    history = body["history"]
    assert [(h["action"], h["actor_type"], h["actor_id"]) for h in history] == [
        ("ANALYSED", "SYSTEM", None),
        ("APPROVED", "MODERATOR", users.moderator.id),
    ]
    assert history[0]["data"]["scores"] == body["scores"]
    assert history[1]["note"] == "Robust but fair"
    assert history[1]["from_status"] == "PENDING_REVIEW" and history[1]["to_status"] == "APPROVED"
    assert history[0]["created_at"] <= history[1]["created_at"]


async def test_unknown_or_malformed_case_ids(client: httpx.AsyncClient, users: Users) -> None:
    headers = users.moderator.headers
    assert_error(await client.get(f"{API}/moderations/{uuid.uuid4()}", headers=headers), 404)
    assert_error(await client.get(f"{API}/moderations/nope", headers=headers), 422)
    missing = await client.post(f"{API}/moderations/{uuid.uuid4()}/approve", headers=headers)
    assert_error(missing, 404, "not_found")
    missing = await client.post(
        f"{API}/moderations/{uuid.uuid4()}/remove", json={"reason": "SPAM"}, headers=headers
    )
    assert_error(missing, 404, "not_found")


# --- approve -------------------------------------------------------------------------------


async def test_approve_a_case_in_review(client: httpx.AsyncClient, users: Users) -> None:
    case = await make_case()
    response = await client.post(
        f"{API}/moderations/{case.id}/approve", headers=users.moderator.headers
    )
    assert response.status_code == 200
    assert response.json()["status"] == "APPROVED"
    await case.refresh_from_db()
    assert case.status == ModerationStatus.APPROVED and not case.queued
    assert case.reviewed_at is not None
    action = await ModerationAction.get(moderation_id=case.id)
    assert action.action == "APPROVED" and str(action.actor_id) == users.moderator.id
    assert action.note is None

    again = await client.post(
        f"{API}/moderations/{case.id}/approve", headers=users.moderator.headers
    )
    assert_error(again, 409, "invalid_transition")
    assert await ModerationAction.filter(moderation_id=case.id).count() == 1


@pytest.mark.parametrize("status", ["DELETE_REQUESTED", "DELETE_CONFIRMED"])
async def test_removed_content_cannot_be_approved(
    client: httpx.AsyncClient, users: Users, status: str
) -> None:
    case = await make_case(status=status)
    response = await client.post(
        f"{API}/moderations/{case.id}/approve", headers=users.moderator.headers
    )
    assert_error(response, 409, "invalid_transition")
    await case.refresh_from_db()
    assert case.status == status


async def test_approve_bodies_are_validated(client: httpx.AsyncClient, users: Users) -> None:
    case = await make_case()
    url = f"{API}/moderations/{case.id}/approve"
    bodies = [
        {"note": ""},
        {"note": "x" * 2001},
        {"note": "bell \u0007"},
        {"other": 1},
        {"note": "fine \u202eenif"},  # bidi override
        {"note": "fine\u200b"},  # zero-width space
        {"note": "\u2066fine\u2069"},  # isolate
        {"note": "\ufefffine"},  # byte order mark
    ]
    for body in bodies:
        assert_error(await client.post(url, json=body, headers=users.moderator.headers), 422)
    await case.refresh_from_db()
    assert case.status == ModerationStatus.PENDING_REVIEW
    assert not await ModerationAction.exists(moderation_id=case.id)


async def test_remove_notes_refuse_invisible_characters(
    client: httpx.AsyncClient, users: Users
) -> None:
    case = await make_case()
    url = f"{API}/moderations/{case.id}/remove"
    for note in ("harassment\u202e", "harass\u200bment", "\u2066harassment", "\ufeffharassment"):
        body = {"reason": "RULES_VIOLATION", "note": note}
        assert_error(await client.post(url, json=body, headers=users.moderator.headers), 422)
    await case.refresh_from_db()
    assert case.status == ModerationStatus.PENDING_REVIEW
    assert not await ModerationAction.exists(moderation_id=case.id)
    assert await outbox_rows("content_removal_requested") == []


# --- remove --------------------------------------------------------------------------------


async def test_a_manual_removal_follows_the_event_path(
    bus: Bus, client: httpx.AsyncClient, users: Users
) -> None:
    event = comment_created(author_id=users.alice.id, content=BORDERLINE)
    await bus.deliver(event)
    case = await Moderation.get(content_id=event.data["comment_id"])

    response = await client.post(
        f"{API}/moderations/{case.id}/remove",
        json={"reason": "RULES_VIOLATION", "note": "Harassment of another user"},
        headers=users.moderator.headers,
    )
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "DELETE_REQUESTED"
    assert response.json()["reason"] == "RULES_VIOLATION"
    [request] = await bus.published("content_removal_requested")
    assert request.data == {
        "moderation_id": str(case.id),
        "content_type": "COMMENT",
        "content_id": event.data["comment_id"],
        "author_id": users.alice.id,
        "reason": "RULES_VIOLATION",
    }
    action = await ModerationAction.get(moderation_id=case.id, action="REMOVAL_REQUESTED")
    assert action.actor_type == "MODERATOR" and str(action.actor_id) == users.moderator.id
    assert action.note == "Harassment of another user"

    again = await client.post(
        f"{API}/moderations/{case.id}/remove",
        json={"reason": "SPAM"},
        headers=users.moderator.headers,
    )
    assert_error(again, 409, "invalid_transition")

    await bus.deliver(content_removed(request))
    await case.refresh_from_db()
    assert case.status == ModerationStatus.DELETE_CONFIRMED
    assert len(await bus.published("content_removal_requested")) == 1


async def test_approved_content_can_be_removed(
    bus: Bus, client: httpx.AsyncClient, users: Users
) -> None:
    event = post_created(author_id=users.alice.id, content=CLEAN)
    await bus.deliver(event)
    case = await Moderation.get(content_id=event.data["post_id"])
    response = await client.post(
        f"{API}/moderations/{case.id}/remove", json={"reason": "SPAM"}, headers=users.admin.headers
    )
    assert response.status_code == 200
    [request] = await bus.published("content_removal_requested")
    assert request.data["reason"] == "SPAM"


async def test_deleted_content_cannot_be_decided(
    bus: Bus, client: httpx.AsyncClient, users: Users
) -> None:
    event = post_created(author_id=users.alice.id, content=BORDERLINE)
    await bus.deliver(event)
    await bus.deliver(post_deleted(event))
    case = await Moderation.get(content_id=event.data["post_id"])
    headers = users.moderator.headers
    remove = await client.post(
        f"{API}/moderations/{case.id}/remove", json={"reason": "SPAM"}, headers=headers
    )
    assert_error(remove, 409, "content_gone")
    assert_error(await client.post(f"{API}/moderations/{case.id}/approve", headers=headers), 409)
    assert await bus.published("content_removal_requested") == []


@pytest.mark.parametrize(
    "body", [{}, {"reason": "RUDE"}, {"reason": "SPAM", "x": 1}, {"reason": None}]
)
async def test_remove_needs_a_known_reason(
    client: httpx.AsyncClient, users: Users, body: dict
) -> None:
    case = await make_case()
    response = await client.post(
        f"{API}/moderations/{case.id}/remove", json=body, headers=users.moderator.headers
    )
    assert_error(response, 422)
    assert await outbox_rows("content_removal_requested") == []


async def test_an_offensive_case_in_the_queue_after_review(
    bus: Bus, client: httpx.AsyncClient, users: Users
) -> None:
    clean = post_created(author_id=users.alice.id, content=CLEAN)
    offensive = post_created(author_id=users.alice.id, content=OFFENSIVE)
    await bus.deliver(clean, offensive)
    queue = await client.get(f"{API}/moderations", headers=users.moderator.headers)
    assert queue.json()["items"] == []  # removed automatically, approved automatically
    removing = await client.get(
        f"{API}/moderations?status=DELETE_REQUESTED", headers=users.moderator.headers
    )
    assert [i["content_id"] for i in removing.json()["items"]] == [offensive.data["post_id"]]
