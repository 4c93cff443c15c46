"""Moving and recomputing engagement scores (the numbers are in ``scoring.py``).

An event moves the scores of the users it touches by already-decayed weights (one row update
each, whatever their history); a full recompute from the last 30 days runs for users whose
history changed in a way a delta cannot express (an account arriving after its activity, a
connection gone), and hourly for everyone (``refresh_all_scores``), which also lets actions
leave the 30-day window.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime

from engagement_service.activity import queries, scoring


async def add_to_scores(deltas: dict[uuid.UUID, float], *, now: datetime) -> None:
    """Move scores by already-decayed weights, without reading anyone's history.

    The one approximation is the 30-day window: an action leaves the sum when it turns 30
    days old only at the next full recompute (``refresh_all_scores``, hourly), and by then it
    weighs under 5 % of its weight.
    """
    ids = sorted(uid for uid, delta in deltas.items() if delta)
    if not ids:
        return
    stored = await queries.lock_stored_scores(ids)
    raws = [
        scoring.moved_raw(raw, stored_at=at, delta=deltas[uid], now=now) for uid, raw, at in stored
    ]
    await _write([uid for uid, _, _ in stored], raws, now=now)


async def _write(ids: list[uuid.UUID], raws: list[float], *, now: datetime) -> int:
    scores = [scoring.squash(raw) for raw in raws]
    return await queries.write_scores(
        ids, raws=raws, scores=scores, levels=[scoring.level_of(s) for s in scores], now=now
    )


async def refresh_scores(user_ids: Iterable[uuid.UUID], *, now: datetime) -> int:
    """Recompute the score and level of these users from their last 30 days (the existing,
    undeleted ones)."""
    ids = sorted(set(user_ids))
    if not ids:
        return 0
    raw = await queries.raw_scores(
        ids,
        since=now - scoring.SCORE_WINDOW,
        now=now,
        made=scoring.MADE_WEIGHTS,
        received=scoring.RECEIVED_WEIGHTS,
        half_life_seconds=scoring.HALF_LIFE.total_seconds(),
    )
    return await _write(ids, [raw.get(uid, 0.0) for uid in ids], now=now)


async def refresh_all_scores(*, now: datetime, batch_size: int = 1000) -> int:
    """The scheduled decay: every undeleted user, in batches (keyset on id), each batch's
    UPDATE its own statement so handlers are never held up long."""
    done = 0
    after = uuid.UUID(int=0)
    while True:
        ids = await queries.undeleted_user_ids(after=after, limit=batch_size)
        if not ids:
            return done
        done += await refresh_scores(ids, now=now)
        after = ids[-1]
