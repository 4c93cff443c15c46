"""How posts are ranked and scored. The formulas are documented in the service README.

- ``hot`` (the ``sort=popular`` key), Hacker-News style, decaying with age:

      hot = (positive_reactions + total_comments + 1) / (min(age_hours, 192) + 2) ** 1.5

  where age counts from ``listed_at`` (first publication). The decay stops at 8 days (192 h),
  so every older post is ranked by its engagement alone and its stored value never goes stale.
  ``hot`` is stored on the post and kept current by the counter handlers (same statement as the
  counter change) and by the ``hot-recompute`` job for posts younger than 8 days.

- ``score`` = (positive_reactions + total_comments) / total_views, capped at 1.0; 0 with no
  views. Range [0, 1].

- ``popularity`` = total_views / max(author's connections, 1), capped at 100. Range [0, 100].
"""

from __future__ import annotations

from datetime import datetime

HOT_GRAVITY = 1.5
HOT_MAX_AGE_HOURS = 192.0  # 8 days
SCORE_CAP = 1.0
POPULARITY_CAP = 100.0


def hot_score(
    *, positive_reactions: int, comments: int, listed_at: datetime, now: datetime
) -> float:
    age_hours = min(max((now - listed_at).total_seconds() / 3600.0, 0.0), HOT_MAX_AGE_HOURS)
    return float((positive_reactions + comments + 1) / (age_hours + 2) ** HOT_GRAVITY)


def hot_sql(*, positive: str = "positive_reactions", comments: str = "total_comments") -> str:
    """The same formula in SQL over the ``post`` row, with ``now()`` as the clock."""
    age = "extract(epoch from (now() - listed_at)) / 3600.0"
    return (
        f"(({positive}) + ({comments}) + 1)::float8 / "
        f"power(least(greatest({age}, 0), {HOT_MAX_AGE_HOURS}) + 2, {HOT_GRAVITY})"
    )


def score(*, positive_reactions: int, comments: int, views: int) -> float:
    if views <= 0:
        return 0.0
    return min(SCORE_CAP, (positive_reactions + comments) / views)


def popularity(*, views: int, author_connections: int) -> float:
    return min(POPULARITY_CAP, views / max(author_connections, 1))
