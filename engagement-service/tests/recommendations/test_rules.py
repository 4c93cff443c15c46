"""The recommendation rules without a database: affinities, the ranking and the reasons."""

from __future__ import annotations

import math
import uuid
from datetime import timedelta

import pytest

from engagement_service.core.vocabulary import CATEGORIES
from engagement_service.recommendations import rules
from engagement_service.recommendations.rules import PersonCandidate, PostCandidate


def test_affinity_is_half_declared_half_relative_points() -> None:
    affinity = rules.affinities(
        declared=["MUSIC", "ART"], points={"MUSIC": 10, "SPORTS": 5}, categories=CATEGORIES
    )
    assert affinity == {"ART": 0.5, "MUSIC": 1.0, "SPORTS": 0.25}
    assert list(affinity) == ["ART", "MUSIC", "SPORTS"]  # in the vocabulary's order
    assert rules.affinities(declared=[], points={}, categories=CATEGORIES) == {}
    assert rules.affinities(declared=["FOOD"], points={}, categories=CATEGORIES) == {"FOOD": 0.5}
    # A category outside the vocabulary is never ranked.
    assert rules.affinities(declared=["KNITTING"], points={}, categories=CATEGORIES) == {}


def test_the_strongest_categories_break_ties_by_name() -> None:
    affinity = {"SPORTS": 0.5, "ART": 0.5, "MUSIC": 1.0, "FOOD": 0.25}
    assert rules.top_categories(affinity) == ["MUSIC", "ART", "SPORTS"]
    assert rules.top_categories(affinity, count=1) == ["MUSIC"]
    assert rules.top_categories({}) == []


def test_a_post_matches_by_its_best_category() -> None:
    affinity = {"MUSIC": 1.0, "ART": 0.5}
    assert rules.match(["ART", "MUSIC"], affinity) == 1.0
    assert rules.match(["ART", "NEWS"], affinity) == 0.5
    assert rules.match(["NEWS"], affinity) == 0.0
    assert rules.match([], affinity) == 0.0


def test_popularity_and_freshness() -> None:
    assert rules.popularity(reactions=0, comments=0, views=0) == 0.0
    # 5 reactions, 2 comments, 5 views: 25 + 20 + 5 = 50, one scale.
    assert rules.popularity(reactions=5, comments=2, views=5) == pytest.approx(1 - math.exp(-1))
    assert rules.freshness(timedelta(0)) == 1.0
    assert rules.freshness(timedelta(hours=48)) == pytest.approx(0.5)
    assert rules.freshness(timedelta(hours=-3)) == 1.0  # published "in the future": fresh


def test_the_rank_weighs_match_popularity_and_freshness() -> None:
    assert rules.rank(match=1, popularity=1, freshness=1) == pytest.approx(1.0)
    assert rules.rank(match=1, popularity=0, freshness=0) == 0.5
    assert rules.rank(match=0, popularity=1, freshness=0) == 0.3
    assert rules.rank(match=0, popularity=0, freshness=1) == 0.2


def person(mutual: int, shared: int) -> PersonCandidate:
    return PersonCandidate(
        id=uuid.uuid4(), first_name="A", last_name="B", interests=[], mutual=mutual, shared=shared
    )


def test_people_say_why() -> None:
    assert rules.connection_reasons(person(1, 0)) == ["1 mutual connection"]
    assert rules.connection_reasons(person(4, 1)) == ["4 mutual connections", "1 shared interest"]
    assert rules.connection_reasons(person(2, 3)) == ["2 mutual connections", "3 shared interests"]


def post(categories: list[str], *, popularity: float, freshness: float) -> PostCandidate:
    return PostCandidate(
        id=uuid.uuid4(),
        author_id=uuid.uuid4(),
        title=None,
        categories=categories,
        published_at=None,
        reactions=7,
        comments=2,
        views=0,
        match=0.0,
        popularity=popularity,
        freshness=freshness,
        rank=0.0,
    )


def test_posts_say_why() -> None:
    affinity = {"MUSIC": 1.0, "ART": 0.5}
    strong = post(["ART", "MUSIC", "NEWS"], popularity=0.5, freshness=0.7)
    assert rules.post_reasons(strong, affinity) == [
        "matches your interest in MUSIC, ART",
        "popular: 7 reactions, 2 comments",
        "new",
    ]
    assert rules.post_reasons(post(["NEWS"], popularity=0.49, freshness=0.69), affinity) == []
