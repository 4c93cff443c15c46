"""Schemathesis over the auth service's whole OpenAPI, in process, as a real signed-in user.

The mechanics (checks, examples, the real-ids pass, why not ``from_asgi``'s own
transport) are in ``chassis.testing.fuzz``.

Excluded:

- ``DELETE /api/v1/users/me``: deletes the fuzzing user, so every later example would be 401.
- ``POST /api/v1/auth/signout``: revokes the fuzzing user's tokens, same effect.

``POST /api/v1/auth/change-password`` stays: a generated current password never matches the
real one (401), so it cannot revoke the tokens either. ``/metrics`` is not in the schema.
"""

from __future__ import annotations

import time

import httpx
from fastapi import FastAPI

from chassis.testing import threaded_dependencies
from chassis.testing.fuzz import fuzz, hostile, report
from tests.conftest import PASSWORD, create_user, signin, signup

MAX_EXAMPLES = 15
OPERATIONS = 24  # in the schema, excluded ones included
# (method, path) -> why it is not fuzzed.
EXCLUDED: dict[tuple[str, str], str] = {
    ("DELETE", "/api/v1/users/me"): "deletes the fuzzing user",
    ("POST", "/api/v1/auth/signout"): "revokes the fuzzing user's tokens",
}


async def test_fuzz_every_operation(app: FastAPI, client: httpx.AsyncClient) -> None:
    assert (await signup(client, "fuzz@example.com", password=PASSWORD)).status_code == 201
    token = (await signin(client, "fuzz@example.com"))["access_token"]
    started = time.monotonic()
    other = await create_user(client, "other@example.com")
    sent = await fuzz(
        app, client, token, {"user_id": other.id}, excluded=EXCLUDED, max_examples=MAX_EXAMPLES
    )
    elapsed = time.monotonic() - started
    operations = report(sent)
    print(f"fuzzed in {elapsed:.1f}s")
    assert len(operations) == OPERATIONS - len(EXCLUDED)
    assert all(statuses for statuses in sent.values()), sent


async def test_hostile_input_is_a_client_error(app: FastAPI, client: httpx.AsyncClient) -> None:
    assert (await signup(client, "hostile@example.com", password=PASSWORD)).status_code == 201
    token = (await signin(client, "hostile@example.com"))["access_token"]
    other = await create_user(client, "other@example.com")
    sent = await hostile(app, client, token, {"user_id": other.id}, excluded=EXCLUDED)
    print(f"\n{sum(sum(c.values()) for c in sent.values())} hostile requests")
    assert any("[nested-5000]" in label for label in sent), sent
    assert any("[Application/JSON]" in label for label in sent), sent
    assert any("[cursor year-9999]" in label for label in sent), sent


def test_no_dependency_runs_in_a_worker_thread(app: FastAPI) -> None:
    """Every endpoint and dependency is a coroutine, so no request takes a thread hop.
    FastAPI's own sign-in form class is the one exception (``/auth/token``, argon2-bound anyway)."""
    assert threaded_dependencies(app) == {"OAuth2PasswordRequestForm"}
