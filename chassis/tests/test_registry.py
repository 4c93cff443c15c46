"""Handlers are registered through the chassis: typed context, contract check, token eviction."""

from __future__ import annotations

import dataclasses
import uuid
from pathlib import Path

import pytest
from redis.asyncio import Redis

from chassis.contracts import EventTypes, event_types, find_contracts
from chassis.events import Envelope, EventConsumer, stream_for
from chassis.events.registry import Consumers
from chassis.service import ServiceDefinition
from chassis.testing import drain
from chassis.tokens import Identity
from tests.demo.app import EVENTS, DemoContext
from tests.demo.models import Tally

REPO_CONTRACTS = Path(__file__).resolve().parents[2] / "contracts"


def test_event_types_come_from_the_contract_files() -> None:
    assert EVENTS.note_created == "note_created"
    assert list(EVENTS) == ["note_created"]
    with pytest.raises(AttributeError, match="no contract for event type 'note_craeted'"):
        _ = EVENTS.note_craeted


def test_the_platform_contracts_say_which_events_evict_tokens() -> None:
    platform = event_types(REPO_CONTRACTS.parent)
    assert find_contracts(Path(__file__).parent) == REPO_CONTRACTS
    assert platform.evicting_tokens() == ["user_tokens_revoked", "user_updated"]
    assert "post_created" in platform and "post_craeted" not in platform


def test_a_handler_for_an_event_without_a_contract_fails_at_start_up(
    service_definition: ServiceDefinition, app: object
) -> None:
    resources = app.state.resources  # type: ignore[attr-defined]
    stray: Consumers[DemoContext] = Consumers()

    @stray.on("note_deleted")  # no contract: refused when the service starts
    async def on_note_deleted(ctx: DemoContext, event: Envelope) -> None:
        pass

    broken = dataclasses.replace(service_definition, consumers=stray)
    with pytest.raises(RuntimeError, match=r"without a contract: \['note_deleted'\]"):
        broken.bind_handlers(resources)


def test_several_handlers_of_one_type_run_in_order() -> None:
    first: Consumers[list[str]] = Consumers()
    second: Consumers[list[str]] = Consumers()

    @first.on(EVENTS.note_created)
    async def a(ctx: list[str], event: Envelope) -> None:
        ctx.append("a")

    @second.on(EVENTS.note_created)
    async def b(ctx: list[str], event: Envelope) -> None:
        ctx.append("b")

    merged = Consumers.merge(first, second)
    assert merged.handlers_for(EVENTS.note_created) == [a, b]


async def test_handlers_get_the_context_and_the_chassis_evicts_tokens(
    service_definition: ServiceDefinition, app: object, redis: Redis
) -> None:
    """The demo's note_created contract carries x-evicts-tokens: its handler runs with the
    service's context, then the chassis drops the named user's cached tokens."""
    resources = app.state.resources  # type: ignore[attr-defined]
    verifier = resources.token_verifier
    user_id = str(uuid.uuid4())
    identity = Identity(id=user_id, role="USER", status="ACTIVE")
    await verifier._cache_put("digest-1", "not-a-jwt", identity)
    assert await verifier._cache_get("digest-1") == identity

    consumer = EventConsumer(
        redis, group="demo", handlers=service_definition.bind_handlers(resources), block_ms=10
    )
    await consumer.ensure_groups()
    note_id = str(uuid.uuid4())
    event = Envelope(
        type=EVENTS.note_created,
        producer="test",
        data={"note_id": note_id, "text": "hi", "user_id": user_id},
    )
    await redis.xadd(stream_for(event.type), event.to_fields())  # type: ignore[arg-type]
    assert await drain(consumer) == 1
    assert await Tally.filter(note_id=note_id, consumer="api").count() == 1  # ctx.name
    assert await verifier._cache_get("digest-1") is None


async def test_a_service_without_the_token_check_gets_no_eviction(
    service_definition: ServiceDefinition, app: object
) -> None:
    resources = app.state.resources  # type: ignore[attr-defined]
    verifier = resources.token_verifier
    user_id = str(uuid.uuid4())
    identity = Identity(id=user_id, role="USER", status="ACTIVE")
    await verifier._cache_put("digest-2", "not-a-jwt", identity)
    without = dataclasses.replace(service_definition, token_check=False).bind_handlers(resources)
    event = Envelope(
        type=EVENTS.note_created,
        producer="test",
        data={"note_id": str(uuid.uuid4()), "text": "hi", "user_id": user_id},
    )
    await without[EVENTS.note_created](event)
    assert await verifier._cache_get("digest-2") == identity


def test_event_types_refuse_badly_named_contract_files(tmp_path: Path) -> None:
    (tmp_path / "events").mkdir()
    (tmp_path / "events" / "Bad-Name.json").write_text("{}")
    with pytest.raises(ValueError, match="not named"):
        EventTypes(tmp_path)
