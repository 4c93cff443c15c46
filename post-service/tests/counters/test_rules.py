"""The counters' decisions as pure functions (``counters.service``): no database."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone

import pytest

from post_service.counters.models import ItemKind, ItemState
from post_service.counters.service import (
    POSITIVE_REACTIONS,
    Delta,
    Drift,
    Item,
    change_of,
    counted,
    drifts_of,
    is_positive,
    uncounted,
)

AT = datetime(2026, 5, 1, 12, 0, tzinfo=timezone.utc)
POST = uuid.uuid4()


def item(state: ItemState = ItemState.LIVE, *, positive: bool = False) -> Item:
    return Item(post_id=POST, state=state, positive=positive, changed_at=AT)


def test_positive_reactions() -> None:
    assert {t for t in ("LIKE", "LOVE", "FUNNY", "JOY", "ANGRY", "SAD") if is_positive(t)} == (
        POSITIVE_REACTIONS
    )


def test_a_new_item_counts_once_on_its_own_counter() -> None:
    assert counted(ItemKind.VIEW, positive=False).counters() == {
        "views": 1,
        "comments": 0,
        "reactions": 0,
        "positive": 0,
    }
    assert counted(ItemKind.REACTION, positive=True).counters() == {
        "views": 0,
        "comments": 0,
        "reactions": 1,
        "positive": 1,
    }


def test_a_delete_uncounts_a_live_item_and_nothing_else() -> None:
    assert uncounted(ItemKind.REACTION, item(positive=True)) == Delta(ItemKind.REACTION, -1, -1)
    assert uncounted(ItemKind.COMMENT, item()) == Delta(ItemKind.COMMENT, -1, 0)
    assert uncounted(ItemKind.COMMENT, item(ItemState.DELETED)) is None  # already a tombstone


@pytest.mark.parametrize(
    ("stored", "positive", "at", "expected"),
    [
        (item(positive=False), True, AT + timedelta(1), (True, Delta(ItemKind.REACTION, 0, 1))),
        (item(positive=True), False, AT + timedelta(1), (True, Delta(ItemKind.REACTION, 0, -1))),
        (item(positive=True), True, AT + timedelta(1), (True, None)),  # newer, same sign
        (item(positive=False), True, AT, (False, None)),  # not newer than the last change
        (item(positive=False), True, AT - timedelta(1), (False, None)),  # older: ignored
        (item(ItemState.DELETED), True, AT + timedelta(1), (False, None)),  # deleted wins
    ],
)
def test_only_a_newer_change_of_a_live_item_applies(
    stored: Item, positive: bool, at: datetime, expected: tuple[bool, Delta | None]
) -> None:
    assert change_of(ItemKind.REACTION, stored, positive=positive, at=at) == expected


def test_drifts_name_each_counter_that_differs() -> None:
    same = {
        "id": uuid.uuid4(),
        **{name: 2 for name in ("total_views", "total_comments", "total_reactions")},
        "positive_reactions": 1,
        **{name: 2 for name in ("counted_views", "counted_comments", "counted_reactions")},
        "counted_positive": 1,
    }
    off = {**same, "id": POST, "total_comments": 7, "positive_reactions": 0}
    assert drifts_of([same]) == []
    assert drifts_of([same, off]) == [
        Drift(post_id=POST, counter="total_comments", stored=7, counted=2),
        Drift(post_id=POST, counter="positive_reactions", stored=0, counted=1),
    ]
