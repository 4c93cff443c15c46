"""Redis-backed fixed-window rate limits, so a limit holds across processes and replicas."""

from __future__ import annotations

import logging

from redis.asyncio import Redis
from redis.exceptions import RedisError

from chassis.errors import RateLimited

logger = logging.getLogger("chassis.ratelimit")

# INCR the window's counter, start its expiry on first hit, return (count, ms left).
_HIT = """
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); ttl = tonumber(ARGV[1]) end
return {count, ttl}
"""


class RateLimiter:
    def __init__(self, redis: Redis, *, prefix: str) -> None:
        self.redis = redis
        self.prefix = prefix
        self._script = redis.register_script(_HIT)

    async def hit(self, key: str, *, limit: int, window_seconds: int) -> None:
        """Count one attempt against ``key``; raise RateLimited once ``limit`` is exceeded.

        While Redis is unreachable nothing is counted and nothing is refused."""
        try:
            count, ttl_ms = await self._script(
                keys=[f"{self.prefix}:ratelimit:{key}"], args=[window_seconds * 1000]
            )
        except RedisError as exc:
            # Fail open: a Redis outage must not turn every write into a 500. Limits resume
            # with Redis; the outbox already lets writes succeed meanwhile.
            logger.warning("rate limit not checked, Redis unavailable: %r", exc)
            return
        if int(count) > limit:
            raise RateLimited(retry_after=-(-int(ttl_ms) // 1000))
