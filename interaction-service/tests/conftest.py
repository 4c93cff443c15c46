"""Fixtures for the interaction service's tests: real Postgres, Redis and the real auth service.

The auth service runs once per session as its own process (``ServiceProcess``) on its own
database, publishing to this suite's Redis database; users are created over its HTTP API. Posts
reach this service the way they do in production: as ``post_created`` / ``post_updated`` /
``post_deleted`` envelopes on the streams, read by this service's own consumer.
"""

from __future__ import annotations

import os
import subprocess
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio
from fastapi import FastAPI
from redis.asyncio import Redis

from chassis.clock import FrozenClock
from chassis.events import EventConsumer
from chassis.service import ServiceDefinition
from chassis.testing import ContractValidator, EventBus, ServiceProcess, auth_service_process
from interaction_service.core.context import InteractionContext
from interaction_service.core.service import build_definition
from interaction_service.settings import InteractionSettings

os.environ.setdefault(
    "INTERACTION_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/social_interaction_test"
)
os.environ.setdefault("INTERACTION_REDIS_URL", "redis://127.0.0.1:6379/3")

REPO = Path(__file__).resolve().parents[2]
API = "/api/v1"
PASSWORD = "correct horse battery staple"
# Nothing listens on the discard port: an unexpected call to the post service fails fast (503)
# instead of reaching a post service a developer may be running on 8001.
NO_POST_SERVICE = "http://127.0.0.1:9"


# --- the real auth service --------------------------------------------------------------------


@pytest.fixture(scope="session")
def auth_service() -> Iterator[ServiceProcess]:
    """The real auth service, publishing to this suite's Redis database."""
    with auth_service_process(
        REPO, suite="interaction", redis_url=os.environ["INTERACTION_REDIS_URL"]
    ) as auth:
        yield auth


@dataclass
class TestUser:
    __test__ = False  # not a test class, despite its name

    id: str
    email: str
    first_name: str
    last_name: str
    access_token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.access_token}"}

    @property
    def display_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


@dataclass
class Auth:
    """Creates users at the real auth service over HTTP (synchronously, so session-scoped
    fixtures can use it outside any event loop)."""

    process: ServiceProcess
    http: httpx.Client = field(init=False)

    def __post_init__(self) -> None:
        self.http = httpx.Client(base_url=self.process.url + API, timeout=10)

    def create_user(self, first_name: str = "Test", last_name: str = "User") -> TestUser:
        email = f"{first_name.lower()}-{uuid.uuid4().hex[:12]}@example.com"
        signup = self.http.post(
            "/auth/signup",
            json={
                "email": email,
                "password": PASSWORD,
                "first_name": first_name,
                "last_name": last_name,
            },
        )
        assert signup.status_code == 201, signup.text
        return TestUser(
            id=signup.json()["id"],
            email=email,
            first_name=first_name,
            last_name=last_name,
            access_token=self.sign_in(email),
        )

    def sign_in(self, email: str) -> str:
        response = self.http.post("/auth/signin", json={"email": email, "password": PASSWORD})
        assert response.status_code == 200, response.text
        token: str = response.json()["access_token"]
        return token

    def make_admin(self, user: TestUser) -> None:
        """The first admin can only come from auth's CLI."""
        subprocess.run(
            [str(self.process.python), "-m", "auth_service", "set-role", user.email, "admin"],
            cwd=self.process.service_dir,
            env=self.process.env,
            check=True,
            capture_output=True,
        )

    def administer(self, admin: TestUser, user: TestUser, **changes: str) -> None:
        response = self.http.patch(f"/admin/users/{user.id}", json=changes, headers=admin.headers)
        assert response.status_code == 200, response.text

    def delete_account(self, user: TestUser) -> None:
        response = self.http.delete("/users/me", headers=user.headers)
        assert response.status_code == 204, response.text


@pytest.fixture(scope="session")
def auth(auth_service: ServiceProcess) -> Iterator[Auth]:
    helper = Auth(auth_service)
    yield helper
    helper.http.close()


@dataclass
class Cast:
    """The session's users: created once at the real auth service."""

    alice: TestUser
    bob: TestUser
    carol: TestUser  # writes the posts
    moderator: TestUser
    admin: TestUser
    muted: TestUser


@pytest.fixture(scope="session")
def users(auth: Auth) -> Cast:
    admin = auth.create_user("Ada", "Admin")
    auth.make_admin(admin)
    moderator = auth.create_user("Moe", "Moderator")
    auth.administer(admin, moderator, role="moderator")
    muted = auth.create_user("Mute", "Person")
    auth.administer(admin, muted, status="MUTED")
    return Cast(
        alice=auth.create_user("Alice", "Liddell"),
        bob=auth.create_user("Bob", "Builder"),
        carol=auth.create_user("Carol", "Author"),
        moderator=moderator,
        admin=admin,
        muted=muted,
    )


@pytest.fixture(scope="session")
def crowd(auth: Auth) -> list[TestUser]:
    """200 real users for the concurrency tests, created once per session."""
    return [auth.create_user("Crowd", f"Member{i}") for i in range(200)]


# --- this service ----------------------------------------------------------------------------


@pytest.fixture(scope="session")
def settings(auth_service: ServiceProcess) -> InteractionSettings:
    return InteractionSettings(
        environment="test",
        run_workers=False,
        log_json=False,
        auth_url=auth_service.url,
        post_url=NO_POST_SERVICE,
        post_timeout_seconds=1.0,
        # Generous; the rate-limit test lowers it with monkeypatch.
        comments_per_user=(10_000, 60),
    )


@pytest.fixture(scope="session")
def service_definition(settings: InteractionSettings) -> ServiceDefinition:
    return build_definition(settings)


@pytest.fixture(scope="session")
def contracts() -> ContractValidator:
    return ContractValidator(REPO / "contracts")


@pytest.fixture
def ctx(app: FastAPI) -> InteractionContext:
    context: InteractionContext = app.state.resources.context
    return context


@pytest.fixture
def clock(ctx: InteractionContext) -> FrozenClock:
    frozen = FrozenClock()
    ctx.clock = frozen
    return frozen


# --- events ---------------------------------------------------------------------------------


# This service's view of the streams (deliver, drain, published): the chassis's EventBus.
Bus = EventBus


@pytest_asyncio.fixture
async def bus(
    app: FastAPI,
    redis: Redis,
    contracts: ContractValidator,
    settings: InteractionSettings,
    service_definition: ServiceDefinition,
) -> Bus:
    """The service's handlers as the chassis binds them (with its token eviction)."""
    handlers = service_definition.bind_handlers(app.state.resources)
    consumer = EventConsumer(redis, group="interaction", handlers=handlers, block_ms=1)
    await consumer.ensure_groups()
    return EventBus(
        redis, consumer, contracts, database_url=settings.database_url, producer="interaction"
    )


def post_data(
    post_id: str,
    author_id: str,
    *,
    status: str = "POSTED",
    categories: list[str] | None = None,
    updated_at: datetime | None = None,
) -> dict[str, Any]:
    """The data of a ``post_created`` as the post service writes it."""
    when = (updated_at or datetime.now(timezone.utc)).isoformat()
    return {
        "post_id": post_id,
        "author_id": author_id,
        "title": "A post",
        "content": "Something worth reacting to.",
        "categories": ["TECHNOLOGY"] if categories is None else categories,
        "status": status,
        "created_at": when,
        "updated_at": when,
    }


async def create_post(
    bus: Bus,
    author: TestUser,
    *,
    status: str = "POSTED",
    categories: list[str] | None = None,
) -> str:
    """A post, announced to this service by a ``post_created`` event."""
    post_id = str(uuid.uuid4())
    data = post_data(post_id, author.id, status=status, categories=categories)
    await bus.deliver("post_created", data, producer="post")
    return post_id


async def delete_post(bus: Bus, post_id: str, author: TestUser, *, reason: str = "author") -> None:
    await bus.deliver(
        "post_deleted",
        {
            "post_id": post_id,
            "author_id": author.id,
            "categories": ["TECHNOLOGY"],
            "status": "POSTED",
            "reason": reason,
        },
        producer="post",
    )


async def comment(
    client: httpx.AsyncClient,
    user: TestUser,
    post_id: str,
    content: str = "Nice post",
    parent_id: str | None = None,
) -> dict[str, Any]:
    body: dict[str, Any] = {"content": content}
    if parent_id is not None:
        body["parent_id"] = parent_id
    response = await client.post(f"{API}/posts/{post_id}/comments", json=body, headers=user.headers)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created
