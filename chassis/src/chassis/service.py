"""One way to build, run and migrate a service: the app factory, its workers and its CLI.

A service describes itself once with a ``ServiceDefinition`` (settings, models, routers,
event handlers, periodic jobs); ``create_app`` builds the FastAPI app, ``Workers`` runs the
event machinery, and ``main`` offers ``migrate``, ``serve`` and ``worker`` commands.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import signal
import sys
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from fastapi import APIRouter, Depends, FastAPI, Request, Response
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from redis.asyncio import BlockingConnectionPool, Redis
from tortoise import Tortoise, connections

from chassis.contracts import EventTypes, find_contracts
from chassis.db import create_database, make_migrations, migrate, tortoise_config
from chassis.errors import install_error_handlers
from chassis.events.consumer import BatchHook, EventConsumer, Handler
from chassis.events.envelope import stream_for
from chassis.events.models import ProcessedEvent
from chassis.events.outbox import OutboxRelay
from chassis.events.registry import Consumers
from chassis.http import RequestGuardMiddleware
from chassis.observability import configure_logging
from chassis.scheduler import Job, Scheduler
from chassis.schemas import ErrorResponse
from chassis.settings import ServiceSettings
from chassis.tokens import TokenVerifier, token_eviction_handler

logger = logging.getLogger("chassis.service")


@dataclass
class Resources:
    """What a running service holds: built in the lifespan, never at import."""

    settings: ServiceSettings
    redis: Redis
    http: httpx.AsyncClient
    token_verifier: TokenVerifier
    extras: dict[str, Any] = field(default_factory=dict)
    # What ``ServiceDefinition.build_context`` built: the service's typed context.
    context: Any = None


@dataclass
class ScheduledJob:
    every_seconds: float
    name: str
    run: Job


@dataclass
class ServiceDefinition:
    name: str
    settings: ServiceSettings
    model_modules: list[str]
    migrations_dir: Path
    title: str
    description: str = ""
    version: str = "0.1.0"
    routers: list[APIRouter] = field(default_factory=list)
    api_prefix: str = "/api/v1"
    # Event handlers keyed by event type, built once resources exist.
    handlers: Callable[[Resources], dict[str, Handler]] | None = None
    # Called with each batch's envelopes before its handlers (see EventConsumer.before_batch).
    before_batch: Callable[[Resources], BatchHook] | None = None
    # The service's context (settings, clock, limiters...), built once at start-up; routes get
    # it through ``Annotated[MyContext, ContextDep]``, handlers as their first argument.
    build_context: Callable[[Resources], Awaitable[Any]] | None = None
    # The service's event handlers (``chassis.events.registry.Consumers``).
    consumers: Consumers[Any] | None = None
    # Services that verify tokens get the token-cache eviction handlers from the chassis.
    token_check: bool = True
    # Where the event contracts are; by default the nearest contracts/ above the service.
    contracts_dir: Path | None = None
    jobs: Callable[[Resources], list[ScheduledJob]] | None = None
    on_startup: Callable[[Resources], Awaitable[None]] | None = None
    openapi_tags: list[dict[str, Any]] | None = None

    def event_types(self) -> EventTypes:
        return EventTypes(self.contracts_dir or find_contracts(self.migrations_dir.parent))

    def bind_handlers(self, resources: Resources) -> dict[str, Handler]:
        """Every handler of the service with its context bound, plus the chassis's token
        eviction; refuses at start-up a handler for an event type that has no contract."""
        legacy = self.handlers(resources) if self.handlers else {}
        if self.consumers is None:
            return legacy
        types = self.event_types()
        uncontracted = sorted(t for t in [*self.consumers.event_types, *legacy] if t not in types)
        if uncontracted:
            raise RuntimeError(
                f"{self.name}: handlers of events without a contract: {uncontracted}"
            )
        after: dict[str, list[Handler]] = {}
        if self.token_check:
            evict = token_eviction_handler(resources.token_verifier)
            after = {t: [evict] for t in types.evicting_tokens()}
        bound = self.consumers.bind(resources.context, after=after)
        both = sorted(set(bound) & set(legacy))
        if both:
            raise RuntimeError(f"{self.name}: handled twice (consumers and handlers): {both}")
        return {**legacy, **bound}

    def tortoise_config(self) -> dict[str, Any]:
        return tortoise_config(
            self.settings.database_url, self.model_modules, pool_max=self.settings.database_pool_max
        )


class Workers:
    """The outbox relay, the consumer and the scheduler of one service process."""

    def __init__(self, definition: ServiceDefinition, resources: Resources) -> None:
        s = definition.settings
        self.settings = s
        self.relay = OutboxRelay(
            resources.redis,
            database_url=s.database_url,
            batch_size=s.outbox_batch_size,
            sweep_seconds=s.outbox_sweep_seconds,
        )
        handlers = definition.bind_handlers(resources)
        self.consumer = (
            EventConsumer(
                resources.redis,
                group=definition.name,
                handlers=handlers,
                batch_size=s.consumer_batch_size,
                block_ms=s.consumer_block_ms,
                reclaim_idle_ms=s.consumer_reclaim_idle_ms,
                max_deliveries=s.consumer_max_deliveries,
                before_batch=definition.before_batch(resources)
                if definition.before_batch
                else None,
            )
            if handlers
            else None
        )
        self.redis = resources.redis
        self.scheduler = Scheduler()
        self.scheduler.every(s.outbox_sweep_seconds, "outbox-sweep", self._sweep)
        self.scheduler.every(3600, "outbox-prune", self._prune_outbox)
        self.scheduler.every(3600, "processed-events-prune", self._prune_processed)
        self.scheduler.every(3600, "streams-trim", self._trim_streams)
        if self.consumer is not None:
            self.scheduler.every(
                s.consumer_reclaim_every_seconds, "consumer-reclaim", self.consumer.reclaim_once
            )
        for job in definition.jobs(resources) if definition.jobs else []:
            self.scheduler.every(job.every_seconds, job.name, job.run)
        self._stop = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []
        self._published_types: set[str] = set()

    async def _sweep(self) -> None:
        self.relay.wake()
        await self.relay.backlog()

    async def _prune_outbox(self) -> int:
        return await self.relay.prune(
            retention=timedelta(hours=self.settings.outbox_retention_hours)
        )

    async def _prune_processed(self) -> int:
        cutoff = datetime.now(timezone.utc) - timedelta(
            days=self.settings.processed_event_retention_days
        )
        return await ProcessedEvent.filter(processed_at__lt=cutoff).delete()

    async def _trim_streams(self) -> None:
        """Drop stream entries older than the retention, for the event types we produce."""
        conn = connections.get("default")
        rows = await conn.execute_query_dict("SELECT DISTINCT event_type FROM outbox_event")
        cutoff_ms = int(
            (
                datetime.now(timezone.utc) - timedelta(days=self.settings.stream_retention_days)
            ).timestamp()
            * 1000
        )
        for row in rows:
            await self.redis.xtrim(stream_for(row["event_type"]), minid=cutoff_ms, approximate=True)

    async def start(self) -> None:
        self._stop.clear()
        if self.consumer is not None:
            with contextlib.suppress(Exception):
                await self.consumer.ensure_groups()
            self._tasks.append(asyncio.create_task(self.consumer.run(self._stop)))
        self._tasks.append(asyncio.create_task(self.relay.run(self._stop)))
        self._tasks.append(asyncio.create_task(self.scheduler.run(self._stop)))

    async def stop(self) -> None:
        self._stop.set()
        self.relay.wake()
        for task in self._tasks:
            try:
                await asyncio.wait_for(task, timeout=5)
            except (asyncio.TimeoutError, asyncio.CancelledError):
                task.cancel()
            except Exception:
                logger.exception("worker task failed while stopping")
        self._tasks.clear()


@asynccontextmanager
async def service_resources(definition: ServiceDefinition) -> AsyncIterator[Resources]:
    s = definition.settings
    await Tortoise.init(config=definition.tortoise_config(), _enable_global_fallback=True)
    redis = Redis.from_pool(
        BlockingConnectionPool.from_url(
            s.redis_url,
            max_connections=s.redis_max_connections,
            timeout=s.redis_pool_timeout_seconds,
            health_check_interval=30,
        )
    )
    http = httpx.AsyncClient(
        limits=httpx.Limits(max_connections=100, max_keepalive_connections=20),
        timeout=httpx.Timeout(s.auth_timeout_seconds),
    )
    verifier = TokenVerifier(
        auth_url=s.auth_url,
        verify_path=s.auth_verify_path,
        http=http,
        redis=redis,
        cache_seconds=s.token_cache_seconds,
        timeout_seconds=s.auth_timeout_seconds,
    )
    resources = Resources(settings=s, redis=redis, http=http, token_verifier=verifier)
    try:
        yield resources
    finally:
        await http.aclose()
        await redis.aclose()
        await Tortoise.close_connections()


async def start_service(definition: ServiceDefinition, resources: Resources) -> None:
    """Build the service's context (and run its legacy ``on_startup``)."""
    if definition.on_startup:
        await definition.on_startup(resources)
    if definition.build_context:
        resources.context = await definition.build_context(resources)


async def current_context(request: Request) -> Any:
    """The service's context (``ServiceDefinition.build_context``); see ``ContextDep``."""
    return request.app.state.resources.context


# ``Ctx = Annotated[PostContext, ContextDep]`` in a service: its typed context dependency.
ContextDep = Depends(current_context)


@contextlib.contextmanager
def frozen_startup_heap() -> Iterator[None]:
    """Move everything alive after start-up (modules, models, the ML model, the app) out of the
    garbage collector's sight.

    CPython's full collection walks every tracked object; with the start-up heap in it, each one
    stopped the event loop for ~35 ms (post service) to ~75 ms (moderation), and those pauses
    were the feed's p99 under load. What start-up built lives until shutdown; leaving the block
    unfreezes it, so an app started and stopped many times (the tests) leaks nothing. Both are
    constant-time.
    """
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def create_app(definition: ServiceDefinition) -> FastAPI:
    s = definition.settings

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        configure_logging(definition.name, s.log_level, s.log_json)
        async with service_resources(definition) as resources:
            app.state.resources = resources
            app.state.redis = resources.redis
            app.state.token_verifier = resources.token_verifier
            app.state.settings = s
            await start_service(definition, resources)
            app.state.context = resources.context
            workers = Workers(definition, resources) if s.run_workers else None
            app.state.workers = workers
            if workers:
                await workers.start()
            app.openapi()  # built now, so that it is part of the frozen start-up heap
            try:
                with frozen_startup_heap():
                    yield
            finally:
                if workers:
                    await workers.stop()

    app = FastAPI(
        title=definition.title,
        description=definition.description,
        version=definition.version,
        lifespan=lifespan,
        openapi_tags=definition.openapi_tags,
    )
    install_error_handlers(app)
    app.add_middleware(RequestGuardMiddleware, max_body_bytes=s.max_body_bytes)
    app.include_router(operations_router())
    for router in definition.routers:
        _document_routes(router)
        app.include_router(router, prefix=definition.api_prefix)
    return app


def _document_routes(router: APIRouter) -> None:
    """What every route's OpenAPI entry should say without each route repeating it.

    - the one-line docstring becomes the summary (FastAPI would use the function name);
    - a route with a body documents 400: FastAPI answers it (in our error shape) to a body it
      cannot parse at all, such as one that is not UTF-8, before validation.
    """

    for route in router.routes:
        if not isinstance(route, APIRoute):
            continue
        if route.summary is None and route.endpoint.__doc__:
            route.summary = route.endpoint.__doc__.strip().splitlines()[0].rstrip(".")
        if route.body_field is not None and 400 not in route.responses:
            route.responses[400] = {"model": ErrorResponse, "description": "Unparsable body"}


def operations_router() -> APIRouter:
    router = APIRouter(tags=["operations"])

    @router.get("/healthz", summary="Liveness: the process answers")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @router.get("/readyz", summary="Readiness: the database and Redis answer")
    async def readyz(request: Request) -> Any:
        checks: dict[str, str] = {}
        try:
            await connections.get("default").execute_query("SELECT 1")
            checks["database"] = "ok"
        except Exception as exc:
            checks["database"] = f"error: {type(exc).__name__}"
        try:
            await request.app.state.redis.ping()
            checks["redis"] = "ok"
        except Exception as exc:
            checks["redis"] = f"error: {type(exc).__name__}"
        if all(v == "ok" for v in checks.values()):
            return {"status": "ok", "checks": checks}
        return JSONResponse(
            {
                "status": "not_ready",
                "checks": checks,
                "error": {"code": "not_ready", "message": "A dependency is not ready"},
            },
            status_code=503,
        )

    @router.get("/metrics", summary="Prometheus metrics", include_in_schema=False)
    async def metrics() -> Response:
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    return router


async def run_worker(definition: ServiceDefinition) -> None:
    """Run only the workers of a service (``python -m <package>.worker``)."""
    s = definition.settings
    configure_logging(definition.name, s.log_level, s.log_json)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    async with service_resources(definition) as resources:
        await start_service(definition, resources)
        workers = Workers(definition, resources)
        await workers.start()
        logger.info("workers started", extra={"jobs": workers.scheduler.jobs})
        with frozen_startup_heap():
            await stop.wait()
        await workers.stop()


def uvicorn_options(settings: ServiceSettings) -> dict[str, Any]:
    """How ``serve`` runs uvicorn: forwarded headers are believed only from trusted proxies
    (uvicorn's own default trusts 127.0.0.1, which let any local client pick its address)."""
    trusted = [p.strip() for p in settings.trusted_proxies.split(",") if p.strip()]
    return {
        "host": settings.host,
        "port": settings.port,
        "log_config": None,
        "proxy_headers": bool(trusted),
        "forwarded_allow_ips": ",".join(trusted) if trusted else None,
        "timeout_graceful_shutdown": settings.graceful_shutdown_seconds,
    }


def main(
    definition_factory: Callable[[], ServiceDefinition], argv: list[str] | None = None
) -> None:
    """``python -m <package> [migrate|makemigrations NAME|serve|worker|create-db]``."""
    args = sys.argv[1:] if argv is None else argv
    command = args[0] if args else "serve"
    definition = definition_factory()
    s = definition.settings
    if command == "create-db":
        asyncio.run(create_database(s.database_url))
    elif command == "migrate":
        asyncio.run(create_database(s.database_url))
        applied = asyncio.run(
            migrate(definition.tortoise_config(), location=definition.migrations_dir)
        )
        print(f"{definition.name}: applied {len(applied)} migration(s) {applied}")
    elif command == "makemigrations":
        name = args[1] if len(args) > 1 else "update"
        written = asyncio.run(
            make_migrations(
                definition.tortoise_config(), location=definition.migrations_dir, name=name
            )
        )
        print(f"{definition.name}: {written or 'no model changes'}")
    elif command == "serve":
        configure_logging(definition.name, s.log_level, s.log_json)
        uvicorn.run(lambda: create_app(definition_factory()), factory=True, **uvicorn_options(s))
    elif command == "worker":
        asyncio.run(run_worker(definition))
    else:
        print("usage: python -m <package> [migrate|makemigrations NAME|serve|worker|create-db]")
        raise SystemExit(2)
