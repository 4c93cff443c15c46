"""Auth service settings: environment variables prefixed ``AUTH_``."""

from __future__ import annotations

from functools import lru_cache
from typing import Literal

from pydantic import model_validator
from pydantic_settings import SettingsConfigDict

from chassis.settings import ServiceSettings


class AuthSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="AUTH_", extra="ignore")

    service_name: str = "auth"
    port: int = 8000
    database_url: str = "postgres://postgres@127.0.0.1:5432/social_auth"

    # Tokens. HS256 with a server secret: only this service signs and checks them.
    # The dev default is refused when environment=prod (see ServiceSettings).
    jwt_secret: str = "dev-only-insecure-secret-change-me-in-production"  # noqa: S105
    jwt_issuer: str = "social-auth"
    jwt_audience: str = "social-platform"
    access_token_minutes: int = 15
    refresh_token_days: int = 30
    activation_token_hours: int = 48
    reset_token_minutes: int = 30

    # argon2id cost; OWASP's minimum is m=19456 KiB, t=2, p=1.
    argon2_memory_kib: int = 19456
    argon2_time_cost: int = 2
    argon2_parallelism: int = 1

    # Mail
    mail_backend: Literal["console", "smtp"] = "console"
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 25
    smtp_username: str | None = None
    smtp_password: str | None = None
    smtp_starttls: bool = False
    mail_from: str = "no-reply@social.local"
    public_url: str = "http://127.0.0.1:8000"

    # Rate limits: (attempts, window seconds)
    signin_per_ip: tuple[int, int] = (30, 60)
    signin_per_email: tuple[int, int] = (10, 900)
    signup_per_ip: tuple[int, int] = (10, 3600)
    password_reset_per_email: tuple[int, int] = (3, 3600)
    password_reset_per_ip: tuple[int, int] = (20, 3600)

    def secret_fields(self) -> tuple[str, ...]:
        return ("jwt_secret",)

    @model_validator(mode="after")
    def _smtp_in_production(self) -> AuthSettings:
        # Mail is logged in development; in production it is sent unless said otherwise.
        if self.environment == "prod" and "mail_backend" not in self.model_fields_set:
            self.mail_backend = "smtp"
        return self


@lru_cache
def get_settings() -> AuthSettings:
    return AuthSettings()
