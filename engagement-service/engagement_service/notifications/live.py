"""The live stream behind ``GET /notifications/stream``: one Redis reader per process, fanned
out to every open SSE connection.

**One reader, one connection.** Each process runs at most one reader task, on its own Redis
connection (client name ``engagement-sse-reader``, socket timeout above its block time). It
XREADs with ``BLOCK`` the streams ``notifications:{user_id}`` of every open connection at once
and hands each entry to the connections of that user through asyncio queues. An open stream
therefore holds no Redis connection of its own, and the shared pool is never held by a blocking
read. Each connection keeps its own position (the last entry id it was given); the reader reads
each key from the lowest position among its connections, so a reconnect with ``Last-Event-ID``
replays through the same reader. A new connection wakes the reader with an entry on this
process's wake-up stream, which every read includes. The reader starts with the first open
connection and stops when the last one closes.

**Caps.** At most ``sse_max_streams_per_user`` open streams per user across every process
(429 ``too_many_streams``), and ``sse_max_streams_per_process`` per process (503
``stream_capacity``). The per-user count is a sorted set in Redis,
``engagement:sse-streams:{user_id}``: one member per open stream, scored with the Redis time
of its last refresh. The reader refreshes its process's members every quarter of
``sse_slot_ttl_seconds``; a member older than that (its process died) is pruned when a stream
is counted, and the whole key expires after two TTLs without a refresh. So a killed process
blocks its users' slots for at most one TTL.

**Token.** Checked when the stream opens, again every ``sse_token_recheck_seconds`` whatever
the traffic, and at once when auth announces ``user_tokens_revoked`` for the user (and, when
the event names one, for the session of this token): the reader also reads auth's
``events.user_tokens_revoked`` stream (a plain XREAD, not a consumer group, so every process
sees every revocation), evicts the user's cached identities, and tells the user's streams to
check again. A refused token ends the stream with ``event: error`` ``{"code":
"unauthorized"}``. If auth cannot answer a periodic check the stream goes on (the next
interval asks again); if it cannot answer the check a revocation asked for, the stream ends
with ``service_unavailable``.

**Redis failures.** The reader retries with a backoff (0.1 s doubling to 5 s, never a busy
loop); if Redis has not answered for ``sse_redis_grace_seconds``, every open stream ends with
``event: error`` ``{"code": "service_unavailable"}`` and the reader stops; clients reconnect
with ``Last-Event-ID`` and lose nothing the stream still holds. A connection that falls more
than ``2 * notification_stream_maxlen`` entries behind ends with ``{"code": "lagging"}``.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
import uuid
from collections import deque
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import jwt
from fastapi.sse import ServerSentEvent
from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import RedisError

from chassis.errors import RateLimited, ServiceUnavailable, Unauthorized
from chassis.events import stream_for
from chassis.tokens import TokenVerifier
from engagement_service.core.events import EVENTS
from engagement_service.notifications.delivery import RETRY_MS, stream_key
from engagement_service.settings import EngagementSettings

logger = logging.getLogger("engagement.live")

READER_CLIENT_NAME = "engagement-sse-reader"
REVOCATIONS = stream_for(EVENTS.user_tokens_revoked)
READ_COUNT = 100
# A stream's token was verified (by the route's dependency) just before its slot was taken;
# revocations announced up to this long before that still make it check again.
REVOCATION_LOOKBACK_MS = 10_000
RECENT_REVOCATIONS_KEPT = 10_000
BACKOFF_FIRST, BACKOFF_MAX = 0.1, 5.0

EntryId = tuple[int, int]

# KEYS[1] the user's slot set; ARGV: member, cap, ttl ms. Returns {taken, ms, now ms}: ms is,
# when refused, how long until the stalest slot would be pruned.
_ACQUIRE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local ttl = tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - ttl)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then
  local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  return {0, tonumber(oldest[2]) + ttl - now, now}
end
redis.call('ZADD', KEYS[1], now, ARGV[1])
redis.call('PEXPIRE', KEYS[1], ttl * 2)
return {1, 0, now}
"""

# KEYS: slot sets; ARGV[1] ttl ms, ARGV[i + 1] the member in KEYS[i]. XX: a slot already
# released (or pruned) is never brought back.
_REFRESH = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local ttl = tonumber(ARGV[1])
for i, key in ipairs(KEYS) do
  redis.call('ZADD', key, 'XX', now, ARGV[i + 1])
  redis.call('PEXPIRE', key, ttl * 2)
end
return #KEYS
"""


def slots_key(user_id: str) -> str:
    return f"engagement:sse-streams:{user_id}"


def parse_id(value: str) -> EntryId:
    ms, _, seq = value.partition("-")
    return int(ms), int(seq or 0)


def format_id(value: EntryId) -> str:
    return f"{value[0]}-{value[1]}"


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


class StreamSlots:
    """The per-user count of open streams, shared by every process through Redis."""

    def __init__(self, redis: Redis, *, settings: EngagementSettings) -> None:
        self.redis = redis
        self.settings = settings
        self._acquire = redis.register_script(_ACQUIRE)

    @property
    def ttl_ms(self) -> int:
        return int(self.settings.sse_slot_ttl_seconds * 1000)

    async def acquire(self, user_id: str, stream_id: str, *, cap: int) -> tuple[bool, int, int]:
        """(taken, ms until the stalest slot is pruned when refused, Redis time in ms)."""
        taken, wait_ms, now_ms = await self._acquire(
            keys=[slots_key(user_id)], args=[stream_id, cap, self.ttl_ms]
        )
        return bool(taken), int(wait_ms), int(now_ms)

    async def refresh(self, redis: Redis, slots: list[tuple[str, str]]) -> None:
        """Mark (user id, stream id) slots alive, over ``redis`` (the reader's connection)."""
        if slots:
            keys = [slots_key(user_id) for user_id, _ in slots]
            await redis.eval(_REFRESH, len(keys), *keys, self.ttl_ms, *[s for _, s in slots])

    async def release(self, user_id: str, stream_id: str) -> None:
        await self.redis.zrem(slots_key(user_id), stream_id)


@dataclass(frozen=True)
class Entry:
    id: str
    event: str | None
    data: str


@dataclass(frozen=True)
class Recheck:
    """Auth announced a revocation that may concern this stream's token."""


@dataclass(frozen=True)
class End:
    code: str


Signal = Entry | Recheck | End


@dataclass(eq=False)
class Subscription:
    """One open SSE connection."""

    id: str
    user_id: str
    token: str
    session_id: str | None
    position: EntryId
    revocations_from: EntryId
    heartbeat_seconds: float
    recheck_seconds: float
    queue: asyncio.Queue[Signal] = field(default_factory=asyncio.Queue)
    ended: bool = False
    closed: bool = False

    def concerns(self, user_id: str, session_id: str | None) -> bool:
        if user_id != self.user_id:
            return False
        return session_id is None or self.session_id is None or session_id == self.session_id


def _session_of(token: str) -> str | None:
    """The token's session (``sid``), read without checking the signature: auth has just
    verified this very token, and the value only decides which revocations make it check
    again. None (any revocation of the user counts) if it cannot be read."""
    try:
        sid = jwt.decode(token, options={"verify_signature": False}).get("sid")
    except jwt.PyJWTError:
        return None
    return str(sid) if sid is not None else None


class LiveStreams:
    """This process's open SSE connections and the reader that feeds them."""

    def __init__(
        self, redis: Redis, *, settings: EngagementSettings, verifier: TokenVerifier
    ) -> None:
        self.redis = redis
        self.settings = settings
        self.verifier = verifier
        self.slots = StreamSlots(redis, settings=settings)
        self.wake_key = f"engagement:sse-wake:{uuid.uuid4()}"
        self._by_user: dict[str, set[Subscription]] = {}
        self._opening = 0
        self._reader: asyncio.Task[None] | None = None
        self._wake_sent = False
        self._recent: deque[tuple[EntryId, str, str | None]] = deque(maxlen=RECENT_REVOCATIONS_KEPT)
        self._backoff = BACKOFF_FIRST
        self._closing = False

    # --- opening and closing ----------------------------------------------------------------

    @property
    def open_count(self) -> int:
        return sum(len(subs) for subs in self._by_user.values())

    @property
    def reader_running(self) -> bool:
        return self._reader is not None and not self._reader.done()

    async def open(self, user_id: str, *, token: str, last_event_id: str | None) -> Subscription:
        """Count and register a new stream; 503 when this process is full or Redis is down,
        429 when the user already has their streams open."""
        s = self.settings
        if self._closing or self.open_count + self._opening >= s.sse_max_streams_per_process:
            raise ServiceUnavailable(
                "This server holds as many live streams as it can; try again shortly",
                code="stream_capacity",
                headers={"Retry-After": str(max(1, RETRY_MS // 1000))},
            )
        self._opening += 1
        stream_id = uuid.uuid4().hex
        taken = False
        try:
            try:
                taken, wait_ms, now_ms = await self.slots.acquire(
                    user_id, stream_id, cap=s.sse_max_streams_per_user
                )
                if not taken:
                    refused = RateLimited(
                        retry_after=-(-wait_ms // 1000),
                        message=f"At most {s.sse_max_streams_per_user} live streams per user",
                    )
                    refused.code = "too_many_streams"
                    raise refused
                if last_event_id is None:
                    newest: Any = await self.redis.xrevrange(stream_key(user_id), count=1)
                    position = parse_id(_text(newest[0][0])) if newest else (0, 0)
                else:
                    position = parse_id(last_event_id)
            except BaseException as exc:
                # Refused, Redis down, or the client gone (cancelled): give the slot back now
                # rather than let it wait out its TTL.
                if taken:
                    with contextlib.suppress(RedisError):
                        await asyncio.shield(self.slots.release(user_id, stream_id))
                if isinstance(exc, RedisError):
                    logger.warning("live stream not opened, Redis unavailable: %r", exc)
                    raise ServiceUnavailable("Live notifications are unavailable") from exc
                raise
        finally:
            self._opening -= 1
        sub = Subscription(
            id=stream_id,
            user_id=user_id,
            token=token,
            session_id=_session_of(token),
            position=position,
            revocations_from=(max(now_ms - REVOCATION_LOOKBACK_MS, 0), 0),
            heartbeat_seconds=s.sse_heartbeat_seconds,
            recheck_seconds=s.sse_token_recheck_seconds,
        )
        self._by_user.setdefault(user_id, set()).add(sub)
        # Revocations the reader has already seen, announced since just before this token was
        # verified: this stream checks again at once.
        for entry_id, revoked_user, session_id in self._recent:
            if entry_id > sub.revocations_from and sub.concerns(revoked_user, session_id):
                sub.queue.put_nowait(Recheck())
                break
        if not self.reader_running:
            self._reader = asyncio.create_task(self._read(), name="engagement-sse-reader")
            return sub
        try:
            await self._wake()
        except BaseException:
            await self.close(sub)  # cancelled before the caller could own the stream
            raise
        return sub

    async def close(self, sub: Subscription) -> None:
        """Forget the stream and free its slot (again is fine)."""
        if sub.closed:
            return
        sub.closed = True
        self._forget(sub)
        try:
            # Shielded: a cancelled request still frees its slot (else it waits out the TTL).
            await asyncio.shield(self.slots.release(sub.user_id, sub.id))
        except RedisError as exc:
            logger.warning("live stream slot not released (it expires): %r", exc)

    def _forget(self, sub: Subscription) -> None:
        subs = self._by_user.get(sub.user_id)
        if subs is not None:
            subs.discard(sub)
            if not subs:
                del self._by_user[sub.user_id]

    def _end(self, sub: Subscription, code: str) -> None:
        if not sub.ended:
            sub.ended = True
            sub.queue.put_nowait(End(code))
        self._forget(sub)

    def _end_all(self, code: str) -> None:
        for subs in list(self._by_user.values()):
            for sub in list(subs):
                self._end(sub, code)

    async def shutdown(self) -> None:
        """At application shutdown: end every stream, stop the reader."""
        self._closing = True
        self._end_all("service_unavailable")
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._reader
            self._reader = None

    async def _wake(self) -> None:
        """Make the reader's blocked XREAD return, so it reads the new stream's key too."""
        if self._wake_sent:
            return  # one wake-up is already on its way
        self._wake_sent = True
        try:
            pipe = self.redis.pipeline(transaction=False)
            pipe.xadd(self.wake_key, {"w": "1"}, maxlen=10, approximate=False)
            pipe.pexpire(self.wake_key, 3_600_000)
            await pipe.execute()
        except RedisError as exc:
            # The reader picks the stream up at the end of its current block anyway.
            logger.warning("live stream reader not woken: %r", exc)

    # --- the reader -------------------------------------------------------------------------

    def _reader_client(self, block_seconds: float) -> Redis:
        return Redis.from_url(
            self.settings.redis_url,
            single_connection_client=True,
            # Above the block time: a blocked XREAD is waiting, not stuck.
            socket_timeout=block_seconds + 10,
            socket_connect_timeout=5,
            client_name=READER_CLIENT_NAME,
            # No retries inside the client: the reader's own loop backs off and gives up.
            retry=Retry(NoBackoff(), 0),
        )

    async def _read(self) -> None:
        s = self.settings
        refresh_every = s.sse_slot_ttl_seconds / 4
        block_seconds = min(10.0, refresh_every)
        client = self._reader_client(block_seconds)
        revocations: EntryId | None = None
        wake: EntryId = (0, 0)
        refreshed = time.monotonic()
        failing_since: float | None = None
        try:
            while True:
                if not self._by_user:
                    self._reader = None  # decided without a pause: a new stream starts anew
                    return
                try:
                    if revocations is None:
                        revocations = min(
                            sub.revocations_from for subs in self._by_user.values() for sub in subs
                        )
                    if time.monotonic() - refreshed >= refresh_every:
                        await self.slots.refresh(client, self._slots())
                        refreshed = time.monotonic()
                    self._wake_sent = False
                    streams = {REVOCATIONS: format_id(revocations), self.wake_key: format_id(wake)}
                    for user_id, subs in self._by_user.items():
                        streams[stream_key(user_id)] = format_id(min(s.position for s in subs))
                    response: Any = await client.xread(
                        streams,  # type: ignore[arg-type]
                        count=READ_COUNT,
                        block=int(block_seconds * 1000),
                    )
                except asyncio.CancelledError:
                    raise
                except Exception as exc:
                    now = time.monotonic()
                    failing_since = failing_since or now
                    logger.warning("live stream reader: Redis read failed: %r", exc)
                    if now - failing_since >= s.sse_redis_grace_seconds:
                        self._end_all("service_unavailable")
                    await asyncio.sleep(self._backoff)
                    self._backoff = min(self._backoff * 2, BACKOFF_MAX)
                    continue
                failing_since = None
                self._backoff = BACKOFF_FIRST
                items = response.items() if isinstance(response, dict) else response or []
                for stream, entries in items:
                    key = _text(stream)
                    if not entries:
                        continue
                    last = parse_id(_text(entries[-1][0]))
                    if key == REVOCATIONS:
                        revocations = last
                        await self._revoked(entries)
                    elif key == self.wake_key:
                        wake = last
                    else:
                        self._dispatch(key, entries)
        finally:
            if self._reader is asyncio.current_task():
                self._reader = None
            with contextlib.suppress(Exception):
                await client.aclose()

    def _slots(self) -> list[tuple[str, str]]:
        return [(sub.user_id, sub.id) for subs in self._by_user.values() for sub in subs]

    def _dispatch(self, key: str, entries: list[Any]) -> None:
        user_id = key.partition(":")[2]
        subs = list(self._by_user.get(user_id, ()))
        limit = max(256, 2 * self.settings.notification_stream_maxlen)
        for raw_id, fields in entries:
            entry_id = _text(raw_id)
            parsed = parse_id(entry_id)
            decoded = {_text(k): _text(v) for k, v in fields.items()}
            entry = Entry(entry_id, decoded.get("event"), decoded.get("data", "{}"))
            for sub in subs:
                if sub.ended or parsed <= sub.position:
                    continue
                sub.position = parsed
                if sub.queue.qsize() >= limit:
                    self._end(sub, "lagging")
                else:
                    sub.queue.put_nowait(entry)

    async def _revoked(self, entries: list[Any]) -> None:
        for raw_id, fields in entries:
            entry_id = parse_id(_text(raw_id))
            try:
                data = json.loads(_text(fields[b"data"] if b"data" in fields else fields["data"]))
                user_id = str(uuid.UUID(str(data["user_id"])))
                session = data.get("session_id")
                session_id = str(uuid.UUID(str(session))) if session is not None else None
            except (KeyError, ValueError, TypeError, AttributeError):
                logger.warning("unreadable user_tokens_revoked entry %s", format_id(entry_id))
                continue
            self._recent.append((entry_id, user_id, session_id))
            newest_ms = entry_id[0]
            while self._recent and self._recent[0][0][0] < newest_ms - REVOCATION_LOOKBACK_MS:
                self._recent.popleft()
            subs = [
                sub
                for sub in self._by_user.get(user_id, ())
                if entry_id > sub.revocations_from and sub.concerns(user_id, session_id)
            ]
            if not subs:
                continue
            # The consumer evicts too, but maybe later and on another replica: without this the
            # check below could still find the revoked identity in the cache.
            try:
                await self.verifier.evict_user(user_id)
            except RedisError as exc:
                logger.warning("cached identities not evicted: %r", exc)
            for sub in subs:
                sub.queue.put_nowait(Recheck())

    # --- one connection's events ------------------------------------------------------------

    async def _refused(self, sub: Subscription, *, strict: bool) -> str | None:
        """Why the stream must end now (an error code), or None if its token still holds."""
        try:
            identity = await self.verifier.verify(sub.token)
        except Unauthorized:
            return "unauthorized"
        except ServiceUnavailable:
            # A periodic check keeps the stream (the next one asks again); a revocation's check
            # does not: it cannot confirm the token.
            return "service_unavailable" if strict else None
        return None if str(identity.id) == sub.user_id else "unauthorized"

    async def events(self, sub: Subscription) -> AsyncIterator[ServerSentEvent]:
        """The connection's SSE events until its token is refused, the reader gives up, or the
        client goes away."""
        loop = asyncio.get_running_loop()
        try:
            yield ServerSentEvent(comment="connected", retry=RETRY_MS)
            next_beat = loop.time() + sub.heartbeat_seconds
            next_check = loop.time() + sub.recheck_seconds
            while True:
                wait = max(min(next_beat, next_check) - loop.time(), 0)
                signal: Signal | None = None
                if not sub.queue.empty():
                    signal = sub.queue.get_nowait()
                elif wait > 0:
                    with contextlib.suppress(asyncio.TimeoutError):
                        signal = await asyncio.wait_for(sub.queue.get(), wait)
                refusal = None
                if isinstance(signal, Entry):
                    yield ServerSentEvent(id=signal.id, event=signal.event, raw_data=signal.data)
                    next_beat = loop.time() + sub.heartbeat_seconds
                elif isinstance(signal, End):
                    refusal = signal.code
                elif isinstance(signal, Recheck):
                    refusal = await self._refused(sub, strict=True)
                if refusal is None and loop.time() >= next_check:
                    refusal = await self._refused(sub, strict=False)
                    next_check = loop.time() + sub.recheck_seconds
                if refusal is not None:
                    yield ServerSentEvent(event="error", raw_data=json.dumps({"code": refusal}))
                    return
                if loop.time() >= next_beat:
                    yield ServerSentEvent(comment="heartbeat")
                    next_beat = loop.time() + sub.heartbeat_seconds
        finally:
            await self.close(sub)
