"""Auth service settings: environment variables prefixed ``AUTH_``."""

from __future__ import annotations

from functools import lru_cache
from typing import Literal

from pydantic import Field, PositiveInt, model_validator
from pydantic_settings import SettingsConfigDict

from chassis.settings import ServiceSettings

# (attempts, window seconds): at most ``attempts`` within a fixed window of that many seconds.
RateLimit = tuple[PositiveInt, PositiveInt]

# The rate limits of environment=prod, and of every other environment ("dev", "test"): the
# same windows, with room for hundreds of demo runs an hour from one machine. The README's
# "Rate limits of auth" table lists both.
PROD_RATE_LIMITS: dict[str, tuple[int, int]] = {
    "signin_per_ip": (30, 60),
    "signin_per_email": (10, 900),
    "signup_per_ip": (10, 3600),
    "password_reset_per_email": (3, 3600),
    "password_reset_per_ip": (20, 3600),
    "change_password_per_user": (5, 900),
    "change_password_per_ip": (20, 900),
}
DEV_RATE_LIMITS: dict[str, tuple[int, int]] = {
    name: (1000, window) for name, (_, window) in PROD_RATE_LIMITS.items()
}


class AuthSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="AUTH_", extra="ignore")

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

    # Rate limits: (attempts, window seconds), in Redis (chassis.ratelimit). The defaults here
    # are production's; every environment but prod gets DEV_RATE_LIMITS instead, unless the
    # value is set explicitly (AUTH_SIGNUP_PER_IP='[10,3600]'), which wins everywhere.
    signin_per_ip: RateLimit = PROD_RATE_LIMITS["signin_per_ip"]
    signin_per_email: RateLimit = PROD_RATE_LIMITS["signin_per_email"]
    signup_per_ip: RateLimit = PROD_RATE_LIMITS["signup_per_ip"]
    password_reset_per_email: RateLimit = PROD_RATE_LIMITS["password_reset_per_email"]
    password_reset_per_ip: RateLimit = PROD_RATE_LIMITS["password_reset_per_ip"]
    change_password_per_user: RateLimit = PROD_RATE_LIMITS["change_password_per_user"]
    change_password_per_ip: RateLimit = PROD_RATE_LIMITS["change_password_per_ip"]

    # How often the worker takes queued forgot-password and resend-activation requests.
    mail_queue_seconds: float = Field(default=1.0, gt=0)

    def secret_fields(self) -> tuple[str, ...]:
        return ("jwt_secret",)

    @model_validator(mode="after")
    def _rate_limits_for_environment(self) -> AuthSettings:
        # A developer's machine is not a production edge: demos and walk-throughs repeated
        # from one address must not meet production's per-IP limits.
        if self.environment != "prod":
            for name, rule in DEV_RATE_LIMITS.items():
                if name not in self.model_fields_set:
                    setattr(self, name, rule)
        return self

    @model_validator(mode="after")
    def _smtp_in_production(self) -> AuthSettings:
        # Mail is logged in development; in production it is sent unless said otherwise.
        if self.environment == "prod" and "mail_backend" not in self.model_fields_set:
            self.mail_backend = "smtp"
        return self


@lru_cache
def get_settings() -> AuthSettings:
    return AuthSettings()
