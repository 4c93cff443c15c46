from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class Dismissal(Model):
    """A person the user does not want recommended again."""

    id = fields.BigIntField(primary_key=True)
    user_id = fields.UUIDField()
    dismissed_id = fields.UUIDField()
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "engagement_dismissal"
        unique_together = (("user_id", "dismissed_id"),)
