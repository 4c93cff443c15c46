from __future__ import annotations

import pytest
from pydantic import ValidationError

from auth_service.settings import AuthSettings

REAL_SECRET = "0123456789abcdef" * 3


@pytest.mark.parametrize(
    "secret",
    [
        "dev-only-insecure-secret-change-me-in-production",  # the settings default
        "dev-only-not-a-secret-set-AUTH_JWT_SECRET-in-production",  # the compose fallback
        "short",
    ],
)
def test_production_refuses_placeholder_jwt_secrets(secret: str) -> None:
    with pytest.raises(ValidationError, match="jwt_secret"):
        AuthSettings(environment="prod", jwt_secret=secret)


def test_production_sends_mail_over_smtp_unless_told_otherwise() -> None:
    assert AuthSettings(environment="prod", jwt_secret=REAL_SECRET).mail_backend == "smtp"
    assert AuthSettings(environment="dev").mail_backend == "console"
    explicit = AuthSettings(environment="prod", jwt_secret=REAL_SECRET, mail_backend="console")
    assert explicit.mail_backend == "console"
