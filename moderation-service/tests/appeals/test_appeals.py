"""``POST /moderations/{id}/appeal``: the author contests a removal, once, within the window."""

from __future__ import annotations

import uuid

import httpx
import pytest

from chassis.clock import FrozenClock
from chassis.testing import assert_error
from moderation_service.moderations.models import (
    Appeal,
    Moderation,
    ModerationAction,
    ModerationStatus,
)
from tests.conftest import (
    BORDERLINE,
    CLEAN,
    OFFENSIVE,
    AuthUser,
    Bus,
    Users,
    content_removed,
    make_case,
    post_created,
)

API = "/api/v1"


async def removed_post(bus: Bus, users: Users, *, confirm: bool = True) -> Moderation:
    event = post_created(author_id=users.alice.id, content=OFFENSIVE)
    await bus.deliver(event)
    if confirm:
        [request] = await bus.published("content_removal_requested")
        await bus.deliver(content_removed(request))
    return await Moderation.get(content_id=event.data["post_id"])


async def appeal(
    client: httpx.AsyncClient, user: AuthUser, case_id: object, note: str = "It was a quote"
) -> httpx.Response:
    return await client.post(
        f"{API}/moderations/{case_id}/appeal", json={"note": note}, headers=user.headers
    )


async def test_the_author_appeals_and_the_case_heads_the_queue(
    bus: Bus, client: httpx.AsyncClient, users: Users, clock: FrozenClock
) -> None:
    await make_case(score=0.8, report_count=5)
    case = await removed_post(bus, users)
    response = await appeal(client, users.alice, case.id)
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["moderation_id"] == str(case.id) and body["status"] == "OPEN"
    assert body["note"] == "It was a quote" and body["resolved_at"] is None

    await case.refresh_from_db()
    assert case.appealed and case.queued
    assert case.status == ModerationStatus.DELETE_CONFIRMED  # removed content stays removed
    action = await ModerationAction.get(moderation_id=case.id, action="APPEALED")
    assert action.actor_type == "USER" and str(action.actor_id) == users.alice.id
    queue = await client.get(f"{API}/moderations", headers=users.moderator.headers)
    assert queue.json()["items"][0]["id"] == str(case.id)
    detail = await client.get(f"{API}/moderations/{case.id}", headers=users.moderator.headers)
    assert detail.json()["appeal"]["id"] == body["id"]


async def test_only_once(bus: Bus, client: httpx.AsyncClient, users: Users) -> None:
    case = await removed_post(bus, users)
    assert (await appeal(client, users.alice, case.id)).status_code == 201
    assert_error(await appeal(client, users.alice, case.id, "again"), 409, "already_appealed")
    assert await Appeal.all().count() == 1


@pytest.mark.parametrize("who", ["bob", "moderator"])
async def test_others_learn_nothing(
    bus: Bus, client: httpx.AsyncClient, users: Users, who: str
) -> None:
    case = await removed_post(bus, users)
    assert_error(await appeal(client, getattr(users, who), case.id), 404, "not_found")
    assert_error(await appeal(client, users.alice, uuid.uuid4()), 404, "not_found")
    assert await Appeal.all().count() == 0
    await case.refresh_from_db()
    assert not case.appealed


async def test_only_removals_can_be_appealed(
    bus: Bus, client: httpx.AsyncClient, users: Users
) -> None:
    for content in (CLEAN, BORDERLINE):
        event = post_created(author_id=users.alice.id, content=content)
        await bus.deliver(event)
        case = await Moderation.get(content_id=event.data["post_id"])
        assert_error(await appeal(client, users.alice, case.id), 409, "not_appealable")
    assert await Appeal.all().count() == 0


async def test_a_pending_removal_can_be_appealed(
    bus: Bus, client: httpx.AsyncClient, users: Users
) -> None:
    case = await removed_post(bus, users, confirm=False)
    assert case.status == ModerationStatus.DELETE_REQUESTED
    assert (await appeal(client, users.alice, case.id)).status_code == 201


async def test_the_window_closes(
    bus: Bus, client: httpx.AsyncClient, users: Users, clock: FrozenClock
) -> None:
    case = await removed_post(bus, users)
    clock.advance(days=7, seconds=1)
    assert_error(await appeal(client, users.alice, case.id), 409, "appeal_window_closed")
    assert await Appeal.all().count() == 0


async def test_the_window_is_still_open_at_its_end(
    bus: Bus, client: httpx.AsyncClient, users: Users, clock: FrozenClock
) -> None:
    case = await removed_post(bus, users)
    clock.advance(days=7)
    assert (await appeal(client, users.alice, case.id)).status_code == 201


async def test_granting_an_appeal_overturns_the_removal(
    bus: Bus, client: httpx.AsyncClient, users: Users
) -> None:
    case = await removed_post(bus, users)
    await appeal(client, users.alice, case.id)
    response = await client.post(
        f"{API}/moderations/{case.id}/approve", headers=users.moderator.headers
    )
    assert response.status_code == 200
    assert response.json()["status"] == "APPROVED" and response.json()["appealed"] is False
    await case.refresh_from_db()
    assert not case.queued and case.content_deleted_at is not None
    stored = await Appeal.get(moderation_id=case.id)
    assert stored.status == "GRANTED" and str(stored.resolved_by) == users.moderator.id
    action = await ModerationAction.get(moderation_id=case.id, action="APPEAL_GRANTED")
    assert action.from_status == "DELETE_CONFIRMED" and action.to_status == "APPROVED"
    assert "not restored" in (action.note or "")
    assert len(await bus.published("content_removal_requested")) == 1  # nothing new
    # Decided: no second appeal, no further approval.
    assert_error(await appeal(client, users.alice, case.id), 409, "already_appealed")
    again = await client.post(
        f"{API}/moderations/{case.id}/approve", headers=users.moderator.headers
    )
    assert_error(again, 409, "content_gone")


async def test_denying_an_appeal_keeps_the_removal(
    bus: Bus, client: httpx.AsyncClient, users: Users
) -> None:
    case = await removed_post(bus, users)
    await appeal(client, users.alice, case.id)
    response = await client.post(
        f"{API}/moderations/{case.id}/remove",
        json={"reason": "OFFENSIVE_CONTENT", "note": "Clear insult"},
        headers=users.moderator.headers,
    )
    assert response.status_code == 200
    assert response.json()["status"] == "DELETE_CONFIRMED"
    await case.refresh_from_db()
    assert not case.appealed and not case.queued
    assert (await Appeal.get(moderation_id=case.id)).status == "DENIED"
    action = await ModerationAction.get(moderation_id=case.id, action="APPEAL_DENIED")
    assert action.note == "Clear insult" and action.to_status == "DELETE_CONFIRMED"
    assert len(await bus.published("content_removal_requested")) == 1


async def test_an_appeal_waits_for_a_pending_removal(
    bus: Bus, client: httpx.AsyncClient, users: Users
) -> None:
    case = await removed_post(bus, users, confirm=False)
    await appeal(client, users.alice, case.id)
    response = await client.post(
        f"{API}/moderations/{case.id}/approve", headers=users.moderator.headers
    )
    assert_error(response, 409, "removal_in_progress")
    assert (await Appeal.get(moderation_id=case.id)).status == "OPEN"


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"note": ""},
        {"note": "x" * 2001},
        {"note": "ok", "x": 1},
        {"note": "It was a \u202equote"},  # bidi override
        {"note": "It was a\u200b quote"},  # zero-width space
        {"note": "\u2066It was a quote\u2069"},  # isolate
        {"note": "\ufeffIt was a quote"},  # byte order mark
        {"note": "\u200d\u200c"},  # joiners alone show nothing
    ],
)
async def test_an_appeal_needs_a_note(
    bus: Bus, client: httpx.AsyncClient, users: Users, body: dict
) -> None:
    case = await removed_post(bus, users)
    response = await client.post(
        f"{API}/moderations/{case.id}/appeal", json=body, headers=users.alice.headers
    )
    assert_error(response, 422)
    assert await Appeal.all().count() == 0
    await case.refresh_from_db()
    assert not case.appealed and not case.queued


async def test_an_appeal_note_keeps_the_joiners_writing_needs(
    bus: Bus, client: httpx.AsyncClient, users: Users
) -> None:
    case = await removed_post(bus, users)
    note = "من فقط نقل‌قول کردم 👩‍💻"  # Persian with a ZWNJ, and a ZWJ emoji sequence
    response = await appeal(client, users.alice, case.id, note)
    assert response.status_code == 201, response.text
    assert response.json()["note"] == note
    assert (await Appeal.get(moderation_id=case.id)).note == note
