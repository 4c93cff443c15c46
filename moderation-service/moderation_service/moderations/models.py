from __future__ import annotations

from enum import Enum

from tortoise import fields
from tortoise.indexes import Index
from tortoise.models import Model

from moderation_service.core.vocabulary import ContentType, Decision, PostStatus, Reason


class ModerationStatus(str, Enum):
    APPROVED = "APPROVED"
    PENDING_REVIEW = "PENDING_REVIEW"
    DELETE_REQUESTED = "DELETE_REQUESTED"
    DELETE_CONFIRMED = "DELETE_CONFIRMED"


class ActorType(str, Enum):
    SYSTEM = "SYSTEM"
    MODERATOR = "MODERATOR"
    USER = "USER"


class ActionType(str, Enum):
    ANALYSED = "ANALYSED"  # first analysis
    REANALYSED = "REANALYSED"  # an edit was analysed again
    REMOVAL_REQUESTED = "REMOVAL_REQUESTED"
    REMOVAL_CONFIRMED = "REMOVAL_CONFIRMED"
    APPROVED = "APPROVED"  # by a moderator
    REPORTS_THRESHOLD = "REPORTS_THRESHOLD"  # enough user reports sent it back to review
    APPEALED = "APPEALED"
    APPEAL_GRANTED = "APPEAL_GRANTED"
    APPEAL_DENIED = "APPEAL_DENIED"
    CONTENT_DELETED = "CONTENT_DELETED"  # deleted by its owner service, not on our request
    AUTHOR_DELETED = "AUTHOR_DELETED"  # the author's account was deleted: text dropped


class AppealStatus(str, Enum):
    OPEN = "OPEN"
    GRANTED = "GRANTED"
    DENIED = "DENIED"


class Moderation(Model):
    """The current moderation case of one post or comment (one per content item)."""

    id = fields.UUIDField(primary_key=True)
    content_type = fields.CharEnumField(ContentType, max_length=10)
    content_id = fields.UUIDField()
    author_id = fields.UUIDField()
    # The post a comment belongs to (null for posts).
    post_id = fields.UUIDField(null=True)
    # Snapshot of the analysed text; dropped (null) when the author's account is deleted.
    title: str | None = fields.TextField(null=True)
    content: str | None = fields.TextField(null=True)
    # The owner service's timestamp of the analysed version: older versions are ignored.
    version_at = fields.DatetimeField()
    # A post's status at the post service, with the `updated_at` of the event that told us
    # (an older event does not undo it): who may see, and so report, the post and its comments.
    # Null for comments, and for posts analysed before the column existed (seen by nobody but
    # their author until their next post_updated).
    post_status: PostStatus | None = fields.CharEnumField(PostStatus, max_length=10, null=True)  # type: ignore[assignment]
    post_status_at = fields.DatetimeField(null=True)

    # The latest analysis.
    offensive_score = fields.FloatField()
    spam_score = fields.FloatField()
    blocklist_score = fields.FloatField()
    score = fields.FloatField()
    details: dict = fields.JSONField(default=dict)
    model = fields.CharField(max_length=100)
    decision = fields.CharEnumField(Decision, max_length=10)
    # Why the case is flagged or removed: the analysis's reason, or the moderator's on removal.
    reason: Reason | None = fields.CharEnumField(Reason, max_length=20, null=True)  # type: ignore[assignment]

    status = fields.CharEnumField(ModerationStatus, max_length=20)
    # When the current decision was taken (analysis or moderator): the appeal window starts here.
    decided_at = fields.DatetimeField()
    report_count = fields.IntField(default=0)
    # Reports since a moderator last decided the case (`reviewed_at`).
    open_reports = fields.IntField(default=0)
    reviewed_at = fields.DatetimeField(null=True)
    appealed = fields.BooleanField(default=False)  # an appeal waits for a moderator
    # In the moderators' queue: waiting for review, reported, or appealed (see service.py).
    queued = fields.BooleanField(default=False)
    content_deleted_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "moderation"
        unique_together = (("content_type", "content_id"),)
        indexes = (
            # The queue and the status filter, in priority order (keyset pagination).
            Index(fields=("queued", "appealed", "report_count", "score", "id")),
            Index(fields=("status", "appealed", "report_count", "score", "id")),
            Index(fields=("author_id",)),
            Index(fields=("post_id",)),
        )


class ModerationAction(Model):
    """Append-only history of a case: who did what, when."""

    id = fields.BigIntField(primary_key=True)
    moderation: fields.ForeignKeyRelation[Moderation] = fields.ForeignKeyField(
        "models.Moderation", related_name="actions", on_delete=fields.CASCADE
    )
    action = fields.CharEnumField(ActionType, max_length=30)
    actor_type = fields.CharEnumField(ActorType, max_length=10)
    actor_id = fields.UUIDField(null=True)  # the moderator or user; null for the system
    from_status = fields.CharEnumField(ModerationStatus, max_length=20, null=True)
    to_status = fields.CharEnumField(ModerationStatus, max_length=20)
    reason = fields.CharEnumField(Reason, max_length=20, null=True)
    note = fields.TextField(null=True)
    # Scores of an analysis, or other facts of the action (never the content's text).
    data: dict = fields.JSONField(default=dict)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "moderation_action"
        indexes = (Index(fields=("moderation_id", "id")),)


class Appeal(Model):
    """The author's appeal of a removal: one per case."""

    id = fields.UUIDField(primary_key=True)
    moderation: fields.OneToOneRelation[Moderation] = fields.OneToOneField(
        "models.Moderation", related_name="appeal", on_delete=fields.CASCADE
    )
    author_id = fields.UUIDField(db_index=True)
    note = fields.TextField()
    status = fields.CharEnumField(AppealStatus, max_length=10, default=AppealStatus.OPEN)
    created_at = fields.DatetimeField(auto_now_add=True)
    resolved_at = fields.DatetimeField(null=True)
    resolved_by = fields.UUIDField(null=True)

    class Meta:
        table = "moderation_appeal"


class DeletedContent(Model):
    """Content its owner service deleted: a deletion that arrives before the content's creation
    wins (the creation is then ignored)."""

    id = fields.BigIntField(primary_key=True)
    content_type = fields.CharEnumField(ContentType, max_length=10)
    content_id = fields.UUIDField()
    deleted_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "moderation_deleted_content"
        unique_together = (("content_type", "content_id"),)


class TextFingerprint(Model):
    """A hash of each content's normalised text, for the duplicate-posting spam rule."""

    id = fields.BigIntField(primary_key=True)
    author_id = fields.UUIDField()
    fingerprint = fields.CharField(max_length=64)
    content_type = fields.CharEnumField(ContentType, max_length=10)
    content_id = fields.UUIDField()
    seen_at = fields.DatetimeField()

    class Meta:
        table = "moderation_text_fingerprint"
        unique_together = (("content_type", "content_id"),)
        indexes = (
            Index(fields=("author_id", "fingerprint", "seen_at")),
            Index(fields=("seen_at",)),
        )
