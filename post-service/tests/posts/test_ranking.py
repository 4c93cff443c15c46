"""The ranking formulas (``posts.ranking``), and the SQL that recomputes ``hot`` agreeing with
them (``posts.queries.hot_expression``, built from the same constants)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from fastapi import FastAPI
from tortoise import connections

from post_service.posts import ranking
from post_service.posts.queries import hot_expression

NOW = datetime(2026, 5, 1, 12, 0, tzinfo=timezone.utc)


def hot(positive: int, comments: int, age: timedelta) -> float:
    return ranking.hot_score(
        positive_reactions=positive, comments=comments, listed_at=NOW - age, now=NOW
    )


def test_hot_is_engagement_over_decaying_age() -> None:
    assert hot(0, 0, timedelta(0)) == pytest.approx(1 / 2**1.5)
    assert hot(10, 3, timedelta(hours=1)) == pytest.approx(14 / 3**1.5)
    assert hot(5, 5, timedelta(hours=1)) > hot(5, 5, timedelta(hours=2)) > 0


def test_hot_stops_decaying_at_the_horizon_and_never_counts_negative_age() -> None:
    horizon = timedelta(hours=ranking.HOT_MAX_AGE_HOURS)
    assert hot(3, 0, horizon) == hot(3, 0, horizon * 10) == pytest.approx(4 / 194**1.5)
    assert hot(3, 0, -timedelta(hours=5)) == hot(3, 0, timedelta(0))


# Engagement and age in hours: fresh, young, just inside and far past the horizon, and a
# listing time in the future (a clock step back between replicas).
CASES = [(0, 0, 0.0), (10, 3, 1.5), (50, 50, 191.0), (7, 0, 500.0), (2, 1, -3.0), (0, 9, 36.25)]


@pytest.mark.parametrize(("positive", "comments", "age_hours"), CASES)
async def test_the_sql_hot_score_is_the_python_one(
    app: FastAPI, positive: int, comments: int, age_hours: float
) -> None:
    expression = hot_expression(positive="t.positive", comments="t.comments", listed_at="t.at")
    [row] = await connections.get("default").execute_query_dict(
        f"SELECT {expression} AS hot, now() AS now, t.at FROM (SELECT $1::int AS positive, "
        "$2::int AS comments, now() - make_interval(secs => $3) AS at) t",
        [positive, comments, age_hours * 3600],
    )
    expected = ranking.hot_score(
        positive_reactions=positive, comments=comments, listed_at=row["at"], now=row["now"]
    )
    assert row["hot"] == pytest.approx(expected, rel=1e-12)
