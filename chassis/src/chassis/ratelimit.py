"""Redis-backed fixed-window rate limits, so a limit holds across processes and replicas."""

from __future__ import annotations

from redis.asyncio import Redis

from chassis.errors import RateLimited

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
        """Count one attempt against ``key``; raise RateLimited once ``limit`` is exceeded."""
        count, ttl_ms = await self._script(
            keys=[f"{self.prefix}:ratelimit:{key}"], args=[window_seconds * 1000]
        )
        if int(count) > limit:
            raise RateLimited(retry_after=-(-int(ttl_ms) // 1000))

    async def reset(self, key: str) -> None:
        await self.redis.delete(f"{self.prefix}:ratelimit:{key}")
