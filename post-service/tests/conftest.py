"""Fixtures for the post service's tests: real Postgres, Redis, and the real auth service.

The auth service runs once per session as a real process (``ServiceProcess``) on its own
database, publishing its events to this suite's Redis database, so ``user_*`` events arrive on
the streams this service consumes. Users are created over its HTTP API.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio
from fastapi import FastAPI
from redis.asyncio import Redis
from tortoise import Tortoise

from chassis.events import Envelope, EventConsumer
from chassis.service import ServiceDefinition
from chassis.testing import (
    ContractValidator,
    ServiceProcess,
    auth_service_process,
    drain,
    publish_event,
    relay_and_read,
)
from post_service.core.context import PostContext
from post_service.core.service import MODEL_MODULES, build_definition
from post_service.settings import PostSettings

os.environ.setdefault("POST_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/social_post_test")
os.environ.setdefault("POST_REDIS_URL", "redis://127.0.0.1:6379/2")

ROOT = Path(__file__).resolve().parents[2]
AUTH_DIR = ROOT / "auth-service"
CONTRACTS_DIR = ROOT / "contracts"
PASSWORD = "correct horse battery staple"
API = "/api/v1"


@pytest.fixture(scope="session")
def auth_service() -> Iterator[ServiceProcess]:
    """The real auth service, publishing to this suite's Redis database."""
    with auth_service_process(ROOT, suite="post", redis_url=os.environ["POST_REDIS_URL"]) as auth:
        yield auth


@pytest.fixture(scope="session")
def settings(auth_service: ServiceProcess) -> PostSettings:
    return PostSettings(
        environment="test",
        run_workers=False,
        log_json=False,
        auth_url=auth_service.url,
        # Generous; the rate-limit test lowers it with monkeypatch.
        create_per_user=(10_000, 60),
    )


@pytest.fixture(scope="session")
def service_definition(settings: PostSettings) -> ServiceDefinition:
    return build_definition(settings)


@pytest.fixture
def orm_models() -> None:
    """The models' relations resolved without any database, so that rule tests can build
    posts in memory (``Post(author_id=...)``)."""
    Tortoise.init_models(MODEL_MODULES, "models")


@pytest.fixture(scope="session")
def contracts() -> ContractValidator:
    return ContractValidator(CONTRACTS_DIR)


@pytest_asyncio.fixture
async def auth(auth_service: ServiceProcess) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client on the real auth service."""
    async with httpx.AsyncClient(base_url=auth_service.url, timeout=10) as client:
        yield client


# --- users ---------------------------------------------------------------------------------


@dataclass
class User:
    id: str
    email: str
    access_token: str
    first_name: str
    last_name: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.access_token}"}

    @property
    def uuid(self) -> uuid.UUID:
        return uuid.UUID(self.id)

    @property
    def display_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


async def create_user(
    auth: httpx.AsyncClient, *, first_name: str = "Test", last_name: str = "User"
) -> User:
    """Sign up and sign in a fresh user at the auth service (a unique email every time: the
    auth database outlives a test)."""
    email = f"{first_name.lower()}-{uuid.uuid4().hex[:12]}@example.com"
    response = await auth.post(
        f"{API}/auth/signup",
        json={
            "email": email,
            "password": PASSWORD,
            "first_name": first_name,
            "last_name": last_name,
            "interests": [],
        },
    )
    assert response.status_code == 201, response.text
    tokens = await auth.post(f"{API}/auth/signin", json={"email": email, "password": PASSWORD})
    assert tokens.status_code == 200, tokens.text
    return User(
        id=response.json()["id"],
        email=email,
        access_token=tokens.json()["access_token"],
        first_name=first_name,
        last_name=last_name,
    )


@pytest.fixture(scope="session")
def admin(auth_service: ServiceProcess) -> User:
    """One admin for the session: signed up over HTTP, promoted with auth's own CLI."""

    async def make() -> User:
        async with httpx.AsyncClient(base_url=auth_service.url, timeout=10) as client:
            return await create_user(client, first_name="Admin", last_name="Root")

    user = asyncio.run(make())
    subprocess.run(
        [str(auth_service.python), "-m", "auth_service", "set-role", user.email, "admin"],
        cwd=AUTH_DIR,
        env=auth_service.env,
        check=True,
        capture_output=True,
    )
    return user


async def administer(
    auth: httpx.AsyncClient, admin: User, user: User, **changes: str
) -> dict[str, Any]:
    """Change a user's role or status as the admin (before the user's token is first used
    here, so no cached identity is stale)."""
    response = await auth.patch(f"{API}/admin/users/{user.id}", json=changes, headers=admin.headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


# --- posts ---------------------------------------------------------------------------------


async def create_post(
    client: httpx.AsyncClient,
    user: User,
    *,
    content: str = "Hello, world",
    title: str | None = "A title",
    categories: list[str] | None = None,
    status: str = "POSTED",
    headers: dict[str, str] | None = None,
) -> dict[str, Any]:
    response = await client.post(
        f"{API}/posts",
        json={
            "title": title,
            "content": content,
            "categories": categories if categories is not None else ["ART"],
            "status": status,
        },
        headers={**user.headers, **(headers or {})},
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


# --- events --------------------------------------------------------------------------------


@pytest.fixture
def resources(app: FastAPI) -> Any:
    return app.state.resources


@pytest.fixture
def ctx(app: FastAPI) -> PostContext:
    """The running service's context, as its handlers get it."""
    context: PostContext = app.state.resources.context
    return context


def make_consumer(app: FastAPI, redis: Redis, name: str = "test") -> EventConsumer:
    """This service's consumer (group ``post``) with its real handlers, bound by the chassis
    (the service's consumers, then its token eviction)."""
    definition = build_definition(app.state.settings)
    return EventConsumer(
        redis,
        group="post",
        handlers=definition.bind_handlers(app.state.resources),
        consumer_name=f"post-{name}",
        block_ms=10,
    )


@pytest_asyncio.fixture
async def consumer(app: FastAPI, redis: Redis) -> EventConsumer:
    events = make_consumer(app, redis)
    await events.ensure_groups()
    return events


async def relay(redis: Redis, settings: PostSettings, event_type: str) -> list[Envelope]:
    """Publish this service's committed outbox rows, then read ``event_type``'s stream."""
    return await relay_and_read(redis, settings.database_url, event_type)


# Deliver contract-valid events as their producers would, and handle them: chassis helpers.
publish = publish_event
__all__ = ["drain", "publish"]


def produced(events: list[Envelope], contracts: ContractValidator) -> list[Envelope]:
    """The service's own events among ``events``, each checked against its contract."""
    mine = [e for e in events if e.producer == "post"]
    for envelope in mine:
        contracts.validate(envelope)
    return mine
