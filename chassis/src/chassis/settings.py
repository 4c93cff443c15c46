"""The settings every service shares; a service subclasses it with its own env prefix."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PLACEHOLDER_SECRETS = frozenset(
    {
        "",
        "changeme",
        "change-me",
        "secret",
        "dev-only-insecure-secret-change-me-in-production",
        "dev-only-not-a-secret-set-auth_jwt_secret-in-production",  # the compose files' fallback
    }
)
MIN_SECRET_LENGTH = 32


class ServiceSettings(BaseSettings):
    """Configuration common to every service.

    A subclass sets ``model_config = SettingsConfigDict(env_prefix="AUTH_")`` and the defaults
    that make sense for it (port, database name).
    """

    model_config = SettingsConfigDict(extra="ignore")

    environment: Literal["dev", "test", "prod"] = "dev"
    host: str = "127.0.0.1"
    port: int = 8000
    database_url: str = "postgres://postgres@127.0.0.1:5432/postgres"
    database_pool_max: int = 10
    redis_url: str = "redis://127.0.0.1:6379/0"
    # The process's Redis connections are bounded: Redis's client limit is shared by every
    # service. A command that finds all of them busy waits this long, then fails like an outage.
    redis_max_connections: int = Field(default=64, ge=2, le=10_000)
    redis_pool_timeout_seconds: float = Field(default=2.0, gt=0)
    log_level: str = "INFO"
    log_json: bool = True

    # Requests
    max_body_bytes: int = 1_048_576
    # Comma-separated addresses or networks (CIDR) of the proxies in front of this service,
    # such as the gateway. Only their X-Forwarded-For and X-Forwarded-Proto are believed; by
    # default none are, and the client address is the connection's peer. "*" trusts everyone.
    trusted_proxies: str = ""
    # On SIGTERM, open connections (live streams included) get this long to finish before they
    # are closed and the lifespan's shutdown runs.
    graceful_shutdown_seconds: float = Field(default=10.0, gt=0)

    # Workers (outbox relay, consumers, scheduler) run inside the API process unless disabled.
    run_workers: bool = True
    outbox_sweep_seconds: float = 2.0
    outbox_batch_size: int = 200
    outbox_retention_hours: float = 72.0
    processed_event_retention_days: float = 30.0
    stream_retention_days: float = 14.0
    consumer_block_ms: int = 1000
    consumer_batch_size: int = 50
    consumer_reclaim_idle_ms: int = 30_000
    consumer_reclaim_every_seconds: float = 5.0
    consumer_max_deliveries: int = 5

    # Token check (services other than auth)
    auth_url: str = "http://127.0.0.1:8000"
    # The auth service's token check: answers 200 with the identity as JSON, or 401.
    auth_verify_path: str = "/api/v1/auth/verify-token"
    auth_timeout_seconds: float = 2.0
    token_cache_seconds: float = 30.0

    @model_validator(mode="after")
    def _refuse_placeholder_secrets(self) -> ServiceSettings:
        if self.environment == "prod":
            for name in self.secret_fields():
                value = getattr(self, name)
                if (
                    not isinstance(value, str)
                    or value.strip().lower() in PLACEHOLDER_SECRETS
                    or len(value) < MIN_SECRET_LENGTH
                ):
                    raise ValueError(
                        f"{name} must be a real secret of at least {MIN_SECRET_LENGTH} characters "
                        "when environment=prod"
                    )
        return self

    def secret_fields(self) -> tuple[str, ...]:
        """Names of fields that must not keep a placeholder value in production."""
        return ()
