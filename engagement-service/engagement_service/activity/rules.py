"""The activity rules, pure: what an item or a post state is worth to whom.

An item (comment, reaction, counted view) counts once when it turns ``live`` and is uncounted
once when it turns ``deleted`` (``service.py`` makes each flip happen once). A ``Tally`` gathers
what one event's flips are worth: counter deltas per user, popularity deltas per post, and score
changes; ``service.apply`` writes it in a few statements. The score's numbers are in
``scoring.py``.
"""

from __future__ import annotations

import json
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from engagement_service.activity import scoring

LIVE = "live"
DELETED = "deleted"
COMMENT, REACTION, VIEW = "comment", "reaction", "view"
# Only a POSTED post is visible to others (DRAFT and ARCHIVED are the author's own).
PUBLIC_STATUSES = ("POSTED",)


def post_key(post_id: uuid.UUID) -> str:
    """The advisory lock of a post: shared by item inserts, exclusive for its deletion."""
    return f"engagement:post:{post_id}"


def user_key(user_id: uuid.UUID) -> str:
    """The advisory lock of a user: shared by item inserts and connections, exclusive for the
    deletion of the account."""
    return f"engagement:user:{user_id}"


def as_list(value: Any) -> list[str]:
    """A JSON list column, as the driver returns it (text or already decoded)."""
    return list(json.loads(value) if isinstance(value, str) else value)


@dataclass
class Item:
    item_id: uuid.UUID
    kind: str
    actor_id: uuid.UUID
    owner_id: uuid.UUID
    post_id: uuid.UUID
    parent_id: uuid.UUID | None
    type: str | None
    categories: list[str]
    state: str
    occurred_at: datetime

    @classmethod
    def of(cls, row: dict[str, Any]) -> Item:
        return cls(
            item_id=row["item_id"],
            kind=row["kind"],
            actor_id=row["actor_id"],
            owner_id=row["owner_id"],
            post_id=row["post_id"],
            parent_id=row["parent_id"],
            type=row["type"],
            categories=as_list(row["categories"]),
            state=row["state"],
            occurred_at=row["occurred_at"],
        )


def newer_type(state: str, type_at: datetime | None, at: datetime) -> bool:
    """A reaction type announced at ``at`` applies to a live reaction whose type is older."""
    return state == LIVE and (type_at is None or type_at < at)


def published_at_after(
    *, status: str, held_published_at: datetime | None, updated_at: datetime
) -> datetime | None:
    """When a post was first published, given the state being applied: the first POSTED
    update publishes it; after that the first publication stands."""
    if held_published_at is None and status == "POSTED":
        return updated_at
    return held_published_at


@dataclass
class Tally:
    """Counter and popularity deltas gathered by one handler, applied in two statements."""

    counters: defaultdict[tuple[uuid.UUID, str], int] = field(
        default_factory=lambda: defaultdict(int)
    )
    # Per post: [reactions, comments, views] deltas.
    posts: defaultdict[uuid.UUID, list[int]] = field(
        default_factory=lambda: defaultdict(lambda: [0, 0, 0])
    )
    # Score changes: (user, signed weight, when the action happened).
    scores: list[tuple[uuid.UUID, float, datetime]] = field(default_factory=list)
    # Users whose score is recomputed in full instead (see ``scores.refresh_scores``).
    refresh: set[uuid.UUID] = field(default_factory=set)
    # Users whose counters are being deleted: nothing is written for them.
    forgotten: set[uuid.UUID] = field(default_factory=set)

    def add(self, user_id: uuid.UUID, name: str, delta: int) -> None:
        self.counters[(user_id, name)] += delta

    def item(self, item: Item, sign: int) -> None:
        actor, owner = item.actor_id, item.owner_id
        received = owner != actor  # self-actions count as made only
        popularity = self.posts[item.post_id]
        points = scoring.INTEREST_POINTS[item.kind] * sign
        self.scores.append((actor, scoring.MADE_WEIGHTS[item.kind] * sign, item.occurred_at))
        if received:
            self.scores.append(
                (owner, scoring.RECEIVED_WEIGHTS[item.kind] * sign, item.occurred_at)
            )
        if item.kind == COMMENT:
            self.add(actor, "comments_made", sign)
            if received:
                self.add(owner, "comments_received", sign)
            popularity[1] += sign
            for category in item.categories:
                self.add(actor, f"interest:{category}", points)
        elif item.kind == REACTION:
            self.add(actor, "reactions_made", sign)
            self.add(actor, f"reactions_made:{item.type}", sign)
            if received:
                self.add(owner, "reactions_received", sign)
                self.add(owner, f"reactions_received:{item.type}", sign)
            popularity[0] += sign
            for category in item.categories:
                self.add(actor, f"interest:{category}", points)
        else:
            self.add(actor, "views_made", sign)
            if received:
                self.add(owner, "views_received", sign)
            popularity[2] += sign
            for category in item.categories:
                self.add(actor, f"interest_view:{category}", points)

    def reaction_type(self, item: Item, old: str, new: str) -> None:
        self.add(item.actor_id, f"reactions_made:{old}", -1)
        self.add(item.actor_id, f"reactions_made:{new}", 1)
        if item.owner_id != item.actor_id:
            self.add(item.owner_id, f"reactions_received:{old}", -1)
            self.add(item.owner_id, f"reactions_received:{new}", 1)

    def post_state(
        self,
        author_id: uuid.UUID,
        status: str,
        categories: Iterable[str],
        published_at: datetime | None,
        sign: int,
    ) -> None:
        self.add(author_id, f"posts:{status}", sign)
        if status in PUBLIC_STATUSES:
            for category in categories:
                self.add(author_id, f"interest:{category}", scoring.INTEREST_POINTS["post"] * sign)
            if published_at is not None:
                self.scores.append((author_id, scoring.MADE_WEIGHTS["post"] * sign, published_at))

    def counter_deltas(self) -> list[tuple[uuid.UUID, str, int]]:
        """(user, counter, delta), sorted (the upsert's lock order), without zero deltas and
        without the forgotten users."""
        return sorted(
            (user, name, delta)
            for (user, name), delta in self.counters.items()
            if delta and user not in self.forgotten
        )

    def post_deltas(self) -> list[tuple[uuid.UUID, int, int, int]]:
        """(post, reactions, comments, views) deltas, sorted, without posts left unchanged."""
        return sorted((pid, d[0], d[1], d[2]) for pid, d in self.posts.items() if any(d))

    def score_changes(self, *, now: datetime) -> tuple[dict[uuid.UUID, float], set[uuid.UUID]]:
        """The decayed score deltas per user, and the users recomputed in full instead.

        Actions older than the score window weigh nothing; the forgotten users get neither."""
        full = self.refresh - self.forgotten
        deltas: defaultdict[uuid.UUID, float] = defaultdict(float)
        for user, weight, at in self.scores:
            if user not in self.forgotten and user not in full and now - at < scoring.SCORE_WINDOW:
                deltas[user] += weight * scoring.decay(now - at)
        return dict(deltas), full

    def clear(self) -> None:
        self.counters.clear()
        self.posts.clear()
        self.scores.clear()
        self.refresh.clear()
