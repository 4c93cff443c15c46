"""Errors have one JSON shape; bad input is a 4xx, never a 500."""

from __future__ import annotations

import httpx
import pytest
from redis.asyncio import Redis

from chassis.errors import RateLimited
from chassis.http import MAX_JSON_DEPTH, MediaType, contains_nul
from chassis.ratelimit import RateLimiter
from chassis.testing import RedisServer
from tests.demo.models import Note


async def test_unknown_route_is_json_404(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v1/nope")
    assert response.status_code == 404
    assert response.json() == {"error": {"code": "not_found", "message": "Not Found"}}


async def test_validation_error_shape_does_not_echo_input(client: httpx.AsyncClient) -> None:
    response = await client.post("/api/v1/notes", json={"text": "", "secret": "hunter2"})
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    locs = [d["loc"] for d in error["details"]]
    assert ["body", "text"] in locs and ["body", "secret"] in locs  # unknown field refused
    assert "hunter2" not in response.text
    assert await Note.all().count() == 0


async def test_oversized_body_is_413_and_writes_nothing(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/api/v1/notes",
        content=b'{"text": "' + b"x" * 2_000_000 + b'"}',
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "payload_too_large"
    assert await Note.all().count() == 0


async def test_chunked_oversized_body_is_413(client: httpx.AsyncClient) -> None:
    async def body():  # no content-length: the limit is counted while reading
        for _ in range(40):
            yield b"x" * 65536

    response = await client.post(
        "/api/v1/notes", content=body(), headers={"content-type": "application/json"}
    )
    assert response.status_code == 413


@pytest.mark.parametrize(
    "payload",
    [b'{"text": "a\\u0000b"}', b'{"text": "a\x00b"}'],
    ids=["escaped", "raw"],
)
async def test_nul_byte_in_body_is_422(client: httpx.AsyncClient, payload: bytes) -> None:
    response = await client.post(
        "/api/v1/notes", content=payload, headers={"content-type": "application/json"}
    )
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "validation_error"
    assert await Note.all().count() == 0


async def test_escaped_backslash_before_u0000_is_not_a_nul(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/api/v1/notes",
        content=b'{"text": "a\\\\u0000b"}',
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 201
    assert response.json()["text"] == "a\\u0000b"


async def test_nul_byte_in_query_is_422(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v1/limited?key=a%00b")
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "validation_error"


async def test_malformed_json_is_422(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/api/v1/notes", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert response.status_code == 422


async def test_request_id_is_echoed_or_made(client: httpx.AsyncClient) -> None:
    given = await client.get("/healthz", headers={"x-request-id": "abc-123"})
    assert given.headers["x-request-id"] == "abc-123"
    made = await client.get("/healthz", headers={"x-request-id": "bad id with spaces"})
    assert made.headers["x-request-id"] != "bad id with spaces"
    assert len(made.headers["x-request-id"]) == 32


async def test_readyz_checks_database_and_redis(client: httpx.AsyncClient) -> None:
    response = await client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "redis": "ok"}}


async def test_metrics_exposes_request_histogram(client: httpx.AsyncClient) -> None:
    await client.get("/healthz")
    await client.get("/api/v1/notes")
    await client.get("/api/v1/nope/123")
    response = await client.get("/metrics")
    assert response.status_code == 200
    assert 'http_request_duration_seconds_count{method="GET",route="/healthz"' in response.text
    # the label is the full route template, and unknown paths share one label
    assert 'route="/api/v1/notes",status="200"' in response.text
    assert 'route="unmatched",status="404"' in response.text
    assert "/api/v1/nope/123" not in response.text


async def test_rate_limit_is_429_with_retry_after(client: httpx.AsyncClient) -> None:
    for _ in range(3):
        assert (await client.get("/api/v1/limited?key=x")).status_code == 200
    response = await client.get("/api/v1/limited?key=x")
    assert response.status_code == 429
    assert 1 <= int(response.headers["retry-after"]) <= 60
    assert response.json()["error"]["code"] == "rate_limited"
    # another key has its own budget
    assert (await client.get("/api/v1/limited?key=y")).status_code == 200


async def test_rate_limiter_fails_open_while_redis_is_down() -> None:

    server = RedisServer()
    server.start()
    client = Redis.from_url(server.url)
    limiter = RateLimiter(client, prefix="t")
    try:
        await limiter.hit("k", limit=1, window_seconds=60)
        with pytest.raises(RateLimited):
            await limiter.hit("k", limit=1, window_seconds=60)
        server.kill()
        # Down: nothing counted, nothing refused, no exception.
        for _ in range(3):
            await limiter.hit("k", limit=1, window_seconds=60)
    finally:
        await client.aclose()
        server.kill()


async def test_body_routes_document_400_and_answer_it_for_an_unparsable_body(
    app: object, client: httpx.AsyncClient
) -> None:
    spec = app.openapi()  # type: ignore[attr-defined]
    assert "400" in spec["paths"]["/api/v1/notes"]["post"]["responses"]
    assert "400" not in spec["paths"]["/api/v1/notes"]["get"]["responses"]
    response = await client.post(
        "/api/v1/notes", content=b"\xff\xfe\xfa", headers={"content-type": "application/json"}
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "bad_request"
    assert await Note.all().count() == 0


def _nested_nul(depth: int) -> bytes:
    return b'{"text": ' + b"[" * depth + b'"a\\u0000b"' + b"]" * depth + b"}"


@pytest.mark.parametrize("depth", [33, 600, 5000, 100_000])
async def test_deeply_nested_json_is_400_not_500(client: httpx.AsyncClient, depth: int) -> None:
    # With an escaped NUL deep inside (the NUL scan used to recurse), and without one (json
    # itself recurses, from about 1,000 levels).
    for body in (_nested_nul(depth), b"[" * depth + b"]" * depth):
        response = await client.post(
            "/api/v1/notes", content=body, headers={"content-type": "application/json"}
        )
        assert response.status_code == 400, response.text
        assert response.json()["error"]["code"] == "bad_request"
        assert "nested" in response.json()["error"]["message"]
    assert await Note.all().count() == 0


async def test_json_nesting_up_to_the_limit_is_parsed(client: httpx.AsyncClient) -> None:
    # 32 levels are allowed: the body reaches validation (422 for a list), not the depth guard.
    depth = MAX_JSON_DEPTH - 1
    body = b'{"text": ' + b"[" * depth + b"1" + b"]" * depth + b"}"
    response = await client.post(
        "/api/v1/notes", content=body, headers={"content-type": "application/json"}
    )
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "validation_error"


async def test_brackets_inside_strings_do_not_count_as_nesting(client: httpx.AsyncClient) -> None:
    text = '[{"\\"' * 30  # brackets, quotes and escapes inside one string
    response = await client.post("/api/v1/notes", json={"text": text})
    assert response.status_code == 201, response.text
    assert response.json()["text"] == text


@pytest.mark.parametrize(
    "content_type",
    [
        "Application/JSON",
        "APPLICATION/JSON; charset=UTF-8",
        " application/json ",
        "application/merge-patch+json",
        "Application/Vnd.Api+JSON",
    ],
)
async def test_nul_guard_ignores_the_letter_case_of_json_content_types(
    client: httpx.AsyncClient, content_type: str
) -> None:
    response = await client.post(
        "/api/v1/notes", content=b'{"text": "a\\u0000b"}', headers={"content-type": content_type}
    )
    assert response.status_code == 422, response.text
    assert response.json()["error"]["message"] == "NUL bytes are not allowed in the body"
    assert await Note.all().count() == 0


async def test_nul_guard_checks_a_body_without_content_type(client: httpx.AsyncClient) -> None:
    # FastAPI parses a body without Content-Type as JSON, so the guard does too.
    request = client.build_request("POST", "/api/v1/notes", content=b'{"text": "a\\u0000b"}')
    assert "content-type" not in request.headers
    response = await client.send(request)
    assert response.status_code == 422, response.text
    assert await Note.all().count() == 0


@pytest.mark.parametrize(
    "content_type",
    ["Application/x-www-form-urlencoded", "APPLICATION/X-WWW-FORM-URLENCODED; charset=utf-8"],
)
async def test_nul_guard_ignores_the_letter_case_of_form_content_types(
    client: httpx.AsyncClient, content_type: str
) -> None:
    response = await client.post(
        "/api/v1/notes", content=b"text=a%00b", headers={"content-type": content_type}
    )
    assert response.status_code == 422
    assert response.json()["error"]["message"] == "NUL bytes are not allowed in the body"


@pytest.mark.parametrize(
    ("header", "json", "form"),
    [
        (None, True, False),
        (b"application/json", True, False),
        (b"Application/Problem+Json; q=1", True, False),
        (b"text/json", False, False),
        (b"application/jsonx", False, False),
        (b"application/x-www-form-urlencoded", False, True),
        (b"multipart/form-data; boundary=x", False, False),
    ],
)
def test_media_type_reads_content_type_like_starlette(
    header: bytes | None, json: bool, form: bool
) -> None:
    media = MediaType(header)
    assert (media.is_json, media.is_form) == (json, form)


def test_contains_nul_walks_deep_documents_without_recursion() -> None:
    document: object = "a\x00"
    for _ in range(100_000):
        document = [document]
    assert contains_nul(document)
    assert not contains_nul({"k": [1, 2.0, None, True, {"x": "y"}]})
    assert contains_nul({"a\x00": 1})
