"""``POST /reports``: once per user and content, never one's own, raising the case's priority."""

from __future__ import annotations

import uuid

import httpx
import pytest

from chassis.testing import assert_error
from moderation_service.core.context import ModerationContext
from moderation_service.moderations.models import Moderation, ModerationAction, ModerationStatus
from moderation_service.reports.models import Report
from tests.conftest import (
    BORDERLINE,
    CLEAN,
    AuthUser,
    Bus,
    Users,
    comment_created,
    post_created,
    post_deleted,
)

API = "/api/v1"


async def report(
    client: httpx.AsyncClient,
    user: AuthUser,
    content_id: str,
    *,
    content_type: str = "POST",
    reason: str = "OFFENSIVE_CONTENT",
    note: str | None = None,
) -> httpx.Response:
    body: dict = {"content_type": content_type, "content_id": content_id, "reason": reason}
    if note is not None:
        body["note"] = note
    return await client.post(f"{API}/reports", json=body, headers=user.headers)


async def clean_post(bus: Bus, users: Users) -> Moderation:
    event = post_created(author_id=users.alice.id, content=CLEAN)
    await bus.deliver(event)
    return await Moderation.get(content_id=event.data["post_id"])


async def test_a_report_is_recorded_and_puts_clean_content_in_the_queue(
    bus: Bus, client: httpx.AsyncClient, users: Users
) -> None:
    case = await clean_post(bus, users)
    response = await report(
        client, users.bob, str(case.content_id), reason="SPAM", note="Looks like an ad"
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["content_type"] == "POST" and body["content_id"] == str(case.content_id)
    assert body["reason"] == "SPAM" and body["note"] == "Looks like an ad"
    uuid.UUID(body["id"])

    await case.refresh_from_db()
    assert case.report_count == 1 and case.open_reports == 1
    assert case.status == ModerationStatus.APPROVED and case.queued
    stored = await Report.get(id=body["id"])
    assert str(stored.reporter_id) == users.bob.id and stored.moderation_id == case.id

    queue = await client.get(f"{API}/moderations", headers=users.moderator.headers)
    assert [i["id"] for i in queue.json()["items"]] == [str(case.id)]
    detail = await client.get(f"{API}/moderations/{case.id}", headers=users.moderator.headers)
    [shown] = detail.json()["reports"]
    assert shown["reporter_id"] == users.bob.id and shown["reason"] == "SPAM"


async def test_a_user_reports_a_content_once(
    bus: Bus, client: httpx.AsyncClient, users: Users
) -> None:
    case = await clean_post(bus, users)
    assert (await report(client, users.bob, str(case.content_id))).status_code == 201
    again = await report(client, users.bob, str(case.content_id), reason="SPAM")
    assert_error(again, 409, "already_reported")
    assert await Report.all().count() == 1
    await case.refresh_from_db()
    assert case.report_count == 1


async def test_own_content_cannot_be_reported(
    bus: Bus, client: httpx.AsyncClient, users: Users
) -> None:
    case = await clean_post(bus, users)
    assert_error(await report(client, users.alice, str(case.content_id)), 400, "own_content")
    assert await Report.all().count() == 0


async def test_unknown_or_deleted_content_is_404(
    bus: Bus, client: httpx.AsyncClient, users: Users
) -> None:
    assert_error(await report(client, users.bob, str(uuid.uuid4())), 404, "not_found")
    event = comment_created(author_id=users.alice.id, content=CLEAN)
    await bus.deliver(event)
    # The right id with the wrong type is unknown too.
    assert_error(await report(client, users.bob, event.data["comment_id"]), 404)
    created = post_created(author_id=users.alice.id, content=CLEAN)
    await bus.deliver(created, post_deleted(created))
    assert_error(await report(client, users.bob, created.data["post_id"]), 404)
    assert await Report.all().count() == 0


async def test_enough_reports_send_approved_content_back_to_review(
    bus: Bus, client: httpx.AsyncClient, users: Users
) -> None:
    case = await clean_post(bus, users)
    for reporter in (users.bob, users.carol):
        assert (await report(client, reporter, str(case.content_id))).status_code == 201
    await case.refresh_from_db()
    assert case.status == ModerationStatus.APPROVED
    assert (await report(client, users.dave, str(case.content_id))).status_code == 201
    await case.refresh_from_db()
    assert case.status == ModerationStatus.PENDING_REVIEW and case.report_count == 3
    action = await ModerationAction.get(moderation_id=case.id, action="REPORTS_THRESHOLD")
    assert action.actor_type == "SYSTEM" and action.data == {"open_reports": 3}
    assert action.from_status == "APPROVED" and action.to_status == "PENDING_REVIEW"

    # A moderator approves: the reports are dealt with; the total stays for priority.
    approve = await client.post(
        f"{API}/moderations/{case.id}/approve", headers=users.moderator.headers
    )
    assert approve.status_code == 200
    await case.refresh_from_db()
    assert case.status == ModerationStatus.APPROVED and case.open_reports == 0
    assert case.report_count == 3 and not case.queued


async def test_reports_raise_priority_in_the_queue(
    bus: Bus, client: httpx.AsyncClient, users: Users
) -> None:
    # Three authors: three copies by one author would be spam.
    events = [post_created(author_id=str(uuid.uuid4()), content=BORDERLINE) for _ in range(3)]
    await bus.deliver(*events)
    cases = [await Moderation.get(content_id=e.data["post_id"]) for e in events]
    await report(client, users.bob, str(cases[2].content_id))
    await report(client, users.carol, str(cases[2].content_id))
    await report(client, users.bob, str(cases[1].content_id))
    queue = await client.get(f"{API}/moderations", headers=users.moderator.headers)
    assert [i["id"] for i in queue.json()["items"]] == [
        str(c.id) for c in (cases[2], cases[1], cases[0])
    ]
    assert [i["report_count"] for i in queue.json()["items"]] == [2, 1, 0]


async def test_the_threshold_is_a_setting(
    bus: Bus,
    client: httpx.AsyncClient,
    users: Users,
    ctx: ModerationContext,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(ctx.settings, "reports_to_review", 1)
    case = await clean_post(bus, users)
    assert (await report(client, users.bob, str(case.content_id))).status_code == 201
    await case.refresh_from_db()
    assert case.status == ModerationStatus.PENDING_REVIEW


@pytest.mark.parametrize(
    "body",
    [
        {"content_type": "VIDEO", "content_id": "{id}", "reason": "SPAM"},
        {"content_type": "POST", "content_id": "nope", "reason": "SPAM"},
        {"content_type": "POST", "content_id": "{id}", "reason": "RUDE"},
        {"content_type": "POST", "content_id": "{id}"},
        {"content_type": "POST", "content_id": "{id}", "reason": "SPAM", "note": "x" * 2001},
        {"content_type": "POST", "content_id": "{id}", "reason": "SPAM", "note": "   "},
        {"content_type": "POST", "content_id": "{id}", "reason": "SPAM", "extra": True},
    ],
)
async def test_bad_reports_are_422(
    bus: Bus, client: httpx.AsyncClient, users: Users, body: dict
) -> None:
    case = await clean_post(bus, users)
    payload = {
        k: (v.format(id=case.content_id) if isinstance(v, str) else v) for k, v in body.items()
    }
    response = await client.post(f"{API}/reports", json=payload, headers=users.bob.headers)
    assert_error(response, 422)
    assert await Report.all().count() == 0


async def test_reporting_needs_a_signed_in_user(client: httpx.AsyncClient) -> None:
    body = {"content_type": "POST", "content_id": str(uuid.uuid4()), "reason": "SPAM"}
    assert_error(await client.post(f"{API}/reports", json=body), 401)
