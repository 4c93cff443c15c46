from __future__ import annotations

from enum import Enum

from tortoise import fields
from tortoise.models import Model


class ItemKind(str, Enum):
    COMMENT = "comment"
    REACTION = "reaction"
    VIEW = "view"


class ItemState(str, Enum):
    LIVE = "live"
    DELETED = "deleted"


class CountedItem(Model):
    """Each comment, reaction and counted view, by its own id: what makes the counters exact.

    A create counts only when it inserts the row; a delete un-counts only a live row, or leaves
    a ``deleted`` tombstone when the create has not arrived yet, which the create then finds.
    ``post_id`` is a plain column: events for posts this service does not have are recorded too.
    """

    item_id = fields.UUIDField(primary_key=True)
    kind = fields.CharEnumField(ItemKind, max_length=10)
    post_id = fields.UUIDField(db_index=True)
    state = fields.CharEnumField(ItemState, max_length=10)
    positive = fields.BooleanField(default=False)  # reactions: LIKE, LOVE, FUNNY, JOY
    changed_at = fields.DatetimeField()  # occurred_at of the event that last changed the row

    class Meta:
        table = "post_counted_item"
