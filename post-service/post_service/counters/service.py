"""Exact counters: each comment, reaction and view counts once, by its own id, whatever the
order or number of deliveries.

Every change locks the item's ``post_counted_item`` row (or inserts it) and changes the post's
counters with one atomic ``UPDATE post SET total_x = total_x + 1`` in the same transaction as
the event's ``processed_event`` row. The item decides:

================  ==========================  ==========================  ====================
event             no row yet                  live row                    deleted row
================  ==========================  ==========================  ====================
created           insert live, +1             nothing (duplicate)         nothing (tombstone)
deleted           insert deleted tombstone    mark deleted, -1            nothing
updated           insert live, +1 (it exists) newer type: adjust positive  nothing
================  ==========================  ==========================  ====================

So a delete that arrives before its create nets to zero, and counters never go below zero.
An event for a post this service does not have is recorded, and changes no post.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from post_service.counters import queries
from post_service.counters.models import ItemKind, ItemState

logger = logging.getLogger("post.counters")

POSITIVE_REACTIONS = frozenset({"LIKE", "LOVE", "FUNNY", "JOY"})


def is_positive(reaction_type: str) -> bool:
    return reaction_type in POSITIVE_REACTIONS


# --- rules --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Item:
    """A counted item as stored (its row locked)."""

    post_id: uuid.UUID
    state: ItemState
    positive: bool
    changed_at: datetime

    @classmethod
    def of_row(cls, row: Mapping[str, Any]) -> Item:
        return cls(
            post_id=row["post_id"],
            state=ItemState(row["state"]),
            positive=row["positive"],
            changed_at=row["changed_at"],
        )


@dataclass(frozen=True)
class Delta:
    """How a post's counters move: ``count`` on the kind's counter, ``positive`` on
    ``positive_reactions``."""

    kind: ItemKind
    count: int
    positive: int

    def counters(self) -> dict[str, int]:
        """The change of each of the post's counters."""
        return {
            "views": self.count if self.kind == ItemKind.VIEW else 0,
            "comments": self.count if self.kind == ItemKind.COMMENT else 0,
            "reactions": self.count if self.kind == ItemKind.REACTION else 0,
            "positive": self.positive,
        }


def counted(kind: ItemKind, *, positive: bool) -> Delta:
    """A new live item: one more of its kind (and one more positive reaction if it is)."""
    return Delta(kind, +1, +1 if positive else 0)


def uncounted(kind: ItemKind, item: Item) -> Delta | None:
    """A delete of a stored item: one fewer if it was live; a tombstone changes nothing."""
    if item.state != ItemState.LIVE:
        return None
    return Delta(kind, -1, -1 if item.positive else 0)


def change_of(
    kind: ItemKind, item: Item, *, positive: bool, at: datetime
) -> tuple[bool, Delta | None]:
    """An update of a stored item: (whether the item takes it, how the counters move). Only a
    live item and only a change newer than the last one count; only a flip of positive moves a
    counter."""
    if item.state != ItemState.LIVE or item.changed_at >= at:
        return False, None
    if item.positive == positive:
        return True, None
    return True, Delta(kind, 0, +1 if positive else -1)


# --- changes ------------------------------------------------------------------------------


async def _lock(item_id: uuid.UUID) -> Item | None:
    row = await queries.lock_item(item_id)
    return Item.of_row(row) if row is not None else None


async def _apply(post_id: uuid.UUID, delta: Delta) -> None:
    await queries.add_to_counters(post_id, **delta.counters())


async def record_created(
    *, kind: ItemKind, item_id: uuid.UUID, post_id: uuid.UUID, positive: bool, at: datetime
) -> bool:
    """A comment, reaction or view exists: count it once. Returns whether counters moved."""
    while True:
        if await _lock(item_id) is not None:
            return False  # a duplicate, or a tombstone: its delete already won
        if await queries.insert_item(
            item_id, kind=kind, post_id=post_id, state=ItemState.LIVE, positive=positive, at=at
        ):
            await _apply(post_id, counted(kind, positive=positive))
            return True


async def record_deleted(
    *, kind: ItemKind, item_id: uuid.UUID, post_id: uuid.UUID, at: datetime
) -> bool:
    """A comment or reaction is gone: un-count it once, or leave a tombstone for its create."""
    while True:
        item = await _lock(item_id)
        if item is None:
            if await queries.insert_item(
                item_id, kind=kind, post_id=post_id, state=ItemState.DELETED, positive=False, at=at
            ):
                return False
            continue
        delta = uncounted(kind, item)
        if delta is None:
            return False
        await queries.mark_item_deleted(item_id, at=at)
        await _apply(item.post_id, delta)
        return True


async def record_changed(
    *, kind: ItemKind, item_id: uuid.UUID, post_id: uuid.UUID, positive: bool, at: datetime
) -> bool:
    """A comment was edited or a reaction changed type. Only whether a reaction is positive
    matters here, and only the newest change (by ``occurred_at``) wins. An update that arrives
    before its create proves the item exists: it is counted now, and the create then finds it."""
    while True:
        item = await _lock(item_id)
        if item is None:
            if await queries.insert_item(
                item_id, kind=kind, post_id=post_id, state=ItemState.LIVE, positive=positive, at=at
            ):
                await _apply(post_id, counted(kind, positive=positive))
                return True
            continue
        takes, delta = change_of(kind, item, positive=positive, at=at)
        if takes:
            await queries.set_item_positive(item_id, positive=positive, at=at)
        if delta is None:
            return False
        await _apply(item.post_id, delta)
        return True


async def forget_post(post_id: uuid.UUID) -> None:
    """The post is deleted: its counted items go with it."""
    await queries.delete_items_of_post(post_id)


async def prune_orphan_items(*, older_than: timedelta) -> int:
    """Items of posts that no longer exist (events that arrived after the post was deleted),
    once they are too old to be waiting for their post."""
    return await queries.prune_orphan_items(older_than=older_than)


# --- reconciliation -----------------------------------------------------------------------


@dataclass(frozen=True)
class Drift:
    post_id: uuid.UUID
    counter: str
    stored: int
    counted: int


# Each stored counter and the name of its count in ``queries.counter_mismatches`` rows.
_PAIRS = (
    ("total_views", "counted_views"),
    ("total_comments", "counted_comments"),
    ("total_reactions", "counted_reactions"),
    ("positive_reactions", "counted_positive"),
)


def drifts_of(rows: Sequence[Mapping[str, Any]]) -> list[Drift]:
    """One drift per counter that differs from its count, post by post."""
    return [
        Drift(post_id=row["id"], counter=stored, stored=row[stored], counted=row[count])
        for row in rows
        for stored, count in _PAIRS
        if row[stored] != row[count]
    ]


async def reconcile_counters() -> list[Drift]:
    """Compare every post's counters with its live counted items and log each difference. It
    reports, it does not repair: a drift is a bug to find."""
    drifts = drifts_of(await queries.counter_mismatches())
    for drift in drifts:
        logger.warning(
            "counter drift",
            extra={
                "post_id": str(drift.post_id),
                "counter": drift.counter,
                "stored": drift.stored,
                "counted": drift.counted,
            },
        )
    return drifts
