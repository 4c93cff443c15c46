from __future__ import annotations

from tortoise import fields
from tortoise.indexes import Index
from tortoise.models import Model


class PostView(Model):
    """One row per view request; ``counted`` marks the views that emitted ``post_viewed``."""

    id = fields.UUIDField(primary_key=True)
    post_id = fields.UUIDField()
    user_id = fields.UUIDField()
    viewed_at = fields.DatetimeField()
    counted = fields.BooleanField()

    class Meta:
        table = "interaction_post_view"
        indexes = (Index(fields=("post_id", "viewed_at")), Index(fields=("user_id",)))


class PostViewer(Model):
    """One row per (post, user): the window marker. A view counts when no counted view of
    the same user and post is younger than the window; the check and the marker are one
    upsert, so concurrent views count once, and a rolled-back view leaves no marker."""

    id = fields.BigIntField(primary_key=True)
    post_id = fields.UUIDField()
    user_id = fields.UUIDField()
    first_viewed_at = fields.DatetimeField()
    last_counted_at = fields.DatetimeField()
    counted_views = fields.IntField()

    class Meta:
        table = "interaction_post_viewer"
        unique_together = (("post_id", "user_id"),)
        indexes = (Index(fields=("user_id",)),)
