"""A throwaway service that exercises the chassis without any domain of the platform."""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from chassis.contracts import EventTypes
from chassis.db import UnitOfWork
from chassis.errors import BadRequest
from chassis.events import Envelope, Outbox
from chassis.events.registry import Consumers
from chassis.pagination import Page, Pagination, keyset_page
from chassis.ratelimit import RateLimiter
from chassis.service import Resources, ScheduledJob, ServiceDefinition
from chassis.settings import ServiceSettings
from tests.demo.models import Note, Tally

EVENTS = EventTypes(Path(__file__).parent / "contracts")
outbox = Outbox(producer="demo", event_types=EVENTS)
router = APIRouter()


class NoteIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: str = Field(min_length=1, max_length=200)


class NoteOut(BaseModel):
    id: uuid.UUID
    text: str


@router.post("/notes", status_code=201)
async def create_note(body: NoteIn, _: UnitOfWork) -> NoteOut:
    note = await Note.create(id=uuid.uuid4(), text=body.text)
    await outbox.add(EVENTS.note_created, {"note_id": str(note.id), "text": note.text})
    return NoteOut(id=note.id, text=note.text)


@router.post("/notes/fail", status_code=201)
async def create_note_then_fail(body: NoteIn, _: UnitOfWork) -> NoteOut:
    note = await Note.create(id=uuid.uuid4(), text=body.text)
    await outbox.add(EVENTS.note_created, {"note_id": str(note.id), "text": note.text})
    raise BadRequest("the handler failed after writing")


@router.get("/notes")
async def list_notes(page: Pagination) -> Page[NoteOut]:
    rows, cursor = await keyset_page(Note.all(), page)
    return Page(items=[NoteOut(id=n.id, text=n.text) for n in rows], next_cursor=cursor)


@router.get("/limited")
async def limited(request: Request, key: Annotated[str, Query(max_length=50)] = "k") -> dict:
    limiter = RateLimiter(request.app.state.redis, prefix="demo")
    await limiter.hit(key, limit=3, window_seconds=60)
    return {"ok": True}


consumers = Consumers["DemoContext"]()


@dataclass
class DemoContext:
    name: str


@consumers.on(EVENTS.note_created)
async def on_note_created(ctx: DemoContext, event: Envelope) -> None:
    if event.data.get("text") == "poison":
        raise ValueError("handler rejects this data")
    await Tally.create(note_id=event.data["note_id"], consumer=ctx.name)


async def build_context(resources: Resources) -> DemoContext:
    return DemoContext(name="api")


class DemoSettings(ServiceSettings):
    pass


def definition(**overrides: object) -> ServiceDefinition:
    base = os.environ.get("CHASSIS_TEST_POSTGRES", "postgres://postgres@127.0.0.1:5432")
    settings = DemoSettings(
        environment="test",
        database_url=f"{base}/chassis_test",
        redis_url=os.environ.get("CHASSIS_TEST_REDIS", "redis://127.0.0.1:6379/14"),
        log_json=False,
        **overrides,
    )
    return ServiceDefinition(
        name="demo",
        settings=settings,
        model_modules=["tests.demo.models"],
        migrations_dir=Path(__file__).parent / "migrations",
        title="demo",
        routers=[router],
        consumers=consumers,
        build_context=build_context,
        contracts_dir=Path(__file__).parent / "contracts",
        jobs=lambda r: [ScheduledJob(3600, "noop", _noop)],
    )


async def _noop() -> None:
    return None
