"""The engagement score and the interest weights: the numbers, in one place.

**Score.** Each action of the last 30 days is worth a weight that halves every 7 days of age:

    raw   = sum(weight(action) * 0.5 ** (age_days / 7))      over actions with age < 30 days
    score = 100 * (1 - exp(-raw / 25))                          (0 to 100, rounded to 0.1)

The user's own actions count most; what others do to the user's posts counts a little
(attention received is engagement too, but you cannot become "highly active" by being looked
at). Self-actions count once, as made.

| action (live, last 30 days)            | weight |
|----------------------------------------|--------|
| published a post (still POSTED)        | 5      |
| commented                              | 3      |
| connected with someone                 | 2      |
| reacted                                | 1      |
| viewed a post                          | 0.2    |
| received a comment                     | 1      |
| received a reaction                    | 0.5    |
| received a view                        | 0.05   |

For scale: a post a day for a month gives raw ~ 50, score ~ 86 (HIGHLY_ACTIVE); three
reactions a day, raw ~ 30, score ~ 70; one comment a week, raw ~ 5.5, score ~ 20.

**Levels** (the seed's): HIGHLY_ACTIVE >= 80, MODERATELY_ACTIVE >= 60, NORMALLY_ACTIVE >= 50,
LESS_ACTIVE >= 20, ISOLATED below.

**Interest points** per category of the post acted on: own POSTED post 5,
comment 3, reaction 2, view 1. Views are kept apart (``interest_view:``) so the public
profile's summary does not reveal what someone reads; the owner's summary adds them in.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

SCORE_WINDOW = timedelta(days=30)
HALF_LIFE = timedelta(days=7)
SCALE = 25.0

MADE_WEIGHTS: dict[str, float] = {
    "post": 5.0,
    "comment": 3.0,
    "connection": 2.0,
    "reaction": 1.0,
    "view": 0.2,
}
RECEIVED_WEIGHTS: dict[str, float] = {"comment": 1.0, "reaction": 0.5, "view": 0.05}

INTEREST_POINTS: dict[str, int] = {"post": 5, "comment": 3, "reaction": 2, "view": 1}

LEVELS: tuple[tuple[float, str], ...] = (
    (80.0, "HIGHLY_ACTIVE"),
    (60.0, "MODERATELY_ACTIVE"),
    (50.0, "NORMALLY_ACTIVE"),
    (20.0, "LESS_ACTIVE"),
)
LOWEST_LEVEL = "ISOLATED"


def decay(age: timedelta) -> float:
    """The weight left after ``age`` (1 now, 0.5 after a half-life; never above 1)."""
    seconds = max(age.total_seconds(), 0.0)
    return float(0.5 ** (seconds / HALF_LIFE.total_seconds()))


def moved_raw(stored: float, *, stored_at: datetime | None, delta: float, now: datetime) -> float:
    """The raw sum at ``now`` after adding an already-decayed ``delta``, without reading the
    user's history: exponential decay has no memory, so the sum at ``now`` is the stored sum
    decayed from ``stored_at`` (nothing if never computed), plus the delta; never negative."""
    before = stored * decay(now - stored_at) if stored_at is not None else 0.0
    return max(before + delta, 0.0)


def squash(raw: float) -> float:
    """A raw weighted sum onto 0 to 100."""
    return round(100.0 * (1.0 - math.exp(-max(raw, 0.0) / SCALE)), 1)


def level_of(score: float) -> str:
    for threshold, name in LEVELS:
        if score >= threshold:
            return name
    return LOWEST_LEVEL
