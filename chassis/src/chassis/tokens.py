"""The token check every service uses: ``CurrentUser`` asks the auth service who the caller is.

- One pooled httpx client calls ``GET {auth_url}{auth_verify_path}`` (settings) with a bounded
  timeout.
- The identity is cached in Redis under a SHA-256 of the token, for a short TTL that never
  outlives the token's own ``exp``.
- ``evict_user`` drops every cached token of a user; services call it when the auth service
  announces revoked tokens or a changed user. For a short while after an eviction that user's
  tokens are not cached at all, so a verification racing the eviction cannot re-cache a stale
  identity.
- It fails closed: auth says no → 401; auth down, slow or answering nonsense → 503. Never 500.
"""

from __future__ import annotations

import hashlib
import logging
import time
import uuid
from typing import Annotated, Any

import httpx
import jwt
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from redis.asyncio import Redis
from redis.exceptions import RedisError

from chassis.errors import Forbidden, ServiceUnavailable, Unauthorized
from chassis.events.consumer import Handler
from chassis.events.envelope import Envelope

logger = logging.getLogger("chassis.tokens")


class Identity(BaseModel):
    """Who the caller is, as the auth service reports it: the id, role and status every service
    decides on, and the identity's other claims as data (``claims["first_name"]``), which the
    chassis does not interpret."""

    model_config = ConfigDict(frozen=True)

    id: uuid.UUID
    role: str
    status: str
    claims: dict[str, Any] = Field(default_factory=dict)

    @model_validator(mode="before")
    @classmethod
    def _collect_claims(cls, data: Any) -> Any:
        if isinstance(data, dict):
            core = {k: v for k, v in data.items() if k in ("id", "role", "status", "claims")}
            extra = {k: v for k, v in data.items() if k not in core}
            core["claims"] = {**extra, **(data.get("claims") or {})}
            return core
        return data

    def has_role(self, *roles: str) -> bool:
        return self.role in roles


class TokenVerifier:
    def __init__(
        self,
        *,
        auth_url: str,
        verify_path: str,
        http: httpx.AsyncClient,
        redis: Redis,
        cache_seconds: float = 30.0,
        timeout_seconds: float = 2.0,
        key_prefix: str = "tokencache",
    ) -> None:
        self.verify_url = auth_url.rstrip("/") + verify_path
        self.http = http
        self.redis = redis
        self.cache_seconds = cache_seconds
        self.timeout = httpx.Timeout(timeout_seconds)
        self.prefix = key_prefix

    def _token_key(self, digest: str) -> str:
        return f"{self.prefix}:token:{digest}"

    def _user_key(self, user_id: str) -> str:
        return f"{self.prefix}:user:{user_id}"

    def _evicted_key(self, user_id: str) -> str:
        return f"{self.prefix}:evicted:{user_id}"

    async def verify(self, token: str) -> Identity:
        digest = hashlib.sha256(token.encode()).hexdigest()
        cached = await self._cache_get(digest)
        if cached is not None:
            return cached
        identity = await self._ask_auth(token)
        await self._cache_put(digest, token, identity)
        return identity

    async def _ask_auth(self, token: str) -> Identity:
        try:
            response = await self.http.get(
                self.verify_url,
                headers={"Authorization": f"Bearer {token}"},
                timeout=self.timeout,
            )
        except httpx.HTTPError as exc:
            logger.warning("auth service unreachable: %r", exc)
            raise ServiceUnavailable("The auth service is unavailable") from exc
        if response.status_code in (401, 403):
            raise Unauthorized("Invalid or expired token")
        if response.status_code != 200:
            raise ServiceUnavailable("The auth service is unavailable")
        try:
            return Identity.model_validate(response.json())
        except (ValueError, ValidationError) as exc:
            raise ServiceUnavailable("The auth service gave an unexpected answer") from exc

    async def _cache_get(self, digest: str) -> Identity | None:
        try:
            raw = await self.redis.get(self._token_key(digest))
        except RedisError:
            return None
        if raw is None:
            return None
        try:
            return Identity.model_validate_json(raw)
        except ValidationError:
            return None

    async def _cache_put(self, digest: str, token: str, identity: Identity) -> None:
        ttl = self.cache_seconds
        try:
            exp = jwt.decode(token, options={"verify_signature": False}).get("exp")
        except jwt.PyJWTError:
            exp = None
        if isinstance(exp, (int, float)):
            ttl = min(ttl, exp - time.time())
        ttl_ms = int(ttl * 1000)
        if ttl_ms <= 0:
            return
        try:
            if await self.redis.exists(self._evicted_key(str(identity.id))):
                return
            pipe = self.redis.pipeline(transaction=True)
            pipe.set(self._token_key(digest), identity.model_dump_json(), px=ttl_ms)
            pipe.sadd(self._user_key(str(identity.id)), digest)
            pipe.pexpire(self._user_key(str(identity.id)), int(self.cache_seconds * 1000) + 1000)
            await pipe.execute()
        except RedisError:
            pass  # the cache is an optimisation; the answer is still right

    async def evict_user(self, user_id: str) -> None:
        """Forget every cached identity of ``user_id``."""
        user_key = self._user_key(user_id)
        # Block re-caching for as long as an in-flight answer could be stale.
        await self.redis.set(self._evicted_key(user_id), "1", px=int(self.cache_seconds * 1000))
        digests = await self.redis.smembers(user_key)
        keys = [self._token_key(d.decode() if isinstance(d, bytes) else d) for d in digests]
        if keys:
            await self.redis.delete(*keys)
        await self.redis.delete(user_key)


_bearer = HTTPBearer(auto_error=False, description="Access token from the auth service")


async def current_user(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Identity:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Unauthorized("Missing bearer token")
    verifier: TokenVerifier = request.app.state.token_verifier
    return await verifier.verify(credentials.credentials)


CurrentUser = Annotated[Identity, Depends(current_user)]


def require_roles(*roles: str):  # type: ignore[no-untyped-def]
    """Dependency factory: the caller must hold one of ``roles`` (403 otherwise)."""

    async def check(user: CurrentUser) -> Identity:
        if not user.has_role(*roles):
            raise Forbidden("This action needs one of the roles: " + ", ".join(roles))
        return user

    return check


def token_eviction_handler(verifier: TokenVerifier, *, user_id_field: str = "user_id") -> Handler:
    """An event handler that evicts the cached tokens of the user the event names."""

    async def evict(event: Envelope) -> None:
        user_id = event.data.get(user_id_field)
        if user_id:
            await verifier.evict_user(str(user_id))

    return evict
