from __future__ import annotations

from tortoise import fields
from tortoise.indexes import Index
from tortoise.models import Model


def display_name(first_name: str, last_name: str) -> str:
    return f"{first_name} {last_name}".strip()


class Author(Model):
    """A user as auth last described them (``user_*`` events), or as the token check did when
    they first posted. Each group of fields remembers the ``occurred_at`` of the event that
    set it, so an older event delivered late never overwrites a newer one."""

    id = fields.UUIDField(primary_key=True)  # the user's id in auth
    first_name = fields.CharField(max_length=100, default="")
    last_name = fields.CharField(max_length=100, default="")
    status = fields.CharField(max_length=20, default="ACTIVE")
    total_connections = fields.IntField(default=0)
    profile_synced_at = fields.DatetimeField(null=True)
    connections_synced_at = fields.DatetimeField(null=True)

    class Meta:
        table = "post_author"

    @property
    def display_name(self) -> str:
        return display_name(self.first_name, self.last_name)


class Connection(Model):
    """One row per direction, kept after a disconnect (``connected`` false) so that a late
    ``user_connected`` older than the disconnect cannot bring the connection back."""

    id = fields.BigIntField(primary_key=True)
    user_id = fields.UUIDField()
    other_id = fields.UUIDField()
    connected = fields.BooleanField()
    changed_at = fields.DatetimeField()  # occurred_at of the event that set `connected`

    class Meta:
        table = "post_connection"
        unique_together = (("user_id", "other_id"),)
        indexes = (Index(fields=("other_id",)),)


class DeletedUser(Model):
    """Tombstone of a deleted account: late events about it are ignored, and it cannot post."""

    user_id = fields.UUIDField(primary_key=True)
    deleted_at = fields.DatetimeField()

    class Meta:
        table = "post_deleted_user"
