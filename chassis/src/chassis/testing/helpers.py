"""Helpers for tests that talk to real Postgres, Redis and HTTP servers."""

from __future__ import annotations

import asyncio
import inspect
import json
import os
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Awaitable, Callable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Literal, TypeVar

import jsonschema
import uvicorn
from fastapi.routing import APIRoute
from redis.asyncio import Redis

from chassis.events.envelope import Envelope, stream_for
from chassis.events.models import OutboxEvent
from chassis.events.outbox import OutboxRelay

T = TypeVar("T")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def read_events(redis: Redis, event_type: str) -> list[Envelope]:
    """Every envelope on the stream of ``event_type``, oldest first."""
    entries: Any = await redis.xrange(stream_for(event_type))
    return [
        Envelope.from_fields(
            {
                (k.decode() if isinstance(k, bytes) else k): (
                    v.decode() if isinstance(v, bytes) else v
                )
                for k, v in fields.items()
            }
        )
        for _id, fields in entries
    ]


async def wait_until(
    probe: Callable[[], Awaitable[T]], *, timeout: float = 5.0, interval: float = 0.02
) -> T:
    """Poll ``probe`` until it returns a truthy value; fail the test after ``timeout``."""
    deadline = time.monotonic() + timeout
    while True:
        value = await probe()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout}s (last value: {value!r})")
        await asyncio.sleep(interval)


class ContractValidator:
    """Validates envelopes against the JSON Schemas in ``contracts/events``."""

    def __init__(self, contracts_dir: Path) -> None:
        self.contracts_dir = contracts_dir

    def schema_for(self, event_type: str, version: int = 1) -> dict[str, Any]:
        path = self.contracts_dir / "events" / f"{event_type}.v{version}.json"
        if not path.exists():
            raise AssertionError(f"no contract for {event_type} v{version} at {path}")
        loaded: dict[str, Any] = json.loads(path.read_text())
        return loaded

    def validate(self, envelope: Envelope | dict[str, Any]) -> None:

        doc = envelope.as_json() if isinstance(envelope, Envelope) else envelope
        schema = self.schema_for(doc["type"], int(doc.get("version", 1)))
        jsonschema.Draft202012Validator(
            schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
        ).validate(doc)


class LiveServer:
    """Serve an ASGI app with uvicorn on a loopback port, inside the running event loop.

    ``lifespan="off"`` serves an app whose lifespan the test already runs. ``stop`` and
    ``start`` again on the same port simulate an outage and a recovery.
    """

    def __init__(
        self, app: Any, port: int | None = None, *, lifespan: Literal["on", "off"] = "on"
    ) -> None:
        self.app = app
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.lifespan = lifespan
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        config = uvicorn.Config(
            self.app, host="127.0.0.1", port=self.port, log_config=None, lifespan=self.lifespan
        )
        self.server = uvicorn.Server(config)
        self._task = asyncio.create_task(self.server.serve())
        deadline = time.monotonic() + 15
        while not self.server.started:
            if self._task.done():
                self._task.result()
                raise RuntimeError("server exited during start-up")
            if time.monotonic() > deadline:
                raise RuntimeError("server did not start")
            await asyncio.sleep(0.02)

    async def stop(self) -> None:
        if self._task is None:
            return
        self.server.should_exit = True
        await self._task
        self._task = None

    async def __aenter__(self) -> LiveServer:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()


class RedisServer:
    """A private redis-server on a free port, which a test may kill and restart."""

    def __init__(self, *, appendonly: bool = False, directory: Path | None = None) -> None:

        binary = shutil.which("redis-server")
        if binary is None:
            raise RuntimeError("redis-server is not installed")
        self.binary = binary
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.directory = directory or Path(tempfile.mkdtemp(prefix="redis-test-"))
        self.appendonly = appendonly
        self.process: Any = None

    def start(self) -> None:
        args = [
            self.binary,
            "--port", str(self.port),
            "--bind", "127.0.0.1",
            "--save", "",
            "--dir", str(self.directory),
            "--appendonly", "yes" if self.appendonly else "no",
            "--appendfsync", "always" if self.appendonly else "everysec",
        ]  # fmt: skip
        self.process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2) as s:
                    s.sendall(b"PING\r\n")
                    if s.recv(16).startswith(b"+PONG"):
                        return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def kill(self) -> None:
        """SIGKILL: no shutdown save, as in a crash."""
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process = None

    def __enter__(self) -> RedisServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.kill()


async def relay_and_read(redis: Redis, database_url: str, event_type: str) -> list[Envelope]:
    """Publish every pending outbox row (as the relay would), then read ``event_type``'s stream."""

    await OutboxRelay(redis, database_url=database_url).publish_pending()
    return await read_events(redis, event_type)


def threaded_dependencies(app: Any) -> set[str]:
    """Names of the app's endpoints and dependencies that FastAPI will run in a worker thread.

    FastAPI runs any callable that is not a coroutine function (a class used as ``Depends()``
    included) through a thread pool: a thread hop per request, measured as a few percent of a
    feed request's CPU. Services keep their request path free of them; a test asserts this.
    """

    def is_async(call: Any) -> bool:
        if inspect.isclass(call):
            return False
        if inspect.iscoroutinefunction(call) or inspect.isasyncgenfunction(call):
            return True
        dunder = type(call).__call__  # an instance such as HTTPBearer()
        return inspect.iscoroutinefunction(dunder) or inspect.isasyncgenfunction(dunder)

    def routes(entries: list[Any]) -> Any:
        for route in entries:
            if isinstance(route, APIRoute):
                yield route
            elif hasattr(route, "original_router"):  # an included router (FastAPI >= 0.16x)
                yield from routes(route.original_router.routes)
            elif hasattr(route, "routes"):
                yield from routes(route.routes)

    found: set[str] = set()

    def walk(dependant: Any) -> None:
        for sub in dependant.dependencies:
            if sub.call is not None and not is_async(sub.call):
                found.add(getattr(sub.call, "__qualname__", repr(sub.call)))
            walk(sub)

    for route in routes(list(app.routes)):
        if not is_async(route.endpoint):
            found.add(route.endpoint.__qualname__)
        walk(route.dependant)
    return found


def assert_error(response: Any, status: int, code: str | None = None) -> None:
    """The response is an error of ``status`` in the platform's one JSON shape."""
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"}, body
    assert isinstance(body["error"]["code"], str)
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    if code is not None:
        assert body["error"]["code"] == code, body


async def outbox_rows(event_type: str) -> list[Any]:
    """This service's outbox rows of ``event_type``, oldest first."""

    return await OutboxEvent.filter(event_type=event_type).order_by("id")


class ServiceProcess:
    """Another service of the platform, run as a real process from its own folder and venv.

    Used by a service's tests to talk to the real auth service over HTTP. The database named
    in ``env`` is created and migrated first; the process is stopped on exit.
    """

    def __init__(
        self, service_dir: Path, package: str, env_prefix: str, env: dict[str, str]
    ) -> None:
        self.service_dir = service_dir
        self.package = package
        self.python = service_dir / ".venv" / "bin" / "python"
        if not self.python.exists():
            raise RuntimeError(f"{self.python} is missing: run `make install` first")
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"

        self.env = {
            **os.environ,
            f"{env_prefix}HOST": "127.0.0.1",
            f"{env_prefix}PORT": str(self.port),
            f"{env_prefix}LOG_JSON": "false",
            **env,
        }
        self.process: Any = None
        self.log_path = Path(f"/tmp/{package}-{self.port}.log")  # noqa: S108

    def start(self) -> None:
        subprocess.run(
            [str(self.python), "-m", self.package, "migrate"],
            cwd=self.service_dir, env=self.env, check=True, capture_output=True,
        )  # fmt: skip
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [str(self.python), "-m", self.package, "serve"],
            cwd=self.service_dir, env=self.env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.package} exited: {self.log_path.read_text()[-2000:]}")
            try:
                with urllib.request.urlopen(f"{self.url}/readyz", timeout=1) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"{self.package} did not become ready")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except Exception:
                self.process.kill()
            self.process = None

    def __enter__(self) -> ServiceProcess:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


async def drain(consumer: Any) -> int:
    """Handle every entry waiting on the consumer's streams; returns how many were read."""
    total = 0
    while (read := await consumer.poll_once(block_ms=1)) > 0:
        total += read
    return total


async def publish_event(
    redis: Redis,
    contracts: ContractValidator,
    event_type: str,
    data: dict[str, Any],
    *,
    producer: str,
    occurred_at: Any = None,
) -> Envelope:
    """Put an event on its stream as its producer would, after checking it against its contract."""

    envelope = Envelope(
        type=event_type,
        producer=producer,
        data=data,
        occurred_at=occurred_at or datetime.now(timezone.utc),
    )
    contracts.validate(envelope)
    await redis.xadd(stream_for(event_type), envelope.to_fields())  # type: ignore[arg-type]
    return envelope


class EventBus:
    """The streams as one service sees them in its tests: deliver events to its consumer and
    read what it published. Every envelope going either way is checked against its contract."""

    def __init__(
        self,
        redis: Redis,
        consumer: Any,
        contracts: ContractValidator,
        *,
        database_url: str,
        producer: str,
    ) -> None:
        self.redis = redis
        self.consumer = consumer
        self.contracts = contracts
        self.database_url = database_url
        self.producer = producer

    async def publish(self, event_type: str, data: dict[str, Any], *, producer: str,
                      occurred_at: Any = None) -> Envelope:  # fmt: skip
        """XADD a contract-valid event without handling it yet."""
        return await publish_event(
            self.redis, self.contracts, event_type, data, producer=producer, occurred_at=occurred_at
        )

    async def deliver(self, event_type: str, data: dict[str, Any], *, producer: str,
                      occurred_at: Any = None) -> Envelope:  # fmt: skip
        """XADD a contract-valid event and let the consumer handle everything pending."""
        envelope = await self.publish(event_type, data, producer=producer, occurred_at=occurred_at)
        await self.drain()
        return envelope

    async def drain(self) -> int:
        """Handle everything on the streams; fail if any handler raised."""
        read = await drain(self.consumer)
        errors = await self.redis.hgetall(f"consumer-errors:{self.consumer.group}")
        assert not errors, errors
        return read

    async def published(self, event_type: str) -> list[Envelope]:
        """Relay this service's outbox, then every envelope of ``event_type``, each validated."""
        envelopes = await relay_and_read(self.redis, self.database_url, event_type)
        for envelope in envelopes:
            assert envelope.producer == self.producer, envelope
            self.contracts.validate(envelope)
        return envelopes


def auth_service_process(repo_root: Path, *, suite: str, redis_url: str) -> ServiceProcess:
    """The platform's real auth service, for another service's test suite.

    It gets its own database (``social_auth_for_<suite>_test``) and publishes to the suite's
    Redis database, so its real user events reach the suite's consumers. Rate limits are out
    of the way, and password hashing is cheap: hashing strength is auth's own concern, and
    suites that create hundreds of users would spend most of their time in argon2.
    """
    env = {
        "AUTH_DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/social_auth_for_{suite}_test",
        "AUTH_REDIS_URL": redis_url,
        "AUTH_ENVIRONMENT": "test",
        "AUTH_SIGNUP_PER_IP": "[100000, 60]",
        "AUTH_SIGNIN_PER_IP": "[100000, 60]",
        "AUTH_SIGNIN_PER_EMAIL": "[100000, 60]",
        "AUTH_ARGON2_MEMORY_KIB": "1024",
        "AUTH_ARGON2_TIME_COST": "1",
    }
    return ServiceProcess(repo_root / "auth-service", "auth_service", "AUTH_", env)
