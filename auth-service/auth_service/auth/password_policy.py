"""Password rules: long enough, not too long to hash, not a well-known password."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

MIN_LENGTH = 8
# Generous: passphrases of 64+ characters are accepted whole (argon2 never truncates).
MAX_LENGTH = 256


@lru_cache
def _common_passwords() -> frozenset[str]:
    lines = (Path(__file__).parent / "common_passwords.txt").read_text().splitlines()
    return frozenset(line.strip().lower() for line in lines if line and not line.startswith("#"))


def check_password(password: str, *, email: str | None = None) -> str:
    """Return the password unchanged, or raise ValueError saying what is wrong with it."""
    if len(password) < MIN_LENGTH:
        raise ValueError(f"Password must be at least {MIN_LENGTH} characters")
    if len(password) > MAX_LENGTH:
        raise ValueError(f"Password must be at most {MAX_LENGTH} characters")
    if password.lower() in _common_passwords():
        raise ValueError("This password is too common; choose another")
    if len(set(password)) < 3:
        raise ValueError("Password is too repetitive")
    if email and password.lower() == email.split("@")[0].lower():
        raise ValueError("Password must not be your email address")
    return password
