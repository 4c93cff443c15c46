"""Password hashing, token signing and the clock.

- Passwords: argon2id through pwdlib (passlib 1.7.4 breaks with bcrypt 5 and is unmaintained).
- Tokens: PyJWT with the algorithm pinned to HS256 on decode, so a token's own ``alg`` header
  (``none``, or RS/HS confusion) is never trusted — the reason python-jose is not used.
- Every time-dependent check takes ``now`` from a ``Clock``, which tests replace.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import jwt
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

from auth_service.settings import AuthSettings
from chassis.errors import Unauthorized

ALGORITHM = "HS256"
ACCESS = "access"
REFRESH = "refresh"


class Passwords:
    def __init__(self, settings: AuthSettings) -> None:
        self._hash = PasswordHash(
            (
                Argon2Hasher(
                    memory_cost=settings.argon2_memory_kib,
                    time_cost=settings.argon2_time_cost,
                    parallelism=settings.argon2_parallelism,
                ),
            )
        )
        # Checked against when the email is unknown, so both failures cost the same time.
        self._dummy = self._hash.hash(secrets.token_urlsafe(16))

    def hash(self, password: str) -> str:
        return self._hash.hash(password)

    def verify(self, password: str, hashed: str | None) -> bool:
        if hashed is None:
            self._hash.verify(password, self._dummy)
            return False
        return bool(self._hash.verify(password, hashed))


def hash_token(token: str) -> str:
    """Refresh, activation and reset tokens are stored only as this digest."""
    return hashlib.sha256(token.encode()).hexdigest()


def new_secret() -> str:
    return secrets.token_urlsafe(32)


@dataclass(frozen=True)
class IssuedToken:
    token: str
    jti: str
    expires_at: datetime


class Tokens:
    def __init__(self, settings: AuthSettings) -> None:
        self.settings = settings

    def issue(
        self,
        *,
        user_id: uuid.UUID,
        session_id: uuid.UUID,
        kind: str,
        now: datetime,
        lifetime: timedelta,
    ) -> IssuedToken:
        jti = uuid.uuid4().hex
        expires_at = now + lifetime
        claims = {
            "sub": str(user_id),
            "sid": str(session_id),
            "typ": kind,
            "jti": jti,
            "iat": int(now.timestamp()),
            "exp": int(expires_at.timestamp()),
            "iss": self.settings.jwt_issuer,
            "aud": self.settings.jwt_audience,
        }
        token = jwt.encode(claims, self.settings.jwt_secret, algorithm=ALGORITHM)
        return IssuedToken(token=token, jti=jti, expires_at=expires_at)

    def decode(self, token: str, *, kind: str, now: datetime) -> dict[str, Any]:
        """Verify signature, issuer, audience, type and expiry; any failure is a 401."""
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                self.settings.jwt_secret,
                algorithms=[ALGORITHM],
                audience=self.settings.jwt_audience,
                issuer=self.settings.jwt_issuer,
                # Expiry is checked below against the injectable clock.
                options={
                    "require": ["sub", "sid", "typ", "jti", "iat", "exp"],
                    "verify_exp": False,
                    "verify_iat": False,
                },
            )
        except jwt.PyJWTError as exc:
            raise Unauthorized("Invalid token") from exc
        if claims.get("typ") != kind:
            raise Unauthorized("Wrong token type")
        if not isinstance(claims["exp"], int) or claims["exp"] <= now.timestamp():
            raise Unauthorized("Token expired")
        try:
            uuid.UUID(str(claims["sub"]))
            uuid.UUID(str(claims["sid"]))
        except ValueError as exc:
            raise Unauthorized("Invalid token") from exc
        return claims
