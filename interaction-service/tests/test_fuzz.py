"""Schemathesis over the interaction service's whole OpenAPI, in process, as a real signed-in user.

The mechanics (checks, examples, the real-ids pass, why not ``from_asgi``'s own
transport) are in ``chassis.testing.fuzz``.

Excluded: none. The deletes (comments, reactions) are fuzzed: random ids name nothing (404).
Unknown posts make the service ask the post service (the fallback): this file runs the real post
service as a process (database ``social_post_for_interaction_fuzz_test``, no workers), since the
suite's default points the fallback at a closed port, where it rightly answers 503. ``/metrics``
is not in the schema."""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Iterator

import httpx
import pytest
from fastapi import FastAPI

from chassis.testing import ServiceProcess, threaded_dependencies
from chassis.testing.fuzz import fuzz, hostile, report
from interaction_service.settings import InteractionSettings
from tests.conftest import REPO, Auth, Bus, TestUser, comment, create_post

MAX_EXAMPLES = 15
POST_DATABASE = "social_post_for_interaction_fuzz_test"
OPERATIONS = 21  # in the schema, excluded ones included
# (method, path) -> why it is not fuzzed.
EXCLUDED: dict[tuple[str, str], str] = {}


@pytest.fixture(scope="module")
def post_service(auth_service: ServiceProcess) -> Iterator[ServiceProcess]:
    """The real post service, for the fallback lookup of posts not known here."""
    env = {
        "POST_DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{POST_DATABASE}",
        "POST_REDIS_URL": os.environ["INTERACTION_REDIS_URL"],
        "POST_AUTH_URL": auth_service.url,
        "POST_ENVIRONMENT": "test",
        "POST_RUN_WORKERS": "false",
    }
    with ServiceProcess(REPO / "post-service", "post_service", "POST_", env) as post:
        yield post


def fuzz_user(auth: Auth) -> TestUser:
    return auth.create_user("Fuzz", "Tester")


async def test_fuzz_every_operation(
    app: FastAPI,
    client: httpx.AsyncClient,
    auth: Auth,
    bus: Bus,
    post_service: ServiceProcess,
    settings: InteractionSettings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(settings, "post_url", post_service.url)
    user = await asyncio.to_thread(fuzz_user, auth)
    token = user.access_token
    started = time.monotonic()
    post_id = await create_post(bus, user)
    created = await comment(client, user, post_id)
    sent = await fuzz(
        app,
        client,
        token,
        {"post_id": post_id, "comment_id": created["id"]},
        excluded=EXCLUDED,
        max_examples=MAX_EXAMPLES,
    )
    elapsed = time.monotonic() - started
    operations = report(sent)
    print(f"fuzzed in {elapsed:.1f}s")
    assert len(operations) == OPERATIONS - len(EXCLUDED)
    assert all(statuses for statuses in sent.values()), sent


async def test_hostile_input_is_a_client_error(
    app: FastAPI, client: httpx.AsyncClient, auth: Auth, bus: Bus
) -> None:
    user = await asyncio.to_thread(fuzz_user, auth)
    post_id = await create_post(bus, user)
    created = await comment(client, user, post_id)
    ids = {"post_id": post_id, "comment_id": created["id"]}
    sent = await hostile(app, client, user.access_token, ids, excluded=EXCLUDED)
    print(f"\n{sum(sum(c.values()) for c in sent.values())} hostile requests")
    assert any("[nested-5000]" in label for label in sent), sent
    assert any("[Application/JSON]" in label for label in sent), sent
    assert any("[cursor year-9999]" in label for label in sent), sent


def test_no_dependency_runs_in_a_worker_thread(app: FastAPI) -> None:
    """Every endpoint and dependency is a coroutine, so no request takes a thread hop."""
    assert threaded_dependencies(app) == set()
