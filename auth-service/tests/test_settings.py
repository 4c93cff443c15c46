from __future__ import annotations

import re
from pathlib import Path

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


README = Path(__file__).resolve().parents[2] / "README.md"
# (dev default, prod default) of every rate limit, as the README documents them.
RATE_LIMITS = {
    "signin_per_ip": ((1000, 60), (30, 60)),
    "signin_per_email": ((1000, 900), (10, 900)),
    "signup_per_ip": ((1000, 3600), (10, 3600)),
    "password_reset_per_email": ((1000, 3600), (3, 3600)),
    "password_reset_per_ip": ((1000, 3600), (20, 3600)),
    "change_password_per_user": ((1000, 900), (5, 900)),
    "change_password_per_ip": ((1000, 900), (20, 900)),
}


def _clear_limit_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in RATE_LIMITS:
        monkeypatch.delenv(f"AUTH_{name.upper()}", raising=False)


def test_rate_limits_are_generous_in_dev_and_test_and_strict_in_prod(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _clear_limit_env(monkeypatch)
    dev = AuthSettings(environment="dev")
    test = AuthSettings(environment="test")
    prod = AuthSettings(environment="prod", jwt_secret=REAL_SECRET)
    for name, (dev_default, prod_default) in RATE_LIMITS.items():
        assert getattr(dev, name) == dev_default, name
        assert getattr(test, name) == dev_default, name
        assert getattr(prod, name) == prod_default, name


def test_an_explicit_rate_limit_wins_in_every_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _clear_limit_env(monkeypatch)
    monkeypatch.setenv("AUTH_SIGNUP_PER_IP", "[7, 120]")
    for environment in ("dev", "test", "prod"):
        settings = AuthSettings(environment=environment, jwt_secret=REAL_SECRET)
        assert settings.signup_per_ip == (7, 120)
        assert AuthSettings(
            environment=environment, jwt_secret=REAL_SECRET, signin_per_email=(2, 30)
        ).signin_per_email == (2, 30)
        # The limits not set keep their environment's default.
        expected = RATE_LIMITS["signin_per_ip"][1 if environment == "prod" else 0]
        assert settings.signin_per_ip == expected


@pytest.mark.parametrize("value", ["[0, 60]", "[10, 0]", "[-1, 60]", "[10]"])
def test_a_rate_limit_needs_positive_numbers(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("AUTH_SIGNUP_PER_IP", value)
    with pytest.raises(ValidationError, match="signup_per_ip"):
        AuthSettings(environment="dev")


def test_the_readme_documents_the_rate_limit_defaults() -> None:
    """The README's table (variable, dev default, prod default) says what the settings do."""
    documented = {}
    for line in README.read_text().splitlines():
        found = re.match(
            r"\| `AUTH_([A-Z_]+)` \| `\[(\d+), (\d+)\]`[^|]*\| `\[(\d+), (\d+)\]`", line
        )
        if found and found.group(1).lower() in RATE_LIMITS:
            name, *numbers = found.groups()
            values = [int(n) for n in numbers]
            documented[name.lower()] = ((values[0], values[1]), (values[2], values[3]))
    assert documented == RATE_LIMITS
