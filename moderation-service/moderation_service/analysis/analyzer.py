"""Content analysis: three signals combined into one decision with a reason.

Signals (each a score in [0, 1]):

- **offensive**: the model's probability (``profanity.py``), the highest of the whole text, of
  each chunk of sentences (so one abusive sentence in a long post counts) and of the text with
  its disguises undone ("f u c k", "d1ckhead": the model only knows plain spelling);
- **blocklist**: the weight of the strongest term found (``blocklist.py``);
- **context**: when the blocklist finds a term, the model's probability for the rest of the
  text, without the terms;
- **spam**: the noisy-or of the spam rules (``spam.py``).

Decision: each signal proposes a reason with a score, and the highest score wins (on a tie the
more specific reason: RACISM, NUDITY, RULES_VIOLATION, OFFENSIVE_CONTENT, SPAM):

- SPAM with the spam score;
- without a blocklist hit, OFFENSIVE_CONTENT with the offensive score;
- with a hit, the term's reason (RACISM, NUDITY, RULES_VIOLATION) with its weight if the
  context is hostile too (context >= review threshold), else capped at
  ``blocklist_alone_score``; and OFFENSIVE_CONTENT with the context score. The model has
  learnt that slurs are offensive, so its score for the whole text would only repeat the
  blocklist; judging the rest tells an insult ("get out, you filthy <slur>") from a news
  sentence quoting one, which goes to a person for review instead of being removed.

- score >= removal threshold: REMOVE;
- score >= review threshold: REVIEW;
- otherwise APPROVE (and no reason).

Nothing is random: the same text and settings always give the same result. Scores are rounded
to 4 decimals before the decision, so what is stored is exactly what was decided on.

The whole analysis runs off the event loop (the blocklist and the spam rules in the
``analysis`` threads, the model in the scorer's), within a time budget
(``analysis_budget_seconds``). Every rule runs in linear time, so the budget is a safety net,
not the rule: a text it does not cover goes to review (REVIEW, no reason, ``budget_exceeded``
in the details) rather than holding the consumer, and a moderator decides.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from moderation_service.analysis.blocklist import Blocklist, BlocklistHit, BlocklistScan
from moderation_service.analysis.profanity import BatchingScorer, ProfanityModel
from moderation_service.analysis.spam import SpamResult, load_phrases, spam_rules
from moderation_service.analysis.text import deobfuscated, model_segments
from moderation_service.core.vocabulary import REASON_PRECEDENCE, Decision, Reason
from moderation_service.settings import ModerationSettings

logger = logging.getLogger("moderation_service.analysis")

DEFAULT_BUDGET_SECONDS = 2.0
# The blocklist and the spam rules of every analysis in the process run here: off the event
# loop, and on at most two threads, so texts that outlive their budget (their thread cannot be
# stopped; it finishes and its result is dropped) never take more than two cores.
_RULES_EXECUTOR = ThreadPoolExecutor(max_workers=2, thread_name_prefix="analysis")


@dataclass(frozen=True)
class Thresholds:
    review: float = 0.5
    removal: float = 0.9
    blocklist_alone: float = 0.75
    duplicate_limit: int = 3


@dataclass(frozen=True)
class Analysis:
    decision: Decision
    reason: Reason | None
    score: float
    offensive: float
    spam: float
    blocklist: float
    context: float | None = None
    blocklist_hits: tuple[BlocklistHit, ...] = ()
    spam_rules: dict[str, float] = field(default_factory=dict)
    model: str = ""
    # The analysis did not finish within its time budget: sent to review unjudged.
    budget_exceeded: bool = False

    @property
    def scores(self) -> dict[str, float]:
        return {"offensive": self.offensive, "spam": self.spam, "blocklist": self.blocklist}

    def details(self) -> dict[str, Any]:
        """What fired, as JSON (stored with the case and shown to moderators)."""
        details: dict[str, Any] = {
            "context": self.context,
            "blocklist_hits": [
                {"term": h.term, "reason": h.reason.value, "weight": h.weight}
                for h in self.blocklist_hits
            ],
            "spam_rules": dict(self.spam_rules),
        }
        if self.budget_exceeded:
            details["budget_exceeded"] = True
        return details


def analysed_text(title: str | None, content: str) -> str:
    """What is analysed: the title (if any) and the content, one per line."""
    return f"{title}\n{content}" if title else content


def model_inputs(text: str) -> list[str]:
    """The texts whose highest model score is the offensive signal: the whole, each chunk when
    there are several, and the text with its disguises undone when it has some."""
    chunks = model_segments(text)
    inputs = [text, *chunks] if len(chunks) > 1 else [text]
    plain = deobfuscated(text)
    return [*inputs, plain] if plain else inputs


def decision_for(score: float, thresholds: Thresholds) -> Decision:
    """REMOVE from the removal threshold up, REVIEW from the review threshold, else APPROVE."""
    if score >= thresholds.removal:
        return Decision.REMOVE
    if score >= thresholds.review:
        return Decision.REVIEW
    return Decision.APPROVE


def decide(
    *,
    offensive: float,
    context: float | None,
    hits: Sequence[BlocklistHit],
    spam: SpamResult,
    thresholds: Thresholds,
    model: str,
) -> Analysis:
    """Combine the signals (pure: no I/O, no randomness). ``context`` is the model's score of
    the text without the blocklist terms (None without hits)."""
    offensive = round(offensive, 4)
    context = None if context is None else round(context, 4)
    candidates: list[tuple[float, Reason]] = [(spam.score, Reason.SPAM)]
    blocklist = 0.0
    if hits and context is not None:
        top = hits[0]  # strongest first
        blocklist = top.weight
        hostile = context >= thresholds.review
        proposed = top.weight if hostile else min(top.weight, thresholds.blocklist_alone)
        candidates.append((round(proposed, 4), top.reason))
        candidates.append((context, Reason.OFFENSIVE_CONTENT))
    else:
        candidates.append((offensive, Reason.OFFENSIVE_CONTENT))
    score, reason = max(candidates, key=lambda c: (c[0], REASON_PRECEDENCE[c[1]]))
    decision = decision_for(score, thresholds)
    return Analysis(
        decision=decision,
        reason=None if decision is Decision.APPROVE else reason,
        score=score,
        offensive=offensive,
        spam=spam.score,
        blocklist=blocklist,
        context=context,
        blocklist_hits=tuple(hits),
        spam_rules=spam.rules,
        model=model,
    )


def over_budget(*, thresholds: Thresholds, model: str) -> Analysis:
    """The analysis of a text that did not finish in time: REVIEW, scored at the review
    threshold (a case the analysis is unsure about), nothing measured, no reason."""
    return Analysis(
        decision=Decision.REVIEW,
        reason=None,
        score=thresholds.review,
        offensive=0.0,
        spam=0.0,
        blocklist=0.0,
        model=model,
        budget_exceeded=True,
    )


class Analyzer:
    def __init__(
        self,
        *,
        model: ProfanityModel,
        blocklist: Blocklist,
        thresholds: Thresholds,
        phrases: Blocklist | None = None,
        budget_seconds: float = DEFAULT_BUDGET_SECONDS,
    ) -> None:
        self.model = model
        self.blocklist = blocklist
        self.phrases = phrases if phrases is not None else load_phrases()
        self.thresholds = thresholds
        self.budget_seconds = budget_seconds
        self.scorer = BatchingScorer(model)

    def _prepare(self, text: str) -> tuple[list[str], BlocklistScan]:
        """The model's inputs for ``text``: those of ``model_inputs``, then, when the blocklist
        finds terms, the rest of the text (last)."""
        scan = self.blocklist.scan(text)
        inputs = model_inputs(text)
        return ([*inputs, scan.rest] if scan.hits else inputs), scan

    def _combine(
        self, text: str, scan: BlocklistScan, probabilities: Sequence[float], duplicates: int
    ) -> Analysis:
        spam = spam_rules(
            text,
            phrases=self.phrases,
            duplicates=duplicates,
            duplicate_limit=self.thresholds.duplicate_limit,
        )
        if scan.hits:
            # An empty rest (the text is nothing but the term) has no hostile context.
            offensive = max(probabilities[:-1])
            context = probabilities[-1] if scan.rest else 0.0
        else:
            offensive, context = max(probabilities), None
        return decide(
            offensive=offensive,
            context=context,
            hits=scan.hits,
            spam=spam,
            thresholds=self.thresholds,
            model=self.model.label,
        )

    async def prime(self, texts: Sequence[str]) -> None:
        """Score the model inputs of many texts in one call, ahead of their ``analyze``.

        Within ``budget_seconds`` too: priming that takes longer is given up (the texts are then
        analysed one by one, each within its own budget), so a hostile text in a batch cannot
        hold the consumer outside the budget."""
        try:
            await asyncio.wait_for(self._prime(texts), self.budget_seconds)
        except TimeoutError:
            logger.warning(
                "priming over its time budget; the batch is analysed text by text",
                extra={"budget_seconds": self.budget_seconds, "texts": len(texts)},
            )

    async def _prime(self, texts: Sequence[str]) -> None:
        def pieces() -> list[str]:
            return [piece for text in texts for piece in self._prepare(text)[0]]

        loop = asyncio.get_running_loop()
        await self.scorer.prime(await loop.run_in_executor(_RULES_EXECUTOR, pieces))

    async def analyze(self, text: str, *, duplicates: int = 0) -> Analysis:
        """Analyse one text off the event loop, within ``budget_seconds``; a text that takes
        longer is sent to review (``over_budget``) instead."""
        try:
            return await asyncio.wait_for(self._analyze(text, duplicates), self.budget_seconds)
        except TimeoutError:
            logger.warning(
                "analysis over its time budget; sent to review",
                extra={"budget_seconds": self.budget_seconds, "chars": len(text)},
            )
            return over_budget(thresholds=self.thresholds, model=self.model.label)

    async def _analyze(self, text: str, duplicates: int) -> Analysis:
        # The rules in the analysis threads, the model in the scorer's thread, batched with
        # concurrent calls; the event loop only waits.
        loop = asyncio.get_running_loop()
        inputs, scan = await loop.run_in_executor(_RULES_EXECUTOR, self._prepare, text)
        probabilities = await self.scorer.score(inputs)
        return await loop.run_in_executor(
            _RULES_EXECUTOR, self._combine, text, scan, probabilities, duplicates
        )

    def analyze_many(self, texts: Sequence[str]) -> list[Analysis]:
        """Analyse many texts with one model call (blocking: for the evaluation and benchmark)."""
        prepared = [self._prepare(text) for text in texts]
        flat = self.model.score([piece for inputs, _ in prepared for piece in inputs])
        results, offset = [], 0
        for text, (inputs, scan) in zip(texts, prepared, strict=True):
            results.append(self._combine(text, scan, flat[offset : offset + len(inputs)], 0))
            offset += len(inputs)
        return results


def thresholds_from(settings: ModerationSettings) -> Thresholds:
    return Thresholds(
        review=settings.review_threshold,
        removal=settings.removal_threshold,
        blocklist_alone=settings.blocklist_alone_score,
        duplicate_limit=settings.duplicate_limit,
    )


def build_analyzer(settings: ModerationSettings, model: ProfanityModel | None = None) -> Analyzer:
    """The analyzer the settings describe (the bundled blocklist plus their extra terms)."""
    return Analyzer(
        model=model or ProfanityModel(),
        blocklist=Blocklist.bundled(settings.blocklist_extra),
        thresholds=thresholds_from(settings),
        budget_seconds=settings.analysis_budget_seconds,
    )
