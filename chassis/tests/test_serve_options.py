"""How ``serve`` runs uvicorn, and the bounded Redis pool of a service's resources."""

from __future__ import annotations

import asyncio

import httpx
import pytest
import uvicorn
from fastapi import FastAPI, Request
from redis.asyncio import BlockingConnectionPool
from redis.exceptions import ConnectionError as RedisConnectionError

from chassis.service import service_resources, uvicorn_options
from chassis.settings import ServiceSettings
from chassis.testing import free_port, wait_until
from tests.demo.app import definition


def _peer_app() -> FastAPI:
    app = FastAPI()

    @app.get("/peer")
    async def peer(request: Request) -> dict[str, str | None]:
        return {"host": request.client.host if request.client else None}

    return app


async def _peer_seen(trusted_proxies: str, forwarded_for: str) -> str:
    settings = ServiceSettings(host="127.0.0.1", port=free_port(), trusted_proxies=trusted_proxies)
    config = uvicorn.Config(_peer_app(), lifespan="off", **uvicorn_options(settings))
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    try:
        while not server.started:
            assert not task.done(), "uvicorn exited during start-up"
            await asyncio.sleep(0.02)
        async with httpx.AsyncClient() as client:
            response = await client.get(
                f"http://127.0.0.1:{settings.port}/peer",
                headers={"X-Forwarded-For": forwarded_for},
            )
        assert response.status_code == 200
        return str(response.json()["host"])
    finally:
        server.should_exit = True
        await task


async def test_a_local_client_cannot_choose_its_address_by_default() -> None:
    # uvicorn alone trusts X-Forwarded-For from 127.0.0.1: any local client picked its
    # rate-limit key. With no trusted proxy configured, the peer's address is the client's.
    assert await _peer_seen("", "203.0.113.9") == "127.0.0.1"


@pytest.mark.parametrize("trusted", ["127.0.0.1", "127.0.0.0/8", " 10.0.0.1 , 127.0.0.1 "])
async def test_a_trusted_proxy_passes_the_client_address(trusted: str) -> None:
    assert await _peer_seen(trusted, "203.0.113.9") == "203.0.113.9"


async def test_an_untrusted_peer_is_not_believed() -> None:
    assert await _peer_seen("10.0.0.1", "203.0.113.9") == "127.0.0.1"


def test_options_without_proxies_turn_proxy_headers_off() -> None:
    options = uvicorn_options(ServiceSettings())
    assert options["proxy_headers"] is False
    assert options["forwarded_allow_ips"] is None
    # Long-lived streams must not hold a shutdown forever.
    assert options["timeout_graceful_shutdown"] == 10.0


async def test_redis_pool_is_bounded_and_waits_then_fails() -> None:
    demo = definition(run_workers=False, redis_max_connections=2, redis_pool_timeout_seconds=0.2)
    async with service_resources(demo) as resources:
        pool = resources.redis.connection_pool
        assert isinstance(pool, BlockingConnectionPool)
        assert pool.max_connections == 2
        # Two connections held by blocking reads; a third command waits for the pool and fails
        # like an outage instead of opening connection after connection.
        blockers = [
            asyncio.create_task(resources.redis.blpop(["chassis-test-never"], timeout=3))
            for _ in range(2)
        ]

        async def both_held() -> bool:
            return len(pool._in_use_connections) == 2

        await wait_until(both_held)
        with pytest.raises(RedisConnectionError):
            await resources.redis.ping()
        await asyncio.gather(*blockers)
        assert await resources.redis.ping() is True
