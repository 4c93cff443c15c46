"""The activity rules without a database: what an item or a post is worth to whom, and the
decaying score."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone

import pytest

from engagement_service.activity import scoring
from engagement_service.activity.rules import (
    COMMENT,
    LIVE,
    REACTION,
    VIEW,
    Item,
    Tally,
    newer_type,
    published_at_after,
)

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc)
ACTOR, OWNER = uuid.UUID(int=1), uuid.UUID(int=2)
POST = uuid.UUID(int=100)


def item(
    kind: str,
    *,
    actor: uuid.UUID = ACTOR,
    owner: uuid.UUID = OWNER,
    type: str | None = None,
    categories: tuple[str, ...] = ("MUSIC",),
    at: datetime = NOW,
) -> Item:
    return Item(
        item_id=uuid.uuid4(),
        kind=kind,
        actor_id=actor,
        owner_id=owner,
        post_id=POST,
        parent_id=None,
        type=type,
        categories=list(categories),
        state=LIVE,
        occurred_at=at,
    )


def test_a_comment_by_someone_else_counts_for_both_and_for_the_post() -> None:
    tally = Tally()
    tally.item(item(COMMENT, categories=("MUSIC", "ART")), +1)
    assert tally.counter_deltas() == sorted(
        [
            (ACTOR, "comments_made", 1),
            (ACTOR, "interest:ART", 3),
            (ACTOR, "interest:MUSIC", 3),
            (OWNER, "comments_received", 1),
        ]
    )
    assert tally.post_deltas() == [(POST, 0, 1, 0)]
    assert tally.scores == [(ACTOR, 3.0, NOW), (OWNER, 1.0, NOW)]


def test_a_self_action_counts_as_made_only_but_for_the_posts_popularity() -> None:
    tally = Tally()
    tally.item(item(REACTION, owner=ACTOR, type="LOVE"), +1)
    assert tally.counter_deltas() == [
        (ACTOR, "interest:MUSIC", 2),
        (ACTOR, "reactions_made", 1),
        (ACTOR, "reactions_made:LOVE", 1),
    ]
    assert tally.post_deltas() == [(POST, 1, 0, 0)]
    assert tally.scores == [(ACTOR, 1.0, NOW)]


def test_views_keep_their_interest_apart() -> None:
    tally = Tally()
    tally.item(item(VIEW), +1)
    assert tally.counter_deltas() == [
        (ACTOR, "interest_view:MUSIC", 1),
        (ACTOR, "views_made", 1),
        (OWNER, "views_received", 1),
    ]
    assert tally.post_deltas() == [(POST, 0, 0, 1)]


def test_counting_and_uncounting_nets_to_nothing_written() -> None:
    tally = Tally()
    reaction = item(REACTION, type="LIKE")
    tally.item(reaction, +1)
    tally.item(reaction, -1)
    assert tally.counter_deltas() == []
    assert tally.post_deltas() == []
    deltas, full = tally.score_changes(now=NOW)
    assert (deltas, full) == ({ACTOR: 0.0, OWNER: 0.0}, set())


def test_a_new_reaction_type_moves_both_per_type_counts() -> None:
    tally = Tally()
    tally.reaction_type(item(REACTION, type="JOY"), "LIKE", "JOY")
    assert tally.counter_deltas() == [
        (ACTOR, "reactions_made:JOY", 1),
        (ACTOR, "reactions_made:LIKE", -1),
        (OWNER, "reactions_received:JOY", 1),
        (OWNER, "reactions_received:LIKE", -1),
    ]


def test_only_a_posted_post_adds_interest_and_score() -> None:
    tally = Tally()
    tally.post_state(OWNER, "DRAFT", ["ART"], None, +1)
    assert tally.counter_deltas() == [(OWNER, "posts:DRAFT", 1)]
    assert tally.scores == []
    tally.post_state(OWNER, "DRAFT", ["ART"], None, -1)
    tally.post_state(OWNER, "POSTED", ["ART"], NOW, +1)
    assert tally.counter_deltas() == [
        (OWNER, "interest:ART", 5),
        (OWNER, "posts:POSTED", 1),
    ]
    assert tally.scores == [(OWNER, 5.0, NOW)]


def test_forgotten_users_get_nothing_and_refreshed_users_no_delta() -> None:
    tally = Tally()
    tally.item(item(COMMENT), +1)
    tally.item(item(VIEW, at=NOW - timedelta(days=7)), +1)
    tally.forgotten.add(ACTOR)
    assert all(user == OWNER for user, _, _ in tally.counter_deltas())
    deltas, full = tally.score_changes(now=NOW)
    # The owner: a comment now (1) and a view a half-life ago (0.05 * 0.5).
    assert deltas == {OWNER: pytest.approx(1.0 + 0.025)}
    assert full == set()
    tally.refresh.update({OWNER, ACTOR})
    assert tally.score_changes(now=NOW) == ({}, {OWNER})


def test_actions_older_than_the_window_move_no_score() -> None:
    tally = Tally()
    just_inside = scoring.SCORE_WINDOW - timedelta(seconds=1)
    tally.item(item(COMMENT, at=NOW - scoring.SCORE_WINDOW), +1)
    tally.item(item(COMMENT, at=NOW - just_inside), +1)
    deltas, _ = tally.score_changes(now=NOW)
    assert deltas[ACTOR] == pytest.approx(3.0 * scoring.decay(just_inside))


@pytest.mark.parametrize(
    ("state", "type_at", "at", "applies"),
    [
        (LIVE, None, NOW, True),
        (LIVE, NOW - timedelta(seconds=1), NOW, True),
        (LIVE, NOW, NOW, False),  # the same news again
        (LIVE, NOW + timedelta(seconds=1), NOW, False),  # older news arriving late
        ("deleted", None, NOW, False),
    ],
)
def test_only_newer_news_changes_a_live_reactions_type(
    state: str, type_at: datetime | None, at: datetime, applies: bool
) -> None:
    assert newer_type(state, type_at, at) is applies


def test_the_first_publication_stands() -> None:
    first, later = NOW - timedelta(days=1), NOW
    assert published_at_after(status="POSTED", held_published_at=None, updated_at=later) == later
    assert published_at_after(status="POSTED", held_published_at=first, updated_at=later) == first
    assert published_at_after(status="ARCHIVED", held_published_at=first, updated_at=later) == first
    assert published_at_after(status="DRAFT", held_published_at=None, updated_at=later) is None


def test_weights_halve_every_week_and_never_grow() -> None:
    assert scoring.decay(timedelta(0)) == 1.0
    assert scoring.decay(timedelta(days=7)) == pytest.approx(0.5)
    assert scoring.decay(timedelta(days=14)) == pytest.approx(0.25)
    assert scoring.decay(timedelta(hours=-1)) == 1.0  # an action "from the future" counts fully


def test_the_raw_sum_maps_onto_zero_to_a_hundred() -> None:
    assert scoring.squash(0.0) == 0.0
    assert scoring.squash(-3.0) == 0.0
    assert scoring.squash(20.0) == 55.1
    assert scoring.squash(10_000.0) == 100.0


def test_a_stored_sum_decays_before_a_new_weight_is_added() -> None:
    week_ago = NOW - timedelta(days=7)
    assert scoring.moved_raw(10.0, stored_at=week_ago, delta=1.0, now=NOW) == pytest.approx(6.0)
    assert scoring.moved_raw(10.0, stored_at=None, delta=1.0, now=NOW) == 1.0
    assert scoring.moved_raw(1.0, stored_at=NOW, delta=-3.0, now=NOW) == 0.0  # never negative
