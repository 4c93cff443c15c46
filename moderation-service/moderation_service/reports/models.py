from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

from moderation_service.core.vocabulary import Reason
from moderation_service.moderations.models import Moderation


class Report(Model):
    """A user's report of a post or comment: one per user and content item."""

    id = fields.UUIDField(primary_key=True)
    moderation: fields.ForeignKeyRelation[Moderation] = fields.ForeignKeyField(
        "models.Moderation", related_name="reports", on_delete=fields.CASCADE
    )
    reporter_id = fields.UUIDField(db_index=True)
    reason = fields.CharEnumField(Reason, max_length=20)
    note = fields.TextField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "moderation_report"
        unique_together = (("moderation", "reporter_id"),)
