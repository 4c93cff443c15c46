"""The whole platform as real processes (tests.cluster.Cluster), driven over HTTP.

One cluster per session: the five services, each an uvicorn process with its workers on a free
loopback port, against fresh databases ``social_<name>_e2e`` and Redis DB 10 (flushed first).
Every test makes its own users, so the tests do not depend on each other's order.

"Within 2 seconds" (the issue) is ``PROPAGATION``: what another service must show after an
event is polled for up to that long, then the test fails with the last value seen.
"""

from __future__ import annotations

import asyncio
import json
import re
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest
import redis as redis_sync
from chassis.testing import ContractValidator, read_events
from redis.asyncio import Redis

from tests.cluster import ROOT, Cluster

REDIS_URL = "redis://127.0.0.1:6379/10"
SUFFIX = "e2e"
PROPAGATION = 2.0
PASSWORD = "correct horse battery staple"
CONTRACTS = ContractValidator(ROOT / "contracts")
T = TypeVar("T")


def eventually(probe: Callable[[], T], what: str, timeout: float = PROPAGATION) -> T:
    """Poll ``probe`` until it returns something truthy; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not seen within {timeout} s (last: {value!r})")
        time.sleep(0.05)


def until_equal(probe: Callable[[], Any], expected: Any, what: str) -> Any:
    """Poll ``probe`` until it returns ``expected``; fail after PROPAGATION with the last value."""
    last: list[Any] = []

    def check() -> bool:
        last[:] = [probe()]
        return bool(last[0] == expected)

    try:
        eventually(check, what)
    except AssertionError:
        raise AssertionError(
            f"{what}: expected {expected!r} within {PROPAGATION} s, last seen {last[0]!r}"
        ) from None
    return last[0]


@dataclass
class User:
    id: str
    email: str
    first_name: str
    last_name: str
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"


class Platform:
    """HTTP access to the cluster's services, and what a test needs around it."""

    def __init__(self, cluster: Cluster) -> None:
        self.cluster = cluster
        self.http = httpx.Client(timeout=10)
        self.redis = redis_sync.Redis.from_url(REDIS_URL, decode_responses=True)
        self.auth, self.post, self.interaction, self.moderation, self.engagement = (
            cluster.api(name)
            for name in ("auth", "post", "interaction", "moderation", "engagement")
        )

    def close(self) -> None:
        self.http.close()
        self.redis.close()

    # --- HTTP -----------------------------------------------------------------------------

    def call(
        self, method: str, url: str, user: User | None = None, json_body: Any = None, **kw: Any
    ) -> httpx.Response:
        headers = user.headers if user else {}
        return self.http.request(method, url, headers=headers, json=json_body, **kw)

    def get(self, url: str, user: User | None = None, **kw: Any) -> httpx.Response:
        return self.call("GET", url, user, **kw)

    def found(self, url: str, user: User) -> Any:
        """The body of a GET that answers 200, else None (for polling)."""
        response = self.get(url, user)
        return response.json() if response.status_code == 200 else None

    def ok(self, method: str, url: str, user: User | None, status: int, body: Any = None) -> Any:
        """Call and assert the status; returns the decoded body (None when empty)."""
        response = self.call(method, url, user, body)
        assert response.status_code == status, (method, url, response.status_code, response.text)
        return response.json() if response.content else None

    # --- accounts ---------------------------------------------------------------------------

    def activation_token(self, email: str) -> str | None:
        """The token of the last activation mail to ``email`` in auth's log, if logged yet.

        The console mail backend logs the mail with ``to`` and ``body`` as extra fields of the
        record; only the JSON log format writes extra fields (the plain one keeps the message,
        "mail (console backend)", alone), so the cluster's auth runs with ``AUTH_LOG_JSON=true``
        and each line is parsed as JSON.
        """
        log_path: Path = self.cluster.processes["auth"].log_path
        token = None
        for line in log_path.read_text(errors="replace").splitlines():
            if not line.startswith("{"):
                continue
            try:
                entry = json.loads(line)
            except ValueError:
                continue
            if entry.get("to") != email:
                continue
            found = re.search(r"Activation token: ([A-Za-z0-9_\-]+)", str(entry.get("body", "")))
            if found:
                token = found.group(1)
        return token

    def register(
        self, first_name: str, last_name: str = "Tester", *, interests: list[str] | None = None
    ) -> User:
        """Sign up, activate (token from auth's log), sign in; every step asserted."""
        email = f"{first_name.lower()}-{uuid.uuid4().hex[:10]}@example.com"
        created = self.ok(
            "POST", f"{self.auth}/auth/signup", None, 201,
            {"email": email, "password": PASSWORD, "first_name": first_name,
             "last_name": last_name, "interests": interests or []},
        )  # fmt: skip
        assert created["email"] == email and created["is_verified"] is False, created
        token = eventually(lambda: self.activation_token(email), f"activation mail to {email}")
        activated = self.ok("POST", f"{self.auth}/auth/activate", None, 200, {"token": token})
        assert activated["id"] == created["id"] and activated["is_verified"] is True, activated
        tokens = self.ok(
            "POST", f"{self.auth}/auth/signin", None, 200, {"email": email, "password": PASSWORD}
        )
        assert tokens["access_token"] and tokens["refresh_token"], tokens
        user = User(created["id"], email, first_name, last_name, tokens["access_token"])
        me = self.ok("GET", f"{self.auth}/users/me", user, 200)
        assert me["id"] == user.id and me["is_verified"] is True, me
        return user

    def make_moderator(self, user: User) -> None:
        """``python -m auth_service set-role EMAIL moderator`` against the cluster's auth DB."""
        auth = self.cluster.processes["auth"]
        subprocess.run(
            [str(auth.python), "-m", "auth_service", "set-role", user.email, "moderator"],
            cwd=auth.service_dir, env=auth.env, check=True, capture_output=True, timeout=60,
        )  # fmt: skip
        # The role is read at every token check; user_updated evicts the cached identity.
        eventually(
            lambda: self.get(f"{self.moderation}/moderations", user).status_code == 200,
            "moderator role honoured by the moderation service",
        )

    def connect(self, user: User, other: User) -> None:
        self.ok("POST", f"{self.auth}/users/{other.id}/connect", user, 201)

    # --- engagement -------------------------------------------------------------------------

    def profile(self, user: User) -> dict[str, Any]:
        return self.ok("GET", f"{self.engagement}/me/activity-profile", user, 200)

    def counts(self, user: User, *fields: str) -> dict[str, Any]:
        profile = self.profile(user)
        return {f: profile[f] for f in fields}

    def notifications(self, user: User) -> list[dict[str, Any]]:
        body = self.ok("GET", f"{self.engagement}/notifications?limit=100", user, 200)
        items: list[dict[str, Any]] = body["items"]
        return items

    def notification_summary(self, user: User) -> list[tuple[str, str, str | None, bool]]:
        """(type, message, post_id, read) of each notification, sorted (order-independent)."""
        return sorted(
            (n["type"], n["message"], n["post_id"], n["read"]) for n in self.notifications(user)
        )

    # --- post -------------------------------------------------------------------------------

    def create_post(self, user: User, content: str, categories: list[str], **extra: Any) -> Any:
        body = {"content": content, "categories": categories, "status": "POSTED", **extra}
        return self.ok("POST", f"{self.post}/posts", user, 201, body)

    def counters(self, post_id: str, user: User) -> dict[str, Any]:
        body = self.ok("GET", f"{self.post}/posts/{post_id}", user, 200)
        return {
            k: body[k]
            for k in ("total_comments", "total_reactions", "total_views", "score", "popularity")
        }

    # --- streams ----------------------------------------------------------------------------

    def entries(self, event_type: str) -> list[tuple[str, dict[str, Any]]]:
        """(entry id, decoded envelope fields) of every entry on ``events.<type>``."""
        found = []
        for entry_id, fields in self.redis.xrange(f"events.{event_type}"):
            found.append((entry_id, {**fields, "data": json.loads(fields["data"])}))
        return found

    def events(self, event_type: str, **match: Any) -> list[dict[str, Any]]:
        """The ``data`` of each event of that type whose data has every ``match`` item."""
        return [
            fields["data"]
            for _, fields in self.entries(event_type)
            if all(fields["data"].get(k) == v for k, v in match.items())
        ]

    def consumed(self, group: str, event_type: str, **match: Any) -> bool:
        """Every matching entry (at least one) was handled and acked by ``group``."""
        ids = [
            entry_id
            for entry_id, fields in self.entries(event_type)
            if all(fields["data"].get(k) == v for k, v in match.items())
        ]
        if not ids:
            return False
        stream = f"events.{event_type}"
        groups = {g["name"]: g for g in self.redis.xinfo_groups(stream)}
        if group not in groups:
            return False
        last = _entry_key(groups[group]["last-delivered-id"])
        if any(_entry_key(i) > last for i in ids):
            return False
        pending = {
            p["message_id"] for p in self.redis.xpending_range(stream, group, "-", "+", 1000)
        }
        return not pending.intersection(ids)

    def wait_consumed(self, group: str, event_type: str, **match: Any) -> None:
        eventually(
            lambda: self.consumed(group, event_type, **match),
            f"{event_type} {match} handled by {group}",
        )

    def validate_streams(self) -> dict[str, int]:
        """Every envelope on every ``events.*`` stream against its contract; nothing dead-lettered.

        Each entry is checked twice: as ``chassis.testing.read_events`` decodes it, and as the
        raw stream fields say (``data`` JSON-decoded, ``version`` an integer), so a field the
        decoder would normalise (a timestamp's format) is checked as it travelled.
        """

        async def read_all() -> dict[str, list[Any]]:
            client = Redis.from_url(REDIS_URL)
            try:
                streams = sorted(
                    [key.decode() async for key in client.scan_iter(match="events.*", count=1000)]
                )
                return {s: await read_events(client, s.removeprefix("events.")) for s in streams}
            finally:
                await client.aclose()

        counts: dict[str, int] = {}
        for stream, envelopes in asyncio.run(read_all()).items():
            event_type = stream.removeprefix("events.")
            for envelope in envelopes:
                assert envelope.type == event_type, (stream, envelope)
                CONTRACTS.validate(envelope)
            for _, fields in self.entries(event_type):
                CONTRACTS.validate({**fields, "version": int(fields["version"])})
            counts[event_type] = len(envelopes)
        dead = {k: self.redis.xlen(k) for k in self.redis.scan_iter(match="deadletter.*")}
        assert not any(dead.values()), dead
        return counts


def _entry_key(entry_id: str) -> tuple[int, int]:
    ms, seq = entry_id.split("-")
    return int(ms), int(seq)


@pytest.fixture(scope="session")
def cluster() -> Iterator[Cluster]:
    flusher = redis_sync.Redis.from_url(REDIS_URL)
    try:
        flusher.flushdb()
    finally:
        flusher.close()
    # JSON logs for auth: the activation mail's body is an extra field of the log record.
    with Cluster(
        suffix=SUFFIX, redis_url=REDIS_URL, env={"auth": {"AUTH_LOG_JSON": "true"}}
    ) as running:
        yield running


@pytest.fixture(scope="session")
def platform(cluster: Cluster) -> Iterator[Platform]:
    client = Platform(cluster)
    try:
        yield client
    finally:
        client.close()


@pytest.fixture(scope="session")
def moderator(platform: Platform) -> User:
    user = platform.register("Moe", "Rator")
    platform.make_moderator(user)
    return user
