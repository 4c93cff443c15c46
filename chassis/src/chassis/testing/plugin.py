"""Pytest fixtures for a service's tests, against real Postgres and Redis.

A service's ``tests/conftest.py`` provides one fixture, ``service_definition`` (session scope),
returning its ``ServiceDefinition`` with test settings (a ``*_test`` database, its own Redis
database number, ``run_workers`` as the test needs). This plugin then gives:

- ``migrated_database``: the test database dropped, re-created and migrated once per session,
  with the same migrations as production;
- ``redis``: a client on the test Redis database, flushed before each test;
- ``app``: the FastAPI app inside its lifespan, on a truncated database;
- ``client``: an ``httpx.AsyncClient`` on that app.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import pytest_asyncio
from redis.asyncio import Redis

from chassis.db import create_database, migrate, truncate_all
from chassis.service import create_app


@pytest.fixture(scope="session")
def migrated_database(service_definition: Any) -> str:
    definition = service_definition
    url = definition.settings.database_url
    if not url.rstrip("/").endswith("_test"):
        raise RuntimeError(f"refusing to use a non-test database for tests: {url}")
    asyncio.run(create_database(url, drop_first=True))
    asyncio.run(migrate(definition.tortoise_config(), location=definition.migrations_dir))
    return str(url)


@pytest_asyncio.fixture
async def redis(service_definition: Any) -> AsyncIterator[Redis]:
    client = Redis.from_url(service_definition.settings.redis_url)
    await client.flushdb()
    try:
        yield client
    finally:
        await client.aclose()


@pytest_asyncio.fixture
async def clean_database(migrated_database: str) -> str:
    await truncate_all(migrated_database)
    return migrated_database


@pytest_asyncio.fixture
async def app(service_definition: Any, clean_database: str, redis: Redis) -> AsyncIterator[Any]:

    application = create_app(service_definition)
    async with application.router.lifespan_context(application):
        yield application


@pytest_asyncio.fixture
async def client(app: Any) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        yield c
