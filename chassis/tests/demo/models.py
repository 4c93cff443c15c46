from tortoise import fields
from tortoise.models import Model


class Note(Model):
    id = fields.UUIDField(primary_key=True)
    text = fields.CharField(max_length=200)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "note"


class Tally(Model):
    """Effects applied by the demo consumer: one row per note event it handled."""

    id = fields.BigIntField(primary_key=True)
    note_id = fields.UUIDField()
    consumer = fields.CharField(max_length=100)

    class Meta:
        table = "tally"
