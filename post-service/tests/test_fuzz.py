"""Schemathesis over the post service's whole OpenAPI, in process, as a real signed-in user.

The mechanics (checks, examples, the real-ids pass, why not ``from_asgi``'s own
transport) are in ``chassis.testing.fuzz``.

Excluded: none. ``DELETE /api/v1/posts/{post_id}`` is fuzzed: random ids name no post (404), so
it destroys nothing. ``/metrics`` is not in the schema.
"""

from __future__ import annotations

import time

import httpx
from fastapi import FastAPI

from chassis.testing import ServiceProcess, threaded_dependencies
from chassis.testing.fuzz import fuzz, hostile, report
from tests.conftest import create_post, create_user

MAX_EXAMPLES = 15
OPERATIONS = 10  # in the schema, excluded ones included
# (method, path) -> why it is not fuzzed.
EXCLUDED: dict[tuple[str, str], str] = {}


async def test_fuzz_every_operation(
    app: FastAPI, client: httpx.AsyncClient, auth_service: ServiceProcess
) -> None:
    async with httpx.AsyncClient(base_url=auth_service.url, timeout=10) as auth:
        user = await create_user(auth, first_name="Fuzz", last_name="Tester")
    started = time.monotonic()
    post = await create_post(client, user)
    sent = await fuzz(
        app,
        client,
        user.access_token,
        {"post_id": post["id"]},
        excluded=EXCLUDED,
        max_examples=MAX_EXAMPLES,
    )
    elapsed = time.monotonic() - started
    operations = report(sent)
    print(f"fuzzed in {elapsed:.1f}s")
    assert len(operations) == OPERATIONS - len(EXCLUDED)
    assert all(statuses for statuses in sent.values()), sent


async def test_hostile_input_is_a_client_error(
    app: FastAPI, client: httpx.AsyncClient, auth_service: ServiceProcess
) -> None:
    async with httpx.AsyncClient(base_url=auth_service.url, timeout=10) as auth:
        user = await create_user(auth, first_name="Hostile", last_name="Tester")
    post = await create_post(client, user)
    sent = await hostile(app, client, user.access_token, {"post_id": post["id"]}, excluded=EXCLUDED)
    print(f"\n{sum(sum(c.values()) for c in sent.values())} hostile requests")
    assert any("[nested-5000]" in label for label in sent), sent
    assert any("[Application/JSON]" in label for label in sent), sent
    assert any("[cursor year-9999]" in label for label in sent), sent


def test_no_dependency_runs_in_a_worker_thread(app: FastAPI) -> None:
    """Every endpoint and dependency is a coroutine, so no request takes a thread hop."""
    assert threaded_dependencies(app) == set()
