"""Signals combined into a decision, with the real model; determinism; batching."""

from __future__ import annotations

import asyncio
import csv
from collections.abc import Sequence
from importlib.metadata import version
from pathlib import Path

import pytest

from moderation_service.analysis.analyzer import (
    Analyzer,
    Decision,
    Thresholds,
    decide,
    model_inputs,
)
from moderation_service.analysis.blocklist import Blocklist, BlocklistHit
from moderation_service.analysis.profanity import BatchingScorer, ProfanityModel
from moderation_service.analysis.spam import SpamResult
from moderation_service.core.vocabulary import Reason
from moderation_service.screening.consumers import analysable_text
from tests.conftest import (
    BORDERLINE,
    CLEAN,
    OFFENSIVE,
    comment_created,
    post_created,
    post_updated,
    user_deleted,
)

MODEL = ProfanityModel()
THRESHOLDS = Thresholds(review=0.5, removal=0.9, blocklist_alone=0.75)
SLUR_LIST = Blocklist([("slur", Reason.RACISM, 1.0), ("nudes", Reason.NUDITY, 0.8)])


def analyzer(blocklist: Blocklist | None = None) -> Analyzer:
    return Analyzer(model=MODEL, blocklist=blocklist or Blocklist.bundled(), thresholds=THRESHOLDS)


def test_the_model_is_named_with_its_installed_version() -> None:
    assert MODEL.label == f"alt-profanity-check=={version('alt-profanity-check')}"
    assert MODEL.score([]) == []


def test_the_direct_scorer_gives_exactly_the_packages_probabilities() -> None:
    """The fast path is the package's arithmetic, not an approximation: every text of the
    evaluation set scores the same to the last bit, one at a time and as one batch."""
    with (Path(__file__).parents[2] / "eval" / "dataset.csv").open(newline="") as f:
        texts = [row["text"] for row in csv.DictReader(f)]
    reference = ProfanityModel(direct=False)
    assert MODEL.direct and not reference.direct
    assert MODEL.score(texts) == reference.score(texts)
    assert [MODEL.score([t])[0] for t in texts[:50]] == reference.score(texts[:50])
    assert max(reference.score(texts)) > 0.9 > min(reference.score(texts))  # both kinds present


@pytest.mark.parametrize(
    ("text", "decision", "reason"),
    [
        (CLEAN, Decision.APPROVE, None),
        ("Scunthorpe United won 2-0 at Glanford Park.", Decision.APPROVE, None),
        ("Oh great, another Monday. Just what I needed.", Decision.APPROVE, None),
        (BORDERLINE, Decision.REVIEW, Reason.OFFENSIVE_CONTENT),
        (OFFENSIVE, Decision.REMOVE, Reason.OFFENSIVE_CONTENT),
        ("F u c k you and your whole team.", Decision.REMOVE, Reason.OFFENSIVE_CONTENT),
        ("k y s", Decision.REVIEW, Reason.RULES_VIOLATION),
        ("Go kill yourself, you pathetic loser.", Decision.REMOVE, Reason.RULES_VIOLATION),
        (
            "FREE FOLLOWERS!!! click here bit.ly/abc http://x.example.xyz www.y.example.top",
            Decision.REMOVE,
            Reason.SPAM,
        ),
        ("Make $500/day from home, DM me on WhatsApp", Decision.REVIEW, Reason.SPAM),
    ],
)
async def test_decisions(text: str, decision: Decision, reason: Reason | None) -> None:
    result = await analyzer().analyze(text)
    assert (result.decision, result.reason) == (decision, reason), result


async def test_a_slur_in_hostile_context_is_removed_but_quoted_in_news_is_reviewed() -> None:
    subject = analyzer(SLUR_LIST)
    hostile = await subject.analyze("Get out of here you filthy stupid s.l.u.r")
    assert (hostile.decision, hostile.reason) == (Decision.REMOVE, Reason.RACISM)
    assert hostile.blocklist == 1.0 and hostile.context is not None and hostile.context >= 0.5

    news = await subject.analyze(
        'The court heard that the defendant shouted "slur" at a neighbour.'
    )
    assert (news.decision, news.reason) == (Decision.REVIEW, Reason.RACISM)
    assert news.score == 0.75 and news.context is not None and news.context < 0.5
    assert news.details()["blocklist_hits"] == [{"term": "slur", "reason": "RACISM", "weight": 1.0}]


async def test_identical_input_gives_identical_output() -> None:
    texts = [CLEAN, BORDERLINE, OFFENSIVE, "Buy followers cheap!!! bit.ly/x", "k y s"]
    first = [await analyzer().analyze(t) for t in texts]
    again = [await analyzer().analyze(t) for t in texts]
    batched = analyzer().analyze_many(texts)
    assert first == again == batched
    assert [a.details() for a in first] == [a.details() for a in batched]


async def test_a_long_post_is_judged_by_its_worst_sentence() -> None:
    filler = " ".join(
        f"Paragraph {i} is about our trip to the coast and the food." for i in range(40)
    )
    text = f"{filler} {OFFENSIVE} {filler}"
    assert len(model_inputs(text)) > 3
    result = await analyzer().analyze(text)
    assert result.decision == Decision.REMOVE


def spam(score: float) -> SpamResult:
    return SpamResult(score=score, rules={"links": score} if score else {})


def test_decide_thresholds_are_inclusive() -> None:
    def decision(offensive: float) -> Decision:
        return decide(
            offensive=offensive,
            context=None,
            hits=[],
            spam=spam(0),
            thresholds=THRESHOLDS,
            model="m",
        ).decision

    assert decision(0.4999) == Decision.APPROVE
    assert decision(0.5) == Decision.REVIEW
    assert decision(0.8999) == Decision.REVIEW
    assert decision(0.9) == Decision.REMOVE


def test_decide_picks_the_strongest_signal_and_breaks_ties_by_precedence() -> None:
    hit = BlocklistHit(term="slur", reason=Reason.RACISM, weight=1.0)
    result = decide(
        offensive=1.0, context=0.95, hits=[hit], spam=spam(0.2), thresholds=THRESHOLDS, model="m"
    )
    assert (result.decision, result.reason, result.score) == (Decision.REMOVE, Reason.RACISM, 1.0)

    result = decide(
        offensive=0.3, context=None, hits=[], spam=spam(0.95), thresholds=THRESHOLDS, model="m"
    )
    assert (result.reason, result.score) == (Reason.SPAM, 0.95)

    tie = decide(
        offensive=0.6, context=None, hits=[], spam=spam(0.6), thresholds=THRESHOLDS, model="m"
    )
    assert tie.reason == Reason.OFFENSIVE_CONTENT


def test_decide_caps_an_uncorroborated_blocklist_hit() -> None:
    hit = BlocklistHit(term="nudes", reason=Reason.NUDITY, weight=1.0)
    alone = decide(
        offensive=0.99, context=0.1, hits=[hit], spam=spam(0), thresholds=THRESHOLDS, model="m"
    )
    assert (alone.decision, alone.reason, alone.score) == (Decision.REVIEW, Reason.NUDITY, 0.75)
    assert alone.offensive == 0.99  # stored as measured, decided on the context

    soft = BlocklistHit(term="xxx", reason=Reason.NUDITY, weight=0.6)
    corroborated = decide(
        offensive=0.7, context=0.7, hits=[soft], spam=spam(0), thresholds=THRESHOLDS, model="m"
    )
    assert (corroborated.decision, corroborated.reason) == (
        Decision.REVIEW,
        Reason.OFFENSIVE_CONTENT,
    )


class CountingModel(ProfanityModel):
    def __init__(self) -> None:
        super().__init__()
        self.calls: list[int] = []

    def score(self, texts: Sequence[str]) -> list[float]:
        self.calls.append(len(texts))
        return super().score(texts)


async def test_concurrent_requests_share_model_calls() -> None:
    model = CountingModel()
    scorer = BatchingScorer(model)
    texts = [[f"text number {i}", f"second {i}"] for i in range(20)]
    results = await asyncio.gather(*(scorer.score(t) for t in texts))
    assert [len(r) for r in results] == [2] * 20
    assert sum(model.calls) == 40
    assert len(model.calls) < 20  # merged while the worker thread was busy
    assert results[3] == MODEL.score(texts[3])


async def test_a_failing_model_call_fails_its_callers_only() -> None:
    class Broken(ProfanityModel):
        def score(self, texts: Sequence[str]) -> list[float]:
            raise RuntimeError("boom")

    scorer = BatchingScorer(Broken())
    with pytest.raises(RuntimeError, match="boom"):
        await scorer.score(["x"])
    assert await scorer.score([]) == []


async def test_priming_scores_a_batch_in_one_call_with_the_same_results() -> None:
    model = CountingModel()
    primed = Analyzer(model=model, blocklist=Blocklist.bundled(), thresholds=THRESHOLDS)
    texts = [CLEAN, BORDERLINE, OFFENSIVE, "k y s", "F u c k you", CLEAN]
    await primed.prime(texts)
    assert len(model.calls) == 1
    results = [await primed.analyze(t) for t in texts[:-1]]
    assert len(model.calls) == 1  # every input was primed
    assert results == [await analyzer().analyze(t) for t in texts[:-1]]
    await primed.analyze(CLEAN)  # a primed score is used once
    assert len(model.calls) == 2


def test_the_texts_a_batch_primes() -> None:
    post = post_created(author_id="a", content="body", title="Title")
    assert analysable_text(post) == "Title\nbody"
    assert analysable_text(post_updated(post, content="new")) == "Title\nnew"
    assert analysable_text(comment_created(author_id="a", content="hi")) == "hi"
    assert analysable_text(user_deleted("a")) is None
