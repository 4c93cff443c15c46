from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class User(Model):
    """A user's display data, from ``user_registered`` / ``user_updated`` (or, until those
    arrive, from the caller's verified identity). ``deleted_at`` marks a deleted account: a
    late ``user_updated`` cannot bring it back, and its tokens cannot write any more."""

    id = fields.UUIDField(primary_key=True)
    first_name = fields.CharField(max_length=100)
    last_name = fields.CharField(max_length=100)
    status = fields.CharField(max_length=20)
    # ``occurred_at`` of the event that set this state; older events are ignored. Null when
    # the row came from a token's identity, which any event replaces.
    event_at = fields.DatetimeField(null=True)
    deleted_at = fields.DatetimeField(null=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "interaction_user"

    @property
    def display_name(self) -> str | None:
        if self.deleted_at is not None:
            return None
        return f"{self.first_name} {self.last_name}".strip() or None
