"""``POST /reports``: once per user and content, never one's own, raising the case's priority."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

import httpx
import pytest

from chassis.events import Envelope
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
    comment_deleted,
    post_created,
    post_deleted,
    post_updated,
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


# --- only what the reporter can see ---------------------------------------------------------


async def _post_case(bus: Bus, users: Users, *, status: str) -> tuple[Envelope, Moderation]:
    event = post_created(author_id=users.alice.id, content=CLEAN, status=status)
    await bus.deliver(event)
    return event, await Moderation.get(content_id=event.data["post_id"])


async def _assert_not_reported(case: Moderation) -> None:
    assert await Report.all().count() == 0
    await case.refresh_from_db()
    assert (case.report_count, case.open_reports) == (0, 0)
    assert case.status == ModerationStatus.APPROVED and not case.queued
    assert not await ModerationAction.exists(moderation_id=case.id, action="REPORTS_THRESHOLD")


@pytest.mark.parametrize("status", ["DRAFT", "ARCHIVED"])
async def test_another_users_hidden_post_is_404_like_unknown_content(
    bus: Bus, client: httpx.AsyncClient, users: Users, status: str
) -> None:
    _, case = await _post_case(bus, users, status=status)
    unknown = await report(client, users.bob, str(uuid.uuid4()))
    assert_error(unknown, 404, "not_found")
    for reporter in (users.bob, users.carol, users.dave, users.moderator):
        hidden = await report(client, reporter, str(case.content_id), note="found it")
        assert_error(hidden, 404, "not_found")
        assert hidden.json() == unknown.json()  # the same answer: nothing leaks
    # Three reports would have queued an approved post: none was taken.
    await _assert_not_reported(case)
    queue = await client.get(f"{API}/moderations", headers=users.moderator.headers)
    assert queue.json()["items"] == []


async def test_a_posted_post_can_be_reported(
    bus: Bus, client: httpx.AsyncClient, users: Users
) -> None:
    _, case = await _post_case(bus, users, status="POSTED")
    response = await report(client, users.bob, str(case.content_id))
    assert response.status_code == 201, response.text
    await case.refresh_from_db()
    assert case.report_count == 1 and case.queued
    assert await Report.filter(moderation_id=case.id).count() == 1


async def test_own_draft_is_still_own_content(
    bus: Bus, client: httpx.AsyncClient, users: Users
) -> None:
    """The author can see their draft, so they get the answer they get for any of their own
    content (reporting it is pointless), not a 404."""
    _, case = await _post_case(bus, users, status="DRAFT")
    assert_error(await report(client, users.alice, str(case.content_id)), 400, "own_content")
    await _assert_not_reported(case)


async def test_visibility_follows_the_posts_status(
    bus: Bus, client: httpx.AsyncClient, users: Users
) -> None:
    created, case = await _post_case(bus, users, status="DRAFT")
    assert_error(await report(client, users.bob, str(case.content_id)), 404)
    published = post_updated(created, status="POSTED", changed=["status"])
    await bus.deliver(published)
    await case.refresh_from_db()
    assert case.post_status == "POSTED"
    assert case.post_status_at == datetime.fromisoformat(published.data["updated_at"])
    assert (await report(client, users.bob, str(case.content_id))).status_code == 201

    archived = post_updated(published, status="ARCHIVED", changed=["status"])
    await bus.deliver(archived)
    assert_error(await report(client, users.carol, str(case.content_id)), 404)
    # A late event from before the archiving does not make the post visible again.
    late = post_updated(created, status="POSTED", changed=["status"], at=_between(published))
    await bus.deliver(late)
    await case.refresh_from_db()
    assert case.post_status == "ARCHIVED"
    assert_error(await report(client, users.carol, str(case.content_id)), 404)
    assert await Report.filter(moderation_id=case.id).count() == 1


def _between(event: Envelope) -> datetime:
    return datetime.fromisoformat(event.data["updated_at"]) + timedelta(seconds=1)


async def test_a_post_edited_and_archived_in_one_event_is_hidden(
    bus: Bus, client: httpx.AsyncClient, users: Users
) -> None:
    created, case = await _post_case(bus, users, status="POSTED")
    edited = post_updated(
        created, content="A new text for the lake walk.", status="ARCHIVED",
        changed=["content", "status"],
    )  # fmt: skip
    await bus.deliver(edited)
    await case.refresh_from_db()
    assert case.post_status == "ARCHIVED" and case.content == "A new text for the lake walk."
    assert_error(await report(client, users.bob, str(case.content_id)), 404)
    assert await Report.all().count() == 0


async def test_comments_are_visible_when_their_post_is(
    bus: Bus, client: httpx.AsyncClient, users: Users
) -> None:
    created, _ = await _post_case(bus, users, status="POSTED")
    comment = comment_created(
        author_id=users.carol.id, content=CLEAN, post_id=created.data["post_id"]
    )
    await bus.deliver(comment)
    comment_id = comment.data["comment_id"]
    ok = await report(client, users.bob, comment_id, content_type="COMMENT")
    assert ok.status_code == 201, ok.text

    # The post is archived: only its author (alice) still sees it and its comments.
    await bus.deliver(post_updated(created, status="ARCHIVED", changed=["status"]))
    hidden = await report(client, users.dave, comment_id, content_type="COMMENT")
    assert_error(hidden, 404, "not_found")
    by_post_author = await report(client, users.alice, comment_id, content_type="COMMENT")
    assert by_post_author.status_code == 201, by_post_author.text
    case = await Moderation.get(content_id=comment_id)
    assert case.report_count == 2
    reporters = await Report.filter(moderation_id=case.id).values_list("reporter_id", flat=True)
    assert sorted(map(str, reporters)) == sorted([users.bob.id, users.alice.id])


async def test_a_deleted_comment_or_a_comment_of_a_deleted_post_is_404(
    bus: Bus, client: httpx.AsyncClient, users: Users
) -> None:
    created, _ = await _post_case(bus, users, status="POSTED")
    on_post = comment_created(
        author_id=users.carol.id, content=CLEAN, post_id=created.data["post_id"]
    )
    other = comment_created(author_id=users.carol.id, content=CLEAN)
    await bus.deliver(on_post, other, comment_deleted(other), post_deleted(created))
    for event in (on_post, other):
        response = await report(client, users.bob, event.data["comment_id"], content_type="COMMENT")
        assert_error(response, 404, "not_found")
    assert await Report.all().count() == 0


# --- notes -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "note",
    [
        "look at this \u202etxt.exe",  # right-to-left override
        "zero\u200bwidth",  # zero-width space
        "isolate \u2066inside\u2069",  # left-to-right isolate
        "\ufeffbyte order mark",
        "line\u2028separator is fine but\u200b this is not",
    ],
)
async def test_invisible_and_bidi_characters_in_a_note_are_422(
    bus: Bus, client: httpx.AsyncClient, users: Users, note: str
) -> None:
    case = await clean_post(bus, users)
    response = await report(client, users.bob, str(case.content_id), note=note)
    assert_error(response, 422)
    assert await Report.all().count() == 0
    await case.refresh_from_db()
    assert case.report_count == 0 and not case.queued


@pytest.mark.parametrize(
    "note",
    [
        "The coder emoji 👩‍💻 is fine",  # ZWJ sequence
        "می‌خواهم گزارش بدهم",  # Persian, with a zero-width non-joiner
        "Two lines:\nthe second one\tindented",
    ],
)
async def test_notes_keep_joiners_that_writing_needs(
    bus: Bus, client: httpx.AsyncClient, users: Users, note: str
) -> None:
    case = await clean_post(bus, users)
    response = await report(client, users.bob, str(case.content_id), note=f"  {note}  ")
    assert response.status_code == 201, response.text
    assert response.json()["note"] == note
    stored = await Report.get(moderation_id=case.id)
    assert stored.note == note
