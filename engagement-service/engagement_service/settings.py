"""Engagement service settings: environment variables prefixed ``ENGAGEMENT_``."""

from __future__ import annotations

from functools import lru_cache

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from chassis.settings import ServiceSettings


class EngagementSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="ENGAGEMENT_", extra="ignore")

    port: int = 8004
    database_url: str = "postgres://postgres@127.0.0.1:5432/social_engagement"

    # Notifications
    # Reactions to one post within this many seconds of the first one share one notification.
    reaction_group_window_seconds: int = Field(default=600, ge=0)
    # Each user's live stream `notifications:{user_id}` keeps about this many entries
    # (XADD MAXLEN ~), and expires after this long without a new entry.
    notification_stream_maxlen: int = Field(default=1000, ge=10)
    notification_stream_ttl_seconds: int = Field(default=7 * 86400, ge=60)
    # Live stream (SSE, notifications/live.py). A connection gets a comment line after this
    # long without an event.
    sse_heartbeat_seconds: float = Field(default=15.0, gt=0)
    # An open stream checks its token again this often, whatever the traffic (and at once
    # when auth announces user_tokens_revoked for its user and session).
    sse_token_recheck_seconds: float = Field(default=30.0, gt=0)
    # Open streams per user across every process (429 beyond), and per process (503 beyond).
    sse_max_streams_per_user: int = Field(default=5, ge=1)
    sse_max_streams_per_process: int = Field(default=1000, ge=1)
    # A stream's slot in its user's count is refreshed every quarter of this; a slot not
    # refreshed for this long (its process was killed) no longer counts.
    sse_slot_ttl_seconds: float = Field(default=60.0, ge=4)
    # The reader retries a failing Redis this long before ending the streams it feeds.
    sse_redis_grace_seconds: float = Field(default=10.0, ge=0)
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
