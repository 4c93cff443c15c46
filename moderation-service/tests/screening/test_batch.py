"""The consumer's per-batch hook: the texts of one read are scored by the model in one call,
and every case still gets the decision its own analysis gives."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from moderation_service.analysis.analyzer import model_inputs
from moderation_service.core.context import ModerationContext
from moderation_service.moderations.models import Moderation, ModerationStatus
from tests.conftest import (
    BORDERLINE,
    CLEAN,
    OFFENSIVE,
    Bus,
    Users,
    comment_created,
    comment_updated,
    post_created,
)


async def test_a_batch_of_posts_and_comments_is_scored_in_one_model_call(
    bus: Bus, users: Users, ctx: ModerationContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    earlier = comment_created(author_id=users.bob.id, content="First thoughts, more to come.")
    await bus.deliver(earlier)  # its edit comes in the batch below

    # The real model, only counted: every call the analysis makes goes through its score.
    model = ctx.analyzer.model
    calls: list[list[str]] = []
    score = model.score

    def counted(texts: Sequence[str]) -> list[float]:
        calls.append(list(texts))
        return score(texts)

    monkeypatch.setattr(model, "score", counted)

    clean = post_created(author_id=users.alice.id, content=CLEAN, title="Lake")
    offensive = post_created(author_id=users.alice.id, content=OFFENSIVE, title=None)
    borderline = post_created(author_id=users.carol.id, content=BORDERLINE, status="DRAFT")
    kind = comment_created(
        author_id=users.bob.id, content="Thanks for sharing, this made my whole day better."
    )
    hostile = comment_created(author_id=users.dave.id, content="Shut the fuck up, you idiot.")
    edit = comment_updated(earlier, content="What a load of rubbish this whole thread is.")
    S = ModerationStatus
    cases = [  # each event, the text it has analysed, and the status that text gets
        (clean, "Lake\n" + CLEAN, S.APPROVED),
        (offensive, OFFENSIVE, S.DELETE_REQUESTED),
        (borderline, "A post\n" + BORDERLINE, S.PENDING_REVIEW),
        (kind, kind.data["content"], S.APPROVED),
        (hostile, hostile.data["content"], S.DELETE_REQUESTED),
        (edit, edit.data["content"], S.PENDING_REVIEW),
    ]
    await bus.deliver(*(event for event, _, _ in cases))

    assert len(calls) == 1, [len(c) for c in calls]
    # That one call held every model input of every text (whole texts, chunks, undisguised).
    assert {piece for _, text, _ in cases for piece in model_inputs(text)} <= set(calls[0])

    for event, text, status in cases:
        content_id = event.data.get("comment_id") or event.data["post_id"]
        case = await Moderation.get(content_id=content_id)
        assert case.content == event.data["content"]
        assert case.status == status, (event.type, text, case.status, case.score)
        # The same decision, score and signals as the text's own analysis, unprimed.
        alone = await ctx.analyzer.analyze(text)
        assert (case.decision, case.reason, case.score) == (
            alone.decision,
            alone.reason,
            alone.score,
        )
        assert (case.offensive_score, case.spam_score, case.blocklist_score) == (
            alone.offensive,
            alone.spam,
            alone.blocklist,
        )
    assert len(calls) == 1 + len(cases)  # the analyses above, one call each: none was primed

    removals = await bus.published("content_removal_requested")
    assert sorted(r.data["content_id"] for r in removals) == sorted(
        [offensive.data["post_id"], hostile.data["comment_id"]]
    )
