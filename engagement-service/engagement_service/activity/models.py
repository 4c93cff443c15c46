"""Posts, per-item activity and counters: what activity profiles are computed from."""

from __future__ import annotations

from tortoise import fields
from tortoise.indexes import Index
from tortoise.models import Model


class Post(Model):
    """A post as the post service last announced it, with its popularity counted here.

    ``deleted_at`` makes it a tombstone: a late event about the post changes nothing, and an
    interaction that arrives after the deletion never counts.
    """

    id = fields.UUIDField(primary_key=True)
    author_id = fields.UUIDField()
    title = fields.CharField(max_length=100, null=True)
    categories: list[str] = fields.JSONField(default=list)
    status = fields.CharField(max_length=10)
    created_at = fields.DatetimeField()
    published_at = fields.DatetimeField(null=True)
    # The post's own updated_at from the last applied event (last writer wins).
    version_at = fields.DatetimeField()
    deleted_at = fields.DatetimeField(null=True)
    reactions = fields.IntField(default=0)
    comments = fields.IntField(default=0)
    views = fields.IntField(default=0)
    # reactions * 5 + comments * 10 + views, kept with the three counts (indexed for ranking).
    popularity = fields.IntField(default=0)

    class Meta:
        table = "engagement_post"
        indexes = (Index(fields=("author_id",)),)


class ActivityItem(Model):
    """One comment, reaction or counted view, with its state.

    Counters move only when an item flips state (inserted live, or live to deleted), each
    flip once: a repeated or reordered event finds the item already in its state. A delete
    that arrives first inserts the item as ``deleted``, and its create then changes nothing.
    """

    item_id = fields.UUIDField(primary_key=True)
    kind = fields.CharField(max_length=10)  # comment | reaction | view
    actor_id = fields.UUIDField()
    owner_id = fields.UUIDField()  # the post's author
    post_id = fields.UUIDField()
    parent_id = fields.UUIDField(null=True)  # a reply's top-level comment
    type = fields.CharField(max_length=10, null=True)  # reaction type
    type_at = fields.DatetimeField(null=True)  # when ``type`` was set (last writer wins)
    categories: list[str] = fields.JSONField(default=list)  # as counted, to uncount exactly
    state = fields.CharField(max_length=10)  # live | deleted
    occurred_at = fields.DatetimeField()

    class Meta:
        table = "engagement_activity_item"
        indexes = (
            Index(fields=("actor_id", "post_id")),
            Index(fields=("owner_id", "occurred_at")),
            Index(fields=("post_id",)),
        )


class Counter(Model):
    """A user's named count (``comments_received``, ``reactions_made:LIKE``, ``interest:ART``).

    Moved only by atomic increments in the same transaction as the item flip that causes them.
    """

    id = fields.BigIntField(primary_key=True)
    user_id = fields.UUIDField()
    name = fields.CharField(max_length=40)
    value = fields.BigIntField(default=0)

    class Meta:
        table = "engagement_counter"
        unique_together = (("user_id", "name"),)
