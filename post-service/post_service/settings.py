"""Post service settings: environment variables prefixed ``POST_``."""

from __future__ import annotations

from functools import lru_cache

from pydantic_settings import SettingsConfigDict

from chassis.settings import ServiceSettings


class PostSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="POST_", extra="ignore")

    port: int = 8001
    database_url: str = "postgres://postgres@127.0.0.1:5432/social_post"

    # Post creation per user: (posts, window seconds), counted in Redis across replicas.
    create_per_user: tuple[int, int] = (30, 60)
    # A stored Idempotency-Key answer is replayed for this long, then forgotten.
    idempotency_key_hours: float = 24.0

    # Scheduled jobs
    hot_recompute_seconds: float = 300.0
    reconcile_seconds: float = 600.0
    idempotency_prune_seconds: float = 3600.0


@lru_cache
def get_settings() -> PostSettings:
    return PostSettings()
