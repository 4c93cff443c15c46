"""``POST /analyze``: moderators try a text; nothing is stored."""

from __future__ import annotations

import httpx
import pytest

from chassis.testing import assert_error, outbox_rows
from moderation_service.moderations.models import Moderation
from tests.conftest import OFFENSIVE, Users


@pytest.mark.parametrize("role", ["moderator", "admin"])
async def test_moderators_get_scores_and_a_decision(
    client: httpx.AsyncClient, users: Users, role: str
) -> None:
    headers = getattr(users, role).headers
    response = await client.post("/api/v1/analyze", json={"text": OFFENSIVE}, headers=headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["decision"] == "REMOVE" and body["reason"] == "OFFENSIVE_CONTENT"
    assert set(body["scores"]) == {"offensive", "spam", "blocklist"}
    assert body["scores"]["offensive"] >= 0.9 and body["score"] == body["scores"]["offensive"]
    assert body["model"].startswith("alt-profanity-check==")
    assert body["thresholds"] == {"review": 0.5, "removal": 0.9, "blocklist_alone": 0.75}
    assert body["blocklist_hits"] == [] and body["spam_rules"] == {}
    # Nothing stored, nothing emitted.
    assert await Moderation.all().count() == 0
    assert await outbox_rows("content_removal_requested") == []


async def test_blocklist_and_spam_details_are_shown(
    client: httpx.AsyncClient, users: Users
) -> None:
    response = await client.post(
        "/api/v1/analyze",
        json={"text": "k y s, and click here: bit.ly/x"},
        headers=users.moderator.headers,
    )
    assert response.status_code == 200
    body = response.json()
    assert body["blocklist_hits"] == [{"term": "kys", "reason": "RULES_VIOLATION", "weight": 1.0}]
    assert body["spam_rules"]["shortener"] == 0.3 and "phrases" in body["spam_rules"]


async def test_plain_users_are_refused(client: httpx.AsyncClient, users: Users) -> None:
    response = await client.post("/api/v1/analyze", json={"text": "hi"}, headers=users.bob.headers)
    assert_error(response, 403, "forbidden")
    assert_error(await client.post("/api/v1/analyze", json={"text": "hi"}), 401, "unauthorized")


@pytest.mark.parametrize(
    "body",
    [
        {"text": ""},
        {"text": "x" * 10_001},
        {"text": "hi", "extra": 1},
        {},
        {"text": 5},
        {"text": "nul \u0000 byte"},
    ],
)
async def test_bad_bodies_are_422(client: httpx.AsyncClient, users: Users, body: dict) -> None:
    response = await client.post("/api/v1/analyze", json=body, headers=users.moderator.headers)
    assert_error(response, 422)


async def test_the_longest_text_is_accepted(client: httpx.AsyncClient, users: Users) -> None:
    text = ("A calm sentence about gardens. " * 400)[:10_000]
    response = await client.post(
        "/api/v1/analyze", json={"text": text}, headers=users.moderator.headers
    )
    assert response.status_code == 200 and response.json()["decision"] == "APPROVE"
