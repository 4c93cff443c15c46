"""``user_deleted``: the user's reports and appeals go; their content's cases lose the text."""

from __future__ import annotations

import httpx

from moderation_service.moderations.models import (
    ActionType,
    Appeal,
    Moderation,
    ModerationAction,
    TextFingerprint,
)
from moderation_service.reports.models import Report
from tests.conftest import (
    BORDERLINE,
    CLEAN,
    OFFENSIVE,
    Bus,
    Users,
    content_removed,
    post_created,
    user_deleted,
)

API = "/api/v1"


async def test_a_deleted_account_leaves_no_reports_appeals_or_text(
    bus: Bus, client: httpx.AsyncClient, users: Users
) -> None:
    # Alice wrote a removed post (and appealed) and a borderline one; Bob wrote a clean post.
    removed = post_created(author_id=users.alice.id, content=OFFENSIVE, title="Rant")
    borderline = post_created(author_id=users.alice.id, content=BORDERLINE)
    bobs = post_created(author_id=users.bob.id, content=CLEAN)
    await bus.deliver(removed, borderline, bobs)
    [request] = await bus.published("content_removal_requested")
    await bus.deliver(content_removed(request))
    removed_case = await Moderation.get(content_id=removed.data["post_id"])
    appeal = await client.post(
        f"{API}/moderations/{removed_case.id}/appeal",
        json={"note": "Please look again"},
        headers=users.alice.headers,
    )
    assert appeal.status_code == 201
    # Alice and Carol report Bob's post.
    for reporter in (users.alice, users.carol):
        response = await client.post(
            f"{API}/reports",
            json={"content_type": "POST", "content_id": bobs.data["post_id"], "reason": "SPAM"},
            headers=reporter.headers,
        )
        assert response.status_code == 201

    await bus.deliver(user_deleted(users.alice.id))

    assert await Report.filter(reporter_id=users.alice.id).count() == 0
    assert await Appeal.all().count() == 0
    bobs_case = await Moderation.get(content_id=bobs.data["post_id"])
    assert bobs_case.report_count == 1 and bobs_case.open_reports == 1 and bobs_case.queued
    await removed_case.refresh_from_db()
    assert not removed_case.appealed and not removed_case.queued
    for case in await Moderation.filter(author_id=users.alice.id):
        assert case.title is None and case.content is None
        last = await ModerationAction.filter(moderation_id=case.id).order_by("-id").first()
        assert last is not None and last.action == ActionType.AUTHOR_DELETED
    # The decisions stay; the rest of Bob's case is untouched.
    assert removed_case.status == "DELETE_CONFIRMED"
    assert bobs_case.content == CLEAN
    assert await TextFingerprint.filter(author_id=users.alice.id).count() == 0
    assert await TextFingerprint.filter(author_id=users.bob.id).count() == 1

    detail = await client.get(
        f"{API}/moderations/{removed_case.id}", headers=users.moderator.headers
    )
    assert detail.json()["excerpt"] is None and detail.json()["appeal"] is None

    # A repeated event changes nothing more.
    actions = await ModerationAction.all().count()
    await bus.deliver(user_deleted(users.alice.id))
    assert await ModerationAction.all().count() == actions
