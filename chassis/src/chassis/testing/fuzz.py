"""Schemathesis over a service's whole OpenAPI, in process, as a real signed-in user.

Used by every service's ``tests/test_fuzz.py``; needs ``schemathesis`` in that service's dev
requirements. Each operation gets ``max_examples`` positive examples (valid by the schema) and
as many negative ones; each request goes through the test's ``client`` (the app inside its
lifespan, on the test's event loop) with the user's bearer token, and each response must pass
``not_a_server_error``, ``response_schema_conformance``, ``status_code_conformance`` and
``content_type_conformance``. A second pass sends positive examples with the path parameters
named in ``real_ids`` set to resources that exist (deletes left out), to reach past 404s.

Why not ``schemathesis.openapi.from_asgi``'s own transport: it runs the app in a thread of its
own and starts the app's lifespan a second time there, on another event loop than the one the
database pool and Redis client of the ``app`` fixture belong to. Hypothesis runs in a worker
thread instead and hands each request to the test's loop.
"""

from __future__ import annotations

import asyncio
import base64
import re
import uuid
from collections import Counter
from typing import Any

import httpx
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

CHECKS = [
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
    content_type_conformance,
]


def to_httpx(kwargs: dict[str, Any]) -> dict[str, Any]:
    """Schemathesis's requests-style keyword arguments, as ``httpx.AsyncClient.request`` takes."""
    request: dict[str, Any] = {
        "method": kwargs["method"],
        "url": kwargs["url"],
        "headers": dict(kwargs.get("headers") or {}),
        "params": kwargs.get("params"),
    }
    if "json" in kwargs:
        request["json"] = kwargs["json"]
    elif isinstance(kwargs.get("data"), dict):
        request["data"] = kwargs["data"]
    elif kwargs.get("data") is not None:
        request["content"] = kwargs["data"]
    return request


async def fuzz(
    app: FastAPI,
    client: httpx.AsyncClient,
    token: str,
    real_ids: dict[str, str],
    *,
    excluded: dict[tuple[str, str], str],
    max_examples: int = 15,
) -> dict[str, Counter[int]]:
    """Fuzz every operation, then again (positive examples only, deletes left out) with the path
    parameters named in ``real_ids`` set to resources that exist; returns the statuses answered,
    per operation and pass."""
    schema = schemathesis.openapi.from_dict(app.openapi())
    loop = asyncio.get_running_loop()
    auth = {"Authorization": f"Bearer {token}"}
    sent: dict[str, Counter[int]] = {}

    def runner(
        operation: Any, mode: GenerationMode, label: str, path: dict[str, str] | None = None
    ) -> Any:
        @hypothesis_settings(
            max_examples=max_examples,
            deadline=None,
            database=None,
            derandomize=True,
            phases=[Phase.explicit, Phase.generate, Phase.shrink],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy(generation_mode=mode, path_parameters=path))
        def run(case: Any) -> None:
            kwargs = case.as_transport_kwargs(base_url="http://testserver", headers=auth)
            future = asyncio.run_coroutine_threadsafe(client.request(**to_httpx(kwargs)), loop)
            response = future.result(timeout=30)
            sent[label][response.status_code] += 1
            case.validate_response(response, checks=CHECKS, headers=auth)

        return run

    for result in schema.get_all_operations():
        operation = result.ok()
        if (operation.method.upper(), operation.path) in excluded:
            continue
        label = f"{operation.method.upper()} {operation.path}"
        sent[label] = Counter()
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            try:
                await asyncio.to_thread(runner(operation, mode, label))
            except Unsatisfiable:
                # Nothing to make invalid (no parameters, no body): negative mode has no case.
                assert mode is GenerationMode.NEGATIVE, label

    for result in schema.get_all_operations():
        operation = result.ok()
        method = operation.method.upper()
        names = re.findall(r"{(\w+)}", operation.path)
        if (method, operation.path) in excluded or method == "DELETE" or not names:
            continue
        if not all(name in real_ids for name in names):
            continue
        label = f"{method} {operation.path} [real ids]"
        sent[label] = Counter()
        path = {name: real_ids[name] for name in names}
        await asyncio.to_thread(runner(operation, GenerationMode.POSITIVE, label, path))
    return sent


def report(sent: dict[str, Counter[int]]) -> list[str]:
    """Print what was sent per run; return the operations fuzzed (real-id passes left out)."""
    total = sum(sum(statuses.values()) for statuses in sent.values())
    operations = [label for label in sent if "[real ids]" not in label]
    print(f"\n{len(operations)} operations, {len(sent)} runs, {total} examples")
    for label, statuses in sent.items():
        print(f"  {sum(statuses.values()):4d}  {label}  {dict(sorted(statuses.items()))}")
    return operations


# Hostile shapes that schema-driven generation does not produce.
DEEP_JSON = {
    "nested-600-with-nul": b'{"a": ' + b"[" * 600 + b'"x\\u0000"' + b"]" * 600 + b"}",
    "nested-5000": b"[" * 5000 + b"]" * 5000,
    "nested-objects-2000": b'{"a":' * 2000 + b"1" + b"}" * 2000,
}
CASE_VARIANT_BODIES = {
    "Application/JSON": b'{"x": "a\\u0000b"}',
    "APPLICATION/JSON; charset=UTF-8": b'{"x": "a\\u0000b"}',
    "Application/Vnd.Test+JSON": b'{"x": "a\\u0000b"}',
    "Application/x-www-form-urlencoded": b"username=a%00b%40example.com&password=x%00",
    "APPLICATION/X-WWW-FORM-URLENCODED; charset=utf-8": b"x=a%00b",
}


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


_ID = '"00000000-0000-4000-8000-000000000000"'
FORGED_CURSORS = {
    "not-base64": "%%%not base64%%%",
    "not-json": _b64(b"\xff\xfe\x00"),
    "not-a-list": _b64(b'{"a": 1}'),
    "empty-list": _b64(b"[]"),
    "too-long": _b64(b"[1, 2, 3, 4, 5, 6, 7, 8]"),
    "year-1": _b64(f'[{{"dt": "0001-01-01T00:00:00+00:00"}}, 1, {_ID}]'.encode()),
    "year-9999": _b64(f'[{{"dt": "9999-12-31T23:59:59+00:00"}}, 1, {_ID}]'.encode()),
    "huge-int": _b64(f"[{10**100}, {2**64}, 1, {_ID}]".encode()),
    "float-overflow": _b64(f"[true, 1, 1e999, {_ID}]".encode()),
    "nan": _b64(f"[NaN, Infinity, -Infinity, {_ID}]".encode()),
    "nested": _b64(b"[" * 150 + b"]" * 150),
    "nulls": _b64(b"[null, null, null, null]"),
    "wrong-types": _b64(b'["x", true, {"dt": 5}, 12]'),
}


async def hostile(
    app: FastAPI,
    client: httpx.AsyncClient,
    token: str,
    real_ids: dict[str, str],
    *,
    excluded: dict[tuple[str, str], str],
) -> dict[str, Counter[int]]:
    """Send every operation deep-nested JSON, NUL-carrying bodies under case-variant content
    types, and (where it takes ``cursor``) forged cursors. Each answer must be a 4xx in the
    platform's error shape; a forged cursor must be 400 ``invalid_cursor`` unless the route
    refuses the caller or the resource first (401, 403, 404). Returns the statuses answered per
    operation."""
    auth = {"Authorization": f"Bearer {token}"}
    sent: dict[str, Counter[int]] = {}

    def expect_client_error(label: str, response: httpx.Response, code: str | None = None) -> None:
        sent.setdefault(label, Counter())[response.status_code] += 1
        assert 400 <= response.status_code < 500, (label, response.status_code, response.text)
        body = response.json()
        assert set(body) == {"error"} and isinstance(body["error"]["code"], str), (label, body)
        if code is not None and response.status_code not in (401, 403, 404):
            assert (response.status_code, body["error"]["code"]) == (400, code), (label, body)

    for path, methods in app.openapi()["paths"].items():
        names = re.findall(r"{(\w+)}", path)
        url = path
        for name in names:
            url = url.replace(f"{{{name}}}", real_ids.get(name, str(uuid.uuid4())))
        for method, operation in methods.items():
            method = method.upper()
            if (method, path) in excluded:
                continue
            label = f"{method} {path}"
            if method in ("POST", "PUT", "PATCH"):
                for shape, body in DEEP_JSON.items():
                    response = await client.request(
                        method,
                        url,
                        content=body,
                        headers={**auth, "Content-Type": "application/json"},
                    )
                    expect_client_error(f"{label} [{shape}]", response)
                for content_type, body in CASE_VARIANT_BODIES.items():
                    response = await client.request(
                        method, url, content=body, headers={**auth, "Content-Type": content_type}
                    )
                    expect_client_error(f"{label} [{content_type}]", response)
            parameters = {p["name"] for p in operation.get("parameters", []) if p["in"] == "query"}
            if "cursor" in parameters:
                for shape, cursor in FORGED_CURSORS.items():
                    response = await client.request(
                        method, url, params={"cursor": cursor}, headers=auth
                    )
                    expect_client_error(f"{label} [cursor {shape}]", response, "invalid_cursor")
    return sent
