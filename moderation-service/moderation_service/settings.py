"""Moderation service settings: environment variables prefixed ``MODERATION_``."""

from __future__ import annotations

from functools import lru_cache

from pydantic import Field, model_validator
from pydantic_settings import SettingsConfigDict

from chassis.settings import ServiceSettings
from moderation_service.core.vocabulary import BlocklistReason


class ModerationSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="MODERATION_", extra="ignore")

    port: int = 8003
    database_url: str = "postgres://postgres@127.0.0.1:5432/social_moderation"

    # Decision thresholds on the combined score (0..1). At or above `removal_threshold` the
    # content is removed automatically; from `review_threshold` up it waits for a moderator.
    review_threshold: float = Field(default=0.5, gt=0.0, le=1.0)
    removal_threshold: float = Field(default=0.9, gt=0.0, le=1.0)
    # A blocklist hit the model does not corroborate (offensive score under the review
    # threshold) is capped at this score: a quoted slur in a news sentence goes to review,
    # not to removal.
    blocklist_alone_score: float = Field(default=0.75, ge=0.0, le=1.0)
    # Extra blocklist terms on top of the bundled data file, as JSON:
    # MODERATION_BLOCKLIST_EXTRA='{"some phrase": "RULES_VIOLATION"}'.
    blocklist_extra: dict[str, BlocklistReason] = Field(default_factory=dict)
    # The time one analysis (blocklist, spam rules and model, off the event loop) may take. A
    # text that takes longer is sent to review, unjudged, instead of holding up the consumer.
    analysis_budget_seconds: float = Field(default=2.0, gt=0, le=60)

    # Spam: the same text (normalised) by one author within the window. The n-th copy at or
    # above `duplicate_limit` scores as spam on its own; texts shorter than
    # `duplicate_min_chars` ("thanks!", "+1") are never counted.
    duplicate_window_hours: float = Field(default=24.0, gt=0)
    duplicate_limit: int = Field(default=3, ge=2)
    duplicate_min_chars: int = Field(default=20, ge=1)

    # Users
    reports_to_review: int = Field(default=3, ge=1)
    appeal_window_days: float = Field(default=7.0, gt=0)

    @model_validator(mode="after")
    def _thresholds_in_order(self) -> ModerationSettings:
        if self.review_threshold > self.removal_threshold:
            raise ValueError("review_threshold must not exceed removal_threshold")
        return self


@lru_cache
def get_settings() -> ModerationSettings:
    return ModerationSettings()
