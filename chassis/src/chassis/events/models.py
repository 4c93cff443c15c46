"""Tables the backbone needs in every service's database.

A service lists ``chassis.events.models`` among its Tortoise model modules, so its own
migrations create these tables next to its domain tables.
"""

from tortoise import fields
from tortoise.models import Model


class OutboxEvent(Model):
    id = fields.BigIntField(primary_key=True)
    event_id = fields.UUIDField(unique=True)
    event_type = fields.CharField(max_length=100)
    version = fields.IntField(default=1)
    occurred_at = fields.DatetimeField()
    producer = fields.CharField(max_length=50)
    data: dict = fields.JSONField()
    published_at = fields.DatetimeField(null=True, db_index=True)

    class Meta:
        table = "outbox_event"


class ProcessedEvent(Model):
    """One row per event whose effect this service has committed: the idempotency record."""

    event_id = fields.UUIDField(primary_key=True)
    event_type = fields.CharField(max_length=100)
    processed_at = fields.DatetimeField(auto_now_add=True, db_index=True)

    class Meta:
        table = "processed_event"
