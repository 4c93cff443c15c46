from __future__ import annotations

from enum import Enum

from tortoise import fields
from tortoise.indexes import Index
from tortoise.models import Model

from auth_service.users.models import User


class AuthSession(Model):
    """A signed-in device: one refresh-token family. Revoking it kills its access tokens too,
    because every access token names its session (``sid``) and verification checks it."""

    id = fields.UUIDField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="sessions", on_delete=fields.CASCADE
    )
    created_at = fields.DatetimeField()
    expires_at = fields.DatetimeField()
    revoked_at = fields.DatetimeField(null=True)
    revoked_reason = fields.CharField(max_length=40, null=True)

    user_id: str

    class Meta:
        table = "auth_session"
        indexes = (Index(fields=("user_id", "revoked_at")),)


class RefreshToken(Model):
    """Each refresh token is single-use; presenting a used one revokes its whole family."""

    id = fields.BigIntField(primary_key=True)
    session: fields.ForeignKeyRelation[AuthSession] = fields.ForeignKeyField(
        "models.AuthSession", related_name="refresh_tokens", on_delete=fields.CASCADE
    )
    token_hash = fields.CharField(max_length=64, unique=True)
    created_at = fields.DatetimeField()
    used_at = fields.DatetimeField(null=True)

    session_id: str

    class Meta:
        table = "auth_refresh_token"
        indexes = (Index(fields=("session_id",)),)


class TokenPurpose(str, Enum):
    ACTIVATE = "activate"
    RESET = "reset"


class OneTimeToken(Model):
    """Activation and password-reset tokens, stored hashed, single-use, expiring."""

    id = fields.BigIntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="one_time_tokens", on_delete=fields.CASCADE
    )
    purpose = fields.CharEnumField(TokenPurpose, max_length=20)
    token_hash = fields.CharField(max_length=64, unique=True)
    created_at = fields.DatetimeField()
    expires_at = fields.DatetimeField()
    used_at = fields.DatetimeField(null=True)

    user_id: str

    class Meta:
        table = "auth_one_time_token"
        indexes = (Index(fields=("user_id", "purpose")),)


class MailRequest(Model):
    """A forgot-password or resend-activation request waiting for the worker.

    The request path writes one of these for any well-formed address, whether or not an account
    uses it, so it does the same work and answers in the same time either way (no account
    enumeration by timing). The worker looks the account up, issues the token, commits, then
    mails (``auth.mails.deliver_queued_mails``); it deletes the row in that same commit, so no
    address outlives its request.
    """

    id = fields.BigIntField(primary_key=True)
    purpose = fields.CharEnumField(TokenPurpose, max_length=20)
    email = fields.CharField(max_length=320)
    created_at = fields.DatetimeField()

    class Meta:
        table = "auth_mail_request"
        table_description = "Forgot-password and resend-activation requests for the worker."
