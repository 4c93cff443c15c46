"""Fixtures for the moderation service's tests: real Postgres, Redis and the real auth service.

The auth service runs as its own process (its own database, this suite's Redis database) for
the whole session; users are signed up and given roles through it once per session. Events the
service consumes are written to their Redis streams and read back by the real consumer.
"""

from __future__ import annotations

import os
import subprocess
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio
from fastapi import FastAPI
from redis.asyncio import Redis

from chassis.clock import FrozenClock
from chassis.events import Envelope, EventConsumer, stream_for
from chassis.service import ServiceDefinition
from chassis.testing import ContractValidator, EventBus, ServiceProcess, auth_service_process
from moderation_service.core.context import ModerationContext
from moderation_service.core.service import build_definition
from moderation_service.moderations.models import Moderation
from moderation_service.settings import ModerationSettings

os.environ.setdefault(
    "MODERATION_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/social_moderation_test"
)
os.environ.setdefault("MODERATION_REDIS_URL", "redis://127.0.0.1:6379/4")

REPO = Path(__file__).resolve().parents[2]
AUTH_DIR = REPO / "auth-service"
PASSWORD = "correct horse battery staple"

CLEAN = "Had a lovely walk by the lake this morning, the ducks were out in force."
OFFENSIVE = "You are a fucking idiot and everyone here hates you."
# The model scores this between the review and removal thresholds (about 0.77).
BORDERLINE = "What a load of rubbish this post is."


@pytest.fixture(scope="session")
def auth_service() -> Iterator[ServiceProcess]:
    """The real auth service, publishing to this suite's Redis database."""
    with auth_service_process(
        REPO, suite="moderation", redis_url=os.environ["MODERATION_REDIS_URL"]
    ) as auth:
        yield auth


@pytest.fixture(scope="session")
def settings(auth_service: ServiceProcess) -> ModerationSettings:
    return ModerationSettings(
        environment="test", run_workers=False, log_json=False, auth_url=auth_service.url
    )


@pytest.fixture(scope="session")
def service_definition(settings: ModerationSettings) -> ServiceDefinition:
    return build_definition(settings)


@pytest.fixture(scope="session")
def contracts() -> ContractValidator:
    return ContractValidator(REPO / "contracts")


# --- users (real accounts at the auth service) ---------------------------------------------


@dataclass
class AuthUser:
    id: str
    email: str
    access_token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.access_token}"}

    @property
    def uuid(self) -> uuid.UUID:
        return uuid.UUID(self.id)


def create_user(auth: ServiceProcess, name: str, role: str | None = None) -> AuthUser:
    """Sign up at the auth service over HTTP (and set a role with its CLI), then sign in."""
    email = f"{name}-{uuid.uuid4().hex[:10]}@example.com"
    with httpx.Client(base_url=auth.url, timeout=10) as http:
        signup = http.post(
            "/api/v1/auth/signup",
            json={"email": email, "password": PASSWORD, "first_name": name, "last_name": "Test"},
        )
        assert signup.status_code == 201, signup.text
        if role:
            subprocess.run(
                [str(auth.python), "-m", "auth_service", "set-role", email, role],
                cwd=auth.service_dir, env=auth.env, check=True, capture_output=True,
            )  # fmt: skip
        signin = http.post("/api/v1/auth/signin", json={"email": email, "password": PASSWORD})
        assert signin.status_code == 200, signin.text
    return AuthUser(id=signup.json()["id"], email=email, access_token=signin.json()["access_token"])


@dataclass
class Users:
    moderator: AuthUser
    admin: AuthUser
    alice: AuthUser  # writes content
    bob: AuthUser  # reports
    carol: AuthUser
    dave: AuthUser


@pytest.fixture(scope="session")
def users(auth_service: ServiceProcess) -> Users:
    return Users(
        moderator=create_user(auth_service, "moderator", "moderator"),
        admin=create_user(auth_service, "admin", "admin"),
        alice=create_user(auth_service, "alice"),
        bob=create_user(auth_service, "bob"),
        carol=create_user(auth_service, "carol"),
        dave=create_user(auth_service, "dave"),
    )


# --- the service's context -----------------------------------------------------------------


@pytest.fixture
def ctx(app: FastAPI) -> ModerationContext:
    context: ModerationContext = app.state.resources.context
    return context


@pytest.fixture
def clock(ctx: ModerationContext) -> FrozenClock:
    frozen = FrozenClock()
    ctx.clock = frozen
    return frozen


# --- events --------------------------------------------------------------------------------


def _iso(at: datetime) -> str:
    return at.astimezone(timezone.utc).isoformat()


def post_created(
    *,
    author_id: str,
    content: str,
    title: str | None = "A post",
    post_id: uuid.UUID | None = None,
    status: str = "POSTED",
    at: datetime | None = None,
) -> Envelope:
    at = at or datetime.now(timezone.utc)
    return Envelope(
        type="post_created",
        producer="post",
        data={
            "post_id": str(post_id or uuid.uuid4()),
            "author_id": author_id,
            "title": title,
            "content": content,
            "categories": ["NEWS"],
            "status": status,
            "created_at": _iso(at),
            "updated_at": _iso(at),
        },
    )


def post_updated(
    created: Envelope,
    *,
    content: str | None = None,
    title: str | None = None,
    changed: list[str] | None = None,
    status: str | None = None,
    at: datetime | None = None,
) -> Envelope:
    data = dict(created.data)
    previous_status = data["status"]
    data["content"] = content if content is not None else data["content"]
    data["title"] = title if title is not None else data["title"]
    data["status"] = status or data["status"]
    data["updated_at"] = _iso(
        at or datetime.fromisoformat(data["updated_at"]) + timedelta(minutes=1)
    )
    data["changed"] = changed or ["content"]
    data["previous_status"] = previous_status
    return Envelope(type="post_updated", producer="post", data=data)


def post_deleted(created: Envelope, *, reason: str = "author") -> Envelope:
    d = created.data
    return Envelope(
        type="post_deleted",
        producer="post",
        data={
            "post_id": d["post_id"],
            "author_id": d["author_id"],
            "categories": d["categories"],
            "status": d["status"],
            "reason": reason,
        },
    )


def comment_created(
    *,
    author_id: str,
    content: str,
    post_id: uuid.UUID | str | None = None,
    comment_id: uuid.UUID | None = None,
    at: datetime | None = None,
) -> Envelope:
    at = at or datetime.now(timezone.utc)
    return Envelope(
        type="post_comment_created",
        producer="interaction",
        data={
            "comment_id": str(comment_id or uuid.uuid4()),
            "post_id": str(post_id or uuid.uuid4()),
            "post_author_id": str(uuid.uuid4()),
            "categories": ["NEWS"],
            "author_id": author_id,
            "parent_id": None,
            "content": content,
            "created_at": _iso(at),
        },
    )


def comment_updated(created: Envelope, *, content: str, at: datetime | None = None) -> Envelope:
    data = dict(created.data)
    data["content"] = content
    edited = at or datetime.fromisoformat(data["created_at"]) + timedelta(minutes=1)
    data["edited_at"] = _iso(edited)
    return Envelope(type="post_comment_updated", producer="interaction", data=data)


def comment_deleted(created: Envelope, *, reason: str = "author") -> Envelope:
    d = created.data
    return Envelope(
        type="post_comment_deleted",
        producer="interaction",
        data={
            "comment_id": d["comment_id"],
            "post_id": d["post_id"],
            "post_author_id": d["post_author_id"],
            "categories": d["categories"],
            "author_id": d["author_id"],
            "parent_id": d["parent_id"],
            "reason": reason,
        },
    )


def content_removed(request: Envelope, *, already_gone: bool = False) -> Envelope:
    """The owning service's answer to a ``content_removal_requested``."""
    d = request.data
    post_id = d["content_id"] if d["content_type"] == "POST" else str(uuid.uuid4())
    return Envelope(
        type="content_removed",
        producer="post" if d["content_type"] == "POST" else "interaction",
        data={
            "moderation_id": d["moderation_id"],
            "content_type": d["content_type"],
            "content_id": d["content_id"],
            "author_id": d["author_id"],
            "post_id": post_id,
            "reason": d["reason"],
            "already_gone": already_gone,
        },
    )


def user_deleted(user_id: str) -> Envelope:
    return Envelope(type="user_deleted", producer="auth", data={"user_id": user_id})


class Bus(EventBus):
    """The chassis's ``EventBus``, delivering envelopes built by the factories above, so a test
    can send the same event (same id) twice, or events out of order."""

    async def deliver(self, *envelopes: Envelope) -> None:  # type: ignore[override]
        """Check each envelope against its contract, add it to its stream, and let the consumer
        handle everything pending (failing the test if a handler raised)."""
        for envelope in envelopes:
            self.contracts.validate(envelope)
            await self.redis.xadd(stream_for(envelope.type), envelope.to_fields())  # type: ignore[arg-type]
        await self.drain()

    async def redeliver(self, envelope: Envelope) -> None:
        """The same event (same id) once more, as after a crash before the ack."""
        await self.deliver(envelope)


@pytest_asyncio.fixture
async def bus(
    app: FastAPI, redis: Redis, contracts: ContractValidator, service_definition: ServiceDefinition
) -> AsyncIterator[Bus]:
    """The service's consumer as the chassis builds it: its handlers (and the chassis's token
    eviction) and its per-batch hook."""
    resources = app.state.resources
    assert service_definition.before_batch is not None
    consumer = EventConsumer(
        redis,
        group="moderation",
        handlers=service_definition.bind_handlers(resources),
        before_batch=service_definition.before_batch(resources),
    )
    await consumer.ensure_groups()
    yield Bus(
        redis,
        consumer,
        contracts,
        database_url=resources.settings.database_url,
        producer="moderation",
    )


async def make_case(
    *,
    author_id: str | uuid.UUID | None = None,
    status: str = "PENDING_REVIEW",
    content_type: str = "POST",
    score: float = 0.6,
    report_count: int = 0,
    reason: str | None = "OFFENSIVE_CONTENT",
    queued: bool | None = None,
    appealed: bool = False,
    content: str = "Some text",
    post_status: str | None = "POSTED",
) -> Any:
    """A case written straight to the database (for listing and pagination tests); a post's
    status is ``post_status`` (comments have none)."""
    now = datetime.now(timezone.utc)
    return await Moderation.create(
        id=uuid.uuid4(),
        content_type=content_type,
        content_id=uuid.uuid4(),
        author_id=author_id or uuid.uuid4(),
        post_id=uuid.uuid4() if content_type == "COMMENT" else None,
        title=None,
        content=content,
        version_at=now,
        post_status=post_status if content_type == "POST" else None,
        post_status_at=now if content_type == "POST" and post_status else None,
        offensive_score=score,
        spam_score=0.0,
        blocklist_score=0.0,
        score=score,
        details={},
        model="alt-profanity-check==test",
        decision="REVIEW" if status == "PENDING_REVIEW" else "APPROVE",
        reason=reason,
        status=status,
        decided_at=now,
        report_count=report_count,
        open_reports=report_count,
        appealed=appealed,
        queued=(status == "PENDING_REVIEW" or appealed) if queued is None else queued,
    )


def case_in_memory(**fields: Any) -> Moderation:
    """A case that is never saved, for the pure rules: an approved post unless told otherwise."""
    now = datetime(2026, 12, 1, 12, 0, tzinfo=timezone.utc)
    defaults: dict[str, Any] = {
        "id": uuid.uuid4(),
        "content_type": "POST",
        "content_id": uuid.uuid4(),
        "author_id": uuid.uuid4(),
        "post_id": None,
        "version_at": now,
        "post_status": "POSTED",
        "post_status_at": now,
        "status": "APPROVED",
        "decided_at": now,
        "report_count": 0,
        "open_reports": 0,
        "appealed": False,
        "content_deleted_at": None,
    }
    return Moderation(**{**defaults, **fields})
