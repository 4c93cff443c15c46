"""Notifications, and the delivery queue that feeds each user's live stream after commit."""

from __future__ import annotations

from enum import Enum

from tortoise import fields
from tortoise.indexes import Index
from tortoise.models import Model


class NotificationType(str, Enum):
    # Created automatically from events today.
    POST_REACTION_RECEIVED = "POST_REACTION_RECEIVED"
    POST_COMMENT_RECEIVED = "POST_COMMENT_RECEIVED"
    COMMENT_REPLY = "COMMENT_REPLY"
    USER_CONNECTED = "USER_CONNECTED"
    CONTENT_REMOVED = "CONTENT_REMOVED"
    # Reserved: part of the API's vocabulary, nothing creates them yet.
    CONNECTION_RECOMMENDATION = "CONNECTION_RECOMMENDATION"
    POST_RECOMMENDATION = "POST_RECOMMENDATION"
    SYSTEM_MESSAGE = "SYSTEM_MESSAGE"
    PROFILE_ACTIVITY = "PROFILE_ACTIVITY"


class Notification(Model):
    id = fields.UUIDField(primary_key=True)
    user_id = fields.UUIDField()  # the recipient
    type = fields.CharEnumField(NotificationType, max_length=40)
    post_id = fields.UUIDField(null=True)
    # What it is about: the comment, the reaction, the moderation case, the connecting user.
    subject_id = fields.UUIDField(null=True)
    # Who caused it, most recent first (every actor of a reaction group).
    actor_ids: list[str] = fields.JSONField(default=list)
    # Reaction groups: one unread notification per (recipient, post) and window.
    group_key = fields.CharField(max_length=80, null=True)
    group_until = fields.DatetimeField(null=True)
    data: dict = fields.JSONField(default=dict)
    read_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField()
    updated_at = fields.DatetimeField()

    class Meta:
        table = "engagement_notification"
        indexes = (
            Index(fields=("user_id", "updated_at", "id")),
            Index(fields=("post_id",)),
            Index(fields=("subject_id",)),
        )


class Delivery(Model):
    """A message for a user's live stream, written in the transaction of the change it
    reports and XADDed to ``notifications:{user_id}`` by the delivery relay after commit."""

    id = fields.BigIntField(primary_key=True)
    user_id = fields.UUIDField()
    event = fields.CharField(max_length=40)
    payload: dict = fields.JSONField()
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "engagement_delivery"
