"""ASGI middleware: request id, access log and latency, body-size limit, NUL-byte refusal."""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from chassis.errors import error_body
from chassis.observability import HTTP_LATENCY, request_id_var

logger = logging.getLogger("chassis.http")

_REQUEST_ID_RE = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


# Deeper JSON than this is refused before anyone parses it: no request body of the platform
# nests more than a few levels, and Python's json module recurses (RecursionError, a 500, from
# about 1,000 levels; the checks that walk a parsed document would hit it sooner).
MAX_JSON_DEPTH = 32
# One string token (escapes included) or one bracket; possessive, so it never backtracks.
_JSON_TOKEN = re.compile(rb'"(?:[^"\\]++|\\.)*+"|[\[\]{}]')


class MediaType:
    """A Content-Type read the way Starlette and FastAPI read it: case-insensitive, parameters
    dropped, ``application/<anything>+json`` counted as JSON, and no header as JSON too
    (FastAPI parses a body without one as JSON)."""

    def __init__(self, header: bytes | None) -> None:
        value = (header or b"").decode("latin-1").split(";", 1)[0].strip().lower()
        self.value = value
        main, _, sub = value.partition("/")
        self.is_json = not value or (
            main == "application" and (sub == "json" or sub.endswith("+json"))
        )
        self.is_form = value == "application/x-www-form-urlencoded"


def json_depth_exceeds(body: bytes, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether brackets outside strings nest deeper than ``limit``; linear, no recursion."""
    if body.count(b"[") + body.count(b"{") <= limit:
        return False  # too few brackets to nest that deep: the common case, two C-speed counts
    depth = 0
    for match in _JSON_TOKEN.finditer(body):
        token = match.group()
        if token in (b"[", b"{"):
            depth += 1
            if depth > limit:
                return True
        elif token in (b"]", b"}"):
            depth -= 1
    return False


def contains_nul(document: Any) -> bool:
    """Whether any string (key or value) of a parsed JSON document holds a NUL; iterative."""
    stack = [document]
    while stack:
        value = stack.pop()
        if isinstance(value, str):
            if "\x00" in value:
                return True
        elif isinstance(value, dict):
            stack.extend(value.keys())
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
    return False


async def _send_json(send: Send, status: int, body: dict[str, Any], headers=()) -> None:  # type: ignore[no-untyped-def]
    payload = json.dumps(body).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(payload)).encode()),
                *headers,
            ],
        }
    )
    await send({"type": "http.response.body", "body": payload})


def _route_template(scope: Scope) -> str:
    """The matched route's path template (``/api/v1/users/{user_id}``): a bounded label."""
    # FastAPI keeps the prefixed template of an included router's route here; the route object
    # itself only knows its path inside its router.
    effective = (scope.get("fastapi") or {}).get("effective_route_context")
    path = getattr(effective, "path", None) or getattr(scope.get("route"), "path", None)
    return str(path) if path else "unmatched"


class RequestGuardMiddleware:
    """Outermost middleware.

    - gives every request an id (``X-Request-ID`` in and out) and logs one JSON line per request;
    - records latency by route template;
    - refuses bodies over ``max_body_bytes`` with 413, before the app sees them;
    - refuses NUL bytes in the path, query string or body with 422: Postgres cannot store them,
      and no legitimate client sends them;
    - refuses JSON nested deeper than ``MAX_JSON_DEPTH`` with 400.
    """

    def __init__(self, app: ASGIApp, *, max_body_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = dict(scope["headers"]).get(b"x-request-id", b"").decode("latin-1")
        request_id = incoming if _REQUEST_ID_RE.match(incoming) else uuid.uuid4().hex
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        status_holder = {"status": 500}

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                status_holder["status"] = message["status"]
                headers = list(message.get("headers", []))
                headers.append((b"x-request-id", request_id.encode()))
                message = {**message, "headers": headers}
            await send(message)

        try:
            rejection = self._check_url(scope)
            if rejection:
                await _send_json(send_with_id, 422, rejection)
                return
            body_or_rejection = await self._read_body(scope, receive)
            if isinstance(body_or_rejection, tuple):
                status, payload = body_or_rejection
                await _send_json(send_with_id, status, payload)
                return
            body = body_or_rejection
            sent = False

            async def replay() -> Message:
                nonlocal sent
                if not sent:
                    sent = True
                    return {"type": "http.request", "body": body, "more_body": False}
                return await receive()

            await self.app(scope, replay, send_with_id)
        finally:
            elapsed = time.perf_counter() - started
            route_path = _route_template(scope)
            status = status_holder["status"]
            HTTP_LATENCY.labels(scope["method"], route_path, str(status)).observe(elapsed)
            if route_path not in ("/healthz", "/readyz", "/metrics"):
                logger.info(
                    "request",
                    extra={
                        "method": scope["method"],
                        "path": scope["path"],
                        "status": status,
                        "duration_ms": round(elapsed * 1000, 2),
                    },
                )
            request_id_var.reset(token)

    @staticmethod
    def _check_url(scope: Scope) -> dict[str, Any] | None:
        raw_query: bytes = scope.get("query_string", b"")
        if "\x00" in scope["path"] or b"%00" in raw_query or b"\x00" in raw_query:
            return error_body("validation_error", "NUL bytes are not allowed in the URL")
        return None

    async def _read_body(
        self, scope: Scope, receive: Receive
    ) -> bytes | tuple[int, dict[str, Any]]:
        headers = dict(scope["headers"])
        declared = headers.get(b"content-length")
        too_large = (
            413,
            error_body("payload_too_large", f"Request body exceeds {self.max_body_bytes} bytes"),
        )
        if declared is not None:
            try:
                if int(declared) > self.max_body_bytes:
                    return too_large
            except ValueError:
                return 400, error_body("bad_request", "Invalid Content-Length")
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body_bytes:
                return too_large
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        if body:
            rejection = self._check_body(headers.get(b"content-type"), body)
            if rejection:
                return rejection
        return body

    @staticmethod
    def _check_body(content_type: bytes | None, body: bytes) -> tuple[int, dict[str, Any]] | None:
        nul = 422, error_body("validation_error", "NUL bytes are not allowed in the body")
        if b"\x00" in body:
            return nul
        media = MediaType(content_type)
        if media.is_form and b"%00" in body:
            return nul
        if media.is_json:
            if json_depth_exceeds(body):
                return 400, error_body(
                    "bad_request", f"JSON nested deeper than {MAX_JSON_DEPTH} levels"
                )
            if b"\\u0000" in body:
                # Cheap pre-check passed; decode to tell a real NUL from an escaped backslash.
                try:
                    document = json.loads(body)
                except (ValueError, RecursionError):
                    return None  # malformed JSON: FastAPI answers it itself
                if contains_nul(document):
                    return nul
        return None
