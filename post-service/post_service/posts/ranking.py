"""How posts are ranked and scored. The formulas are documented in the service README.

- ``hot`` (the ``sort=popular`` key), Hacker-News style, decaying with age:

      hot = (positive_reactions + total_comments + 1) / (min(age_hours, 192) + 2) ** 1.5

  where age counts from ``listed_at`` (first publication). The decay stops at 8 days (192 h),
  so every older post is ranked by its engagement alone and its stored value never goes stale.
  ``hot`` is stored on the post and kept current by the counter handlers (same statement as the
  counter change) and by the ``hot-recompute`` job for posts younger than 8 days. Those
  statements compute it in SQL with ``posts.queries.hot_expression``, which is built from the
  constants below, so the two cannot drift apart (``tests/posts/test_ranking.py`` checks it).

- ``score`` = (positive_reactions + total_comments) / total_views, capped at 1.0; 0 with no
  views. Range [0, 1].

- ``popularity`` = total_views / max(author's connections, 1), capped at 100. Range [0, 100].
"""

from __future__ import annotations

from datetime import datetime

HOT_BASE = 1  # added to the engagement, so that a post nobody engaged with ranks by age
HOT_AGE_OFFSET_HOURS = 2.0  # added to the age, so that a new post does not divide by zero
HOT_GRAVITY = 1.5
HOT_MAX_AGE_HOURS = 192.0  # 8 days
SCORE_CAP = 1.0
POPULARITY_CAP = 100.0


def hot_score(
    *, positive_reactions: int, comments: int, listed_at: datetime, now: datetime
) -> float:
    age_hours = min(max((now - listed_at).total_seconds() / 3600.0, 0.0), HOT_MAX_AGE_HOURS)
    engagement = positive_reactions + comments + HOT_BASE
    return float(engagement / (age_hours + HOT_AGE_OFFSET_HOURS) ** HOT_GRAVITY)


def score(*, positive_reactions: int, comments: int, views: int) -> float:
    if views <= 0:
        return 0.0
    return min(SCORE_CAP, (positive_reactions + comments) / views)


def popularity(*, views: int, author_connections: int) -> float:
    return min(POPULARITY_CAP, views / max(author_connections, 1))
