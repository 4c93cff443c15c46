from __future__ import annotations

from enum import Enum

from tortoise import fields
from tortoise.indexes import Index
from tortoise.models import Model


class Role(str, Enum):
    USER = "user"
    MODERATOR = "moderator"
    ADMIN = "admin"


class UserStatus(str, Enum):
    """The seed's statuses. INACTIVE and BANNED accounts cannot sign in; MUTED ones can, but
    other services refuse their writes."""

    ACTIVE = "ACTIVE"
    INACTIVE = "INACTIVE"
    MUTED = "MUTED"
    BANNED = "BANNED"


class User(Model):
    id = fields.UUIDField(primary_key=True)
    # Stored lower-cased: addresses are compared case-insensitively.
    email = fields.CharField(max_length=320, unique=True)
    password_hash = fields.CharField(max_length=255)
    first_name = fields.CharField(max_length=100)
    last_name = fields.CharField(max_length=100)
    interests: list[str] = fields.JSONField(default=list)
    role = fields.CharEnumField(Role, max_length=20, default=Role.USER)
    status = fields.CharEnumField(UserStatus, max_length=20, default=UserStatus.ACTIVE)
    is_verified = fields.BooleanField(default=False)
    total_connections = fields.IntField(default=0)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "auth_user"
        indexes = (Index(fields=("created_at", "id")),)

    @property
    def display_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


class Connection(Model):
    """One row per direction: A-B is stored as (A, B) and (B, A), so "my connections" is one
    indexed range scan."""

    id = fields.BigIntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="connections", on_delete=fields.CASCADE
    )
    other: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="connected_by", on_delete=fields.CASCADE
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    user_id: str
    other_id: str

    class Meta:
        table = "auth_connection"
        unique_together = (("user", "other"),)
        indexes = (
            Index(fields=("user_id", "created_at", "id")),
            Index(fields=("other_id",)),
        )
