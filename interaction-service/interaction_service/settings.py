"""Interaction service settings: environment variables prefixed ``INTERACTION_``."""

from __future__ import annotations

from functools import lru_cache

from pydantic_settings import SettingsConfigDict

from chassis.settings import ServiceSettings


class InteractionSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="INTERACTION_", extra="ignore")

    port: int = 8002
    database_url: str = "postgres://postgres@127.0.0.1:5432/social_interaction"

    # The post service, asked only when a post's events have not reached us yet.
    post_url: str = "http://127.0.0.1:8001"
    post_timeout_seconds: float = 2.0

    # Rate limit on new comments: (comments, window seconds) per user.
    comments_per_user: tuple[int, int] = (30, 60)

    # A user's views of a post inside this window count once (post_viewed is emitted once).
    view_window_seconds: int = 1800


@lru_cache
def get_settings() -> InteractionSettings:
    return InteractionSettings()
