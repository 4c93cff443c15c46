"""Schemathesis over the moderation service's whole OpenAPI, in process, as a real signed-in user.

The mechanics (checks, examples, the real-ids pass, why not ``from_asgi``'s own
transport) are in ``chassis.testing.fuzz``.

Excluded: none. ``POST /api/v1/analyze`` runs the real analysis on generated text (bounded by its
413 limit). ``/metrics`` is not in the schema.
"""

from __future__ import annotations

import asyncio
import time

import httpx
from fastapi import FastAPI

from chassis.testing import ServiceProcess, threaded_dependencies
from chassis.testing.fuzz import fuzz, hostile, report
from tests.conftest import create_user, make_case

MAX_EXAMPLES = 15
OPERATIONS = 9  # in the schema, excluded ones included
# (method, path) -> why it is not fuzzed.
EXCLUDED: dict[tuple[str, str], str] = {}


async def test_fuzz_every_operation(
    app: FastAPI, client: httpx.AsyncClient, auth_service: ServiceProcess
) -> None:
    user = await asyncio.to_thread(create_user, auth_service, "fuzz", "moderator")
    token = user.access_token
    started = time.monotonic()
    case = await make_case()
    sent = await fuzz(
        app,
        client,
        token,
        {"moderation_id": str(case.id)},
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
    user = await asyncio.to_thread(create_user, auth_service, "hostile", "moderator")
    case = await make_case()
    ids = {"moderation_id": str(case.id)}
    sent = await hostile(app, client, user.access_token, ids, excluded=EXCLUDED)
    print(f"\n{sum(sum(c.values()) for c in sent.values())} hostile requests")
    assert any("[nested-5000]" in label for label in sent), sent
    assert any("[Application/JSON]" in label for label in sent), sent
    assert any("[cursor year-9999]" in label for label in sent), sent


def test_no_dependency_runs_in_a_worker_thread(app: FastAPI) -> None:
    """Every endpoint and dependency is a coroutine, so no request takes a thread hop."""
    assert threaded_dependencies(app) == set()
