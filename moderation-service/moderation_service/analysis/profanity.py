"""The offensive-language model: alt-profanity-check, a linear SVM (calibrated to a
probability) over a TF-IDF vectoriser, trained on about 200k human-labelled texts and shipped
inside the package, so it runs offline.

A call takes a few milliseconds of CPU (a single text about 5-8 ms, a batch of 1,000 about
15 ms), so it never runs on the event loop: ``BatchingScorer`` sends calls to a worker thread,
and texts that arrive while the thread is busy go together in the next call.
"""

from __future__ import annotations

import asyncio
import importlib.metadata
from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import Any

PACKAGE = "alt-profanity-check"


class ProfanityModel:
    """Loads the model once (about 1.5 s: import it at start-up, not per request)."""

    def __init__(self) -> None:
        from profanity_check import predict_prob

        self._predict: Callable[[list[str]], Any] = predict_prob
        self.version = importlib.metadata.version(PACKAGE)

    @property
    def label(self) -> str:
        """Name and version, recorded with every analysis: ``alt-profanity-check==1.9.1``."""
        return f"{PACKAGE}=={self.version}"

    def score(self, texts: Sequence[str]) -> list[float]:
        """Probability that each text is offensive, in order (blocking: call from a thread)."""
        if not texts:
            return []
        return [float(p) for p in self._predict(list(texts))]


class BatchingScorer:
    """Runs ``model.score`` in a worker thread, one call at a time; requests that arrive while a
    call runs are merged into the next one. A lone caller waits for nothing extra.

    ``prime`` scores many texts in one call ahead of their use (a consumer that has read a
    batch of events); ``score`` then takes primed texts without calling the model again.
    """

    def __init__(
        self, model: ProfanityModel, *, max_batch: int = 512, max_primed: int = 4096
    ) -> None:
        self.model = model
        self.max_batch = max_batch
        self.max_primed = max_primed
        self._pending: list[tuple[list[str], asyncio.Future[list[float]]]] = []
        self._worker: asyncio.Task[None] | None = None
        self._primed: OrderedDict[str, float] = OrderedDict()

    async def score(self, texts: Sequence[str]) -> list[float]:
        primed = {text: self._primed.pop(text) for text in texts if text in self._primed}
        missing = [text for text in texts if text not in primed]
        scored = dict(zip(missing, await self._score(missing), strict=True)) if missing else {}
        return [primed[text] if text in primed else scored[text] for text in texts]

    async def prime(self, texts: Sequence[str]) -> None:
        """Score ``texts`` now, in one model call, for ``score`` to find them later."""
        missing = list(dict.fromkeys(t for t in texts if t not in self._primed))
        if not missing:
            return
        for text, value in zip(missing, await self._score(missing), strict=True):
            self._primed[text] = value
        while len(self._primed) > self.max_primed:
            self._primed.popitem(last=False)

    async def _score(self, texts: list[str]) -> list[float]:
        if not texts:
            return []
        future: asyncio.Future[list[float]] = asyncio.get_running_loop().create_future()
        self._pending.append((texts, future))
        if self._worker is None or self._worker.done():
            self._worker = asyncio.create_task(self._drain())
        return await future

    async def _drain(self) -> None:
        while self._pending:
            batch: list[tuple[list[str], asyncio.Future[list[float]]]] = []
            size = 0
            while self._pending and (
                not batch or size + len(self._pending[0][0]) <= self.max_batch
            ):
                texts, future = self._pending.pop(0)
                batch.append((texts, future))
                size += len(texts)
            flat = [text for texts, _ in batch for text in texts]
            try:
                scores = await asyncio.to_thread(self.model.score, flat)
            except Exception as exc:
                for _, future in batch:
                    if not future.done():
                        future.set_exception(exc)
                continue
            offset = 0
            for texts, future in batch:
                if not future.done():  # its caller may have been cancelled
                    future.set_result(scores[offset : offset + len(texts)])
                offset += len(texts)
