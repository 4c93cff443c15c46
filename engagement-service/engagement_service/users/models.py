"""This service's copy of users and connections, fed by the auth service's events."""

from __future__ import annotations

from tortoise import fields
from tortoise.indexes import Index
from tortoise.models import Model


class User(Model):
    """A user as the auth service last announced them, plus their engagement score.

    A deleted user stays as a tombstone (``deleted_at`` set, names and interests cleared), so
    an event about them that arrives late is recognised and ignored. Their profile is gone:
    counters removed, score cleared, 404 for everyone.
    """

    id = fields.UUIDField(primary_key=True)
    first_name = fields.CharField(max_length=100, default="")
    last_name = fields.CharField(max_length=100, default="")
    interests: list[str] = fields.JSONField(default=list)
    role = fields.CharField(max_length=20, default="user")
    status = fields.CharField(max_length=20, default="ACTIVE")
    is_verified = fields.BooleanField(default=False)
    # occurred_at of the last applied user event: an older event never overwrites a newer one.
    version_at = fields.DatetimeField()
    deleted_at = fields.DatetimeField(null=True)
    # The decayed sum of weighted actions as of score_updated_at (see activity.scoring).
    score_raw = fields.FloatField(default=0.0)
    score = fields.FloatField(default=0.0)
    level = fields.CharField(max_length=20, default="ISOLATED")
    score_updated_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "engagement_user"

    @property
    def display_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


class Connection(Model):
    """One row per direction, kept after a disconnect (``connected`` false) so that the order
    of connect and disconnect events does not matter: the latest ``changed_at`` wins."""

    id = fields.BigIntField(primary_key=True)
    user_id = fields.UUIDField()
    other_id = fields.UUIDField()
    connected = fields.BooleanField()
    changed_at = fields.DatetimeField()

    class Meta:
        table = "engagement_connection"
        unique_together = (("user_id", "other_id"),)
        indexes = (Index(fields=("other_id",)),)
