"""A real streaming SSE client for the tests: the app served by uvicorn (LiveServer), read with
httpx line by line, through the chassis middleware."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx
from fastapi import FastAPI

from chassis.testing import LiveServer
from tests.conftest import API, User

READ_TIMEOUT = 10.0


@dataclass
class Event:
    id: str | None = None
    event: str | None = None
    data: str | None = None
    comments: list[str] = field(default_factory=list)
    retry: int | None = None

    @property
    def json(self) -> Any:
        return json.loads(self.data or "null")


class SSE:
    """Parses a text/event-stream response into events, one blank-line-terminated block at a
    time (https://html.spec.whatwg.org/multipage/server-sent-events.html)."""

    def __init__(self, response: httpx.Response) -> None:
        self.response = response
        self.lines = response.aiter_lines()

    async def next(self, timeout: float = READ_TIMEOUT) -> Event | None:
        """The next event or comment block; None when the server closed the stream."""
        event = Event()
        seen = False
        while True:
            try:
                line = await asyncio.wait_for(anext(self.lines), timeout)
            except StopAsyncIteration:
                return None
            if line == "":
                if seen:
                    return event
                continue
            seen = True
            name, _, value = line.partition(":")
            value = value[1:] if value.startswith(" ") else value
            if name == "":
                event.comments.append(value)
            elif name == "data":
                event.data = value if event.data is None else f"{event.data}\n{value}"
            elif name == "id":
                event.id = value
            elif name == "event":
                event.event = value
            elif name == "retry":
                event.retry = int(value)

    async def next_event(self, timeout: float = READ_TIMEOUT) -> Event:
        """The next real event, skipping heartbeats; fails after ``timeout`` seconds."""

        async def read() -> Event:
            while True:
                event = await self.next()
                assert event is not None, "stream closed"
                if event.event is not None:
                    return event

        try:
            return await asyncio.wait_for(read(), timeout)
        except asyncio.TimeoutError:
            raise AssertionError(f"no event within {timeout}s") from None

    async def until_end(self, timeout: float = 15.0) -> tuple[list[Event], Event]:
        """Read to the error event that ends the stream: (the events before it, the error);
        asserts that the server then closes the stream. Fails after ``timeout`` seconds (a
        busy stream that never ends would otherwise be read forever)."""
        before: list[Event] = []

        async def read() -> Event:
            while True:
                event = await self.next_event(timeout)
                if event.event == "error":
                    assert await self.next() is None, "the stream goes on after its error"
                    return event
                before.append(event)

        try:
            return before, await asyncio.wait_for(read(), timeout)
        except asyncio.TimeoutError:
            raise AssertionError(
                f"the stream did not end within {timeout}s ({len(before)} events)"
            ) from None


@asynccontextmanager
async def sse(
    server: LiveServer,
    user: User,
    last_event_id: str | None = None,
    *,
    timeout: float = READ_TIMEOUT,
) -> AsyncIterator[SSE]:
    headers = dict(user.headers)
    if last_event_id is not None:
        headers["Last-Event-ID"] = last_event_id
    async with httpx.AsyncClient(base_url=server.url, timeout=timeout) as http:
        async with http.stream("GET", f"{API}/notifications/stream", headers=headers) as response:
            assert response.status_code == 200
            assert response.headers["content-type"].startswith("text/event-stream")
            assert response.headers["x-request-id"]  # through the chassis middleware
            stream = SSE(response)
            hello = await stream.next()
            assert hello is not None and hello.comments == ["connected"] and hello.retry == 3000
            yield stream


@asynccontextmanager
async def served(app: FastAPI) -> AsyncIterator[LiveServer]:
    async with LiveServer(app, lifespan="off") as server:
        yield server


async def refused(server: LiveServer, user: User) -> httpx.Response:
    """A stream request that must be refused before it starts: the (read) error response."""
    async with httpx.AsyncClient(base_url=server.url, timeout=READ_TIMEOUT) as http:
        async with http.stream("GET", f"{API}/notifications/stream", headers=user.headers) as r:
            assert r.status_code != 200, "the stream was accepted"
            await r.aread()
            return r
