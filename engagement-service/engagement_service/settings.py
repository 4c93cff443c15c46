"""Engagement service settings: environment variables prefixed ``ENGAGEMENT_``."""

from __future__ import annotations

from functools import lru_cache

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from chassis.settings import ServiceSettings


class EngagementSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="ENGAGEMENT_", extra="ignore")

    service_name: str = "engagement"
    port: int = 8004
    database_url: str = "postgres://postgres@127.0.0.1:5432/social_engagement"

    # Notifications
    # Reactions to one post within this many seconds of the first one share one notification.
    reaction_group_window_seconds: int = Field(default=600, ge=0)
    # Each user's live stream `notifications:{user_id}` keeps about this many entries
    # (XADD MAXLEN ~), and expires after this long without a new entry.
    notification_stream_maxlen: int = Field(default=1000, ge=10)
    notification_stream_ttl_seconds: int = Field(default=7 * 86400, ge=60)
    # An SSE connection gets a comment line this often while nothing happens; the caller's
    # token is checked again at each one.
    sse_heartbeat_seconds: float = Field(default=15.0, gt=0)
    # Push delivery hook: a class path "package.module.ClassName", built with the settings.
    push_delivery_class: str = "engagement_service.notifications.push.InAppOnly"
    # The notification delivery relay is woken by NOTIFY at commit; this sweep is the fallback.
    delivery_sweep_seconds: float = Field(default=2.0, gt=0)

    # Engagement score: recomputed for every user by this job, and on each event for the
    # users the event touches.
    score_refresh_seconds: float = Field(default=3600.0, gt=0)

    # Post recommendations: candidates taken from each source (newest, most popular, your
    # top categories) before ranking.
    post_candidates_per_source: int = Field(default=300, ge=10, le=5000)


@lru_cache
def get_settings() -> EngagementSettings:
    return EngagementSettings()
