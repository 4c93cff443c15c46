"""Fixtures for the engagement service's tests: real Postgres, Redis, and the real auth service.

The auth service runs once per session as a real process (``ServiceProcess``) on its own
database, publishing its events to this suite's Redis database, so its real ``user_*`` events
arrive on the streams this service consumes. Events of the other services are XADDed by the
tests (``Bus.publish``), each validated against its contract first; every envelope the
consumer handles, auth's included, is validated again on its way in.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
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
from chassis.events import Envelope, EventConsumer, Handler, stream_for
from chassis.service import ServiceDefinition
from chassis.testing import ContractValidator, ServiceProcess, auth_service_process, wait_until
from engagement_service.core.context import EngagementContext
from engagement_service.core.service import build_definition, delivery_relay
from engagement_service.notifications.delivery import DeliveryRelay, stream_key
from engagement_service.settings import EngagementSettings
from engagement_service.users.models import User as UserRow
from tests.events import PRODUCERS

os.environ.setdefault(
    "ENGAGEMENT_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/social_engagement_test"
)
os.environ.setdefault("ENGAGEMENT_REDIS_URL", "redis://127.0.0.1:6379/5")

ROOT = Path(__file__).resolve().parents[2]
AUTH_DIR = ROOT / "auth-service"
CONTRACTS_DIR = ROOT / "contracts"
PASSWORD = "correct horse battery staple"
API = "/api/v1"


@pytest.fixture(scope="session")
def auth_service() -> Iterator[ServiceProcess]:
    """The real auth service, publishing to this suite's Redis database."""
    with auth_service_process(
        ROOT, suite="engagement", redis_url=os.environ["ENGAGEMENT_REDIS_URL"]
    ) as auth:
        yield auth


@pytest.fixture(scope="session")
def settings(auth_service: ServiceProcess) -> EngagementSettings:
    return EngagementSettings(
        database_url=os.environ["ENGAGEMENT_DATABASE_URL"],
        redis_url=os.environ["ENGAGEMENT_REDIS_URL"],
        environment="test",
        run_workers=False,
        log_json=False,
        auth_url=auth_service.url,
        sse_heartbeat_seconds=0.3,
        # Slots refreshed every second, pruned after 4 s without one: a killed process's
        # leftovers expire within a test.
        sse_slot_ttl_seconds=4.0,
    )


@pytest.fixture(scope="session")
def service_definition(settings: EngagementSettings) -> ServiceDefinition:
    return build_definition(settings)


@pytest.fixture(scope="session")
def contracts() -> ContractValidator:
    return ContractValidator(CONTRACTS_DIR)


@pytest_asyncio.fixture
async def auth(auth_service: ServiceProcess) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client on the real auth service."""
    async with httpx.AsyncClient(base_url=auth_service.url, timeout=10) as client:
        yield client


@pytest.fixture
def ctx(app: FastAPI) -> EngagementContext:
    context: EngagementContext = app.state.resources.context
    return context


@pytest.fixture
def clock(ctx: EngagementContext) -> FrozenClock:
    frozen = FrozenClock(datetime.now(timezone.utc).replace(microsecond=0))
    ctx.clock = frozen
    return frozen


# --- the event bus ---------------------------------------------------------------------------


@dataclass
class Bus:
    """XADDs contract-valid envelopes and runs this service's real consumer over them."""

    redis: Redis
    consumer: EventConsumer
    relay: DeliveryRelay
    contracts: ContractValidator
    sent: list[Envelope] = field(default_factory=list)

    async def publish(
        self,
        event_type: str,
        data: dict[str, Any],
        *,
        occurred_at: datetime | None = None,
        event_id: uuid.UUID | None = None,
    ) -> Envelope:
        envelope = Envelope(
            event_id=event_id or uuid.uuid4(),
            type=event_type,
            producer=PRODUCERS[event_type],
            data=data,
            occurred_at=occurred_at or datetime.now(timezone.utc),
        )
        self.contracts.validate(envelope)
        await self.redis.xadd(stream_for(event_type), envelope.to_fields())  # type: ignore[arg-type]
        self.sent.append(envelope)
        return envelope

    async def replay(self, envelopes: list[Envelope], *, fresh_ids: bool = False) -> None:
        """Send the same envelopes again: the same ids, or the same facts under new ids."""
        for envelope in envelopes:
            copy = envelope.model_copy(update={"event_id": uuid.uuid4()}) if fresh_ids else envelope
            self.contracts.validate(copy)
            await self.redis.xadd(stream_for(copy.type), copy.to_fields())  # type: ignore[arg-type]

    async def drain(self) -> int:
        """Handle everything on the streams, then publish pending live deliveries."""
        handled = 0
        while True:
            read = await self.consumer.poll_once(block_ms=1)
            if not read:
                break
            handled += read
        errors = await self.redis.hgetall(f"consumer-errors:{self.consumer.group}")
        assert not errors, f"event handler failed: {errors}"
        await self.relay.publish_pending()
        return handled

    async def until(self, probe: Callable[[], Awaitable[Any]], *, timeout: float = 10) -> Any:
        """Drain repeatedly until ``probe`` is truthy (auth's events arrive asynchronously)."""

        async def step() -> Any:
            await self.drain()
            return await probe()

        return await wait_until(step, timeout=timeout)


def validating(handler: Handler, contracts: ContractValidator) -> Handler:
    async def checked(event: Envelope) -> None:
        contracts.validate(event)
        await handler(event)

    return checked


def validated_handlers(
    definition: ServiceDefinition, resources: Any, contracts: ContractValidator
) -> dict[str, Handler]:
    """The service's handlers as the chassis binds them (eviction included), each checking its
    envelope against the contract first."""
    bound = definition.bind_handlers(resources)
    return {t: validating(h, contracts) for t, h in bound.items()}


@pytest_asyncio.fixture
async def bus(
    app: FastAPI,
    redis: Redis,
    contracts: ContractValidator,
    service_definition: ServiceDefinition,
) -> Bus:
    resources = app.state.resources
    consumer = EventConsumer(
        redis,
        group=service_definition.name,
        handlers=validated_handlers(service_definition, resources, contracts),
        block_ms=1,
    )
    await consumer.ensure_groups()
    return Bus(redis=redis, consumer=consumer, relay=delivery_relay(resources), contracts=contracts)


# --- users ------------------------------------------------------------------------------------


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


async def create_user(
    auth: httpx.AsyncClient,
    *,
    first_name: str = "Test",
    last_name: str = "User",
    interests: list[str] | None = None,
) -> User:
    """Sign up and sign in a fresh user at the real auth service (a unique email every time:
    the auth database outlives a test)."""
    email = f"{first_name.lower()}-{uuid.uuid4().hex[:12]}@example.com"
    response = await auth.post(
        f"{API}/auth/signup",
        json={
            "email": email,
            "password": PASSWORD,
            "first_name": first_name,
            "last_name": last_name,
            "interests": interests or [],
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


async def create_users(
    auth: httpx.AsyncClient, bus: Bus, *names: str, interests: dict[str, list[str]] | None = None
) -> list[User]:
    """Users from the real auth service, known here once their ``user_registered`` is consumed."""
    users = [
        await create_user(auth, first_name=name, interests=(interests or {}).get(name))
        for name in names
    ]
    ids = [u.id for u in users]

    async def known() -> bool:
        return await UserRow.filter(id__in=ids).count() == len(ids)

    await bus.until(known)
    return users


async def connect(auth: httpx.AsyncClient, user: User, other: User) -> None:
    """Connect two users at the real auth service (its user_connected lands on our streams)."""
    response = await auth.post(f"{API}/users/{other.id}/connect", headers=user.headers)
    assert response.status_code == 201, response.text


async def stream_entries(redis: Redis, user_id: str) -> list[tuple[str, str, dict[str, Any]]]:
    """(entry id, event, data) on a user's live notification stream."""
    entries: Any = await redis.xrange(stream_key(user_id))
    result = []
    for entry_id, fields in entries:
        decoded = {k.decode(): v.decode() for k, v in fields.items()}
        result.append((entry_id.decode(), decoded["event"], json.loads(decoded["data"])))
    return result
