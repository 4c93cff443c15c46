"""Schemathesis over the engagement service's whole OpenAPI, in process, as a real signed-in user.

The mechanics (checks, examples, the real-ids pass, why not ``from_asgi``'s own
transport) are in ``chassis.testing.fuzz``.

Excluded:

- ``GET /api/v1/notifications/stream``: the live SSE stream never ends on its own; through the
  in-process client every positive example would hang until its timeout.

``DELETE /api/v1/notifications/{notification_id}`` is fuzzed: random ids name nothing (404).
``/metrics`` is not in the schema.
"""

from __future__ import annotations

import time
from typing import Any

import httpx
from fastapi import FastAPI

from chassis.testing import threaded_dependencies
from chassis.testing.fuzz import fuzz, hostile, report
from tests.conftest import API, Bus, create_users

MAX_EXAMPLES = 15
OPERATIONS = 13  # in the schema, excluded ones included
# (method, path) -> why it is not fuzzed.
EXCLUDED: dict[tuple[str, str], str] = {
    ("GET", f"{API}/notifications/stream"): "SSE: never ends on its own",
}


async def test_fuzz_every_operation(
    app: FastAPI, client: httpx.AsyncClient, auth: Any, bus: Bus
) -> None:
    user, other = await create_users(auth, bus, "Fuzz", "Other")
    token = user.access_token
    started = time.monotonic()
    sent = await fuzz(
        app, client, token, {"user_id": other.id}, excluded=EXCLUDED, max_examples=MAX_EXAMPLES
    )
    elapsed = time.monotonic() - started
    operations = report(sent)
    print(f"fuzzed in {elapsed:.1f}s")
    assert len(operations) == OPERATIONS - len(EXCLUDED)
    assert all(statuses for statuses in sent.values()), sent


async def test_hostile_input_is_a_client_error(
    app: FastAPI, client: httpx.AsyncClient, auth: Any, bus: Bus
) -> None:
    user, other = await create_users(auth, bus, "Hostile", "Other")
    sent = await hostile(app, client, user.access_token, {"user_id": other.id}, excluded=EXCLUDED)
    print(f"\n{sum(sum(c.values()) for c in sent.values())} hostile requests")
    assert any("[nested-5000]" in label for label in sent), sent
    assert any("[Application/JSON]" in label for label in sent), sent
    assert any("[cursor year-9999]" in label for label in sent), sent


def test_no_dependency_runs_in_a_worker_thread(app: FastAPI) -> None:
    """Every endpoint and dependency is a coroutine, so no request takes a thread hop."""
    assert threaded_dependencies(app) == set()
