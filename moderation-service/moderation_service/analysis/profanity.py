"""The offensive-language model: alt-profanity-check, a linear SVM (calibrated to a
probability) over a TF-IDF vectoriser, trained on about 200k human-labelled texts and shipped
inside the package, so it runs offline.

The package's ``predict_prob`` spends most of a call in scikit-learn's per-call input checks
(about 2.3 ms for one text on the benchmark machine). ``LinearCalibratedScorer`` does the same
arithmetic directly (the five folds' linear decision functions as one sparse-dense product, their
sigmoid calibrations, the mean), about 0.3 ms for one text, and is used only after it has given
bit-for-bit the package's answers on probe texts at start-up; otherwise the package's own path
runs.

A call still takes CPU, so it never runs on the event loop: ``BatchingScorer`` sends calls to a
worker thread, and texts that arrive while the thread is busy go together in the next call.
"""

from __future__ import annotations

import asyncio
import importlib.metadata
from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from profanity_check import predict_prob, profanity_check
from scipy.special import expit

PACKAGE = "alt-profanity-check"

# Start-up probes for the direct path: clean, offensive, mixed, empty and long texts.
PROBES = [
    "",
    "I love this photo of the lake",
    "you are a stupid idiot",
    "shut the fuck up",
    "Dick Van Dyke was great in that film",
    "I hate Mondays.",
    "Buy cheap followers now!!! click here " * 5,
    "The committee met on Tuesday to discuss the budget and the new library opening hours.",
]


class LinearCalibratedScorer:
    """``CalibratedClassifierCV(LinearSVC, method="sigmoid").predict_proba(X)[:, 1]`` for a
    binary model, without scikit-learn's per-call validation.

    Each fold's probability is ``expit(-(a * (x . w + c) + b))``; the model's answer is the mean
    over the folds, summed in fold order as scikit-learn does.
    """

    def __init__(self, vectorizer: Any, model: Any) -> None:
        folds = model.calibrated_classifiers_
        if getattr(model, "method", None) != "sigmoid" or len(model.classes_) != 2:
            raise ValueError("not a binary sigmoid-calibrated model")
        for fold in folds:
            if fold.estimator.coef_.shape[0] != 1 or len(fold.calibrators) != 1:
                raise ValueError("not a binary linear model")
            if list(fold.estimator.classes_) != list(model.classes_):
                raise ValueError("fold classes differ from the model's")
        self._expit, self._vectorizer = expit, vectorizer
        self._weights = np.ascontiguousarray(np.vstack([f.estimator.coef_[0] for f in folds]).T)
        self._intercepts = np.array([f.estimator.intercept_[0] for f in folds])
        self._a = np.array([f.calibrators[0].a_ for f in folds])
        self._b = np.array([f.calibrators[0].b_ for f in folds])

    def __call__(self, texts: list[str]) -> Any:
        decisions = self._vectorizer.transform(texts) @ self._weights + self._intercepts
        per_fold = self._expit(-(self._a * decisions + self._b))
        total = per_fold[:, 0].copy()
        for i in range(1, per_fold.shape[1]):
            total += per_fold[:, i]
        return total / per_fold.shape[1]


class ProfanityModel:
    """The package's model (loaded when this module is imported, about a second) and, when it
    agrees on the probes, the direct scorer over it; build one at start-up, not per request."""

    def __init__(self, *, direct: bool = True) -> None:
        self._predict: Callable[[list[str]], Any] = predict_prob
        self.direct = False
        if direct:
            try:
                scorer = LinearCalibratedScorer(profanity_check.vectorizer, profanity_check.model)
            except (AttributeError, ValueError):
                scorer = None  # another model layout: keep the package's path
            if scorer is not None and [float(p) for p in scorer(PROBES)] == [
                float(p) for p in predict_prob(PROBES)
            ]:
                self._predict, self.direct = scorer, True
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
