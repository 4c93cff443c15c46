"""Bad input is a 4xx in the platform's one error shape, never a 500."""

from __future__ import annotations

import httpx

from chassis.testing import assert_error
from tests.conftest import API, Bus, create_users


async def test_bad_input_is_a_client_error(
    client: httpx.AsyncClient, auth: httpx.AsyncClient, bus: Bus
) -> None:
    (ann,) = await create_users(auth, bus, "Ann")
    h = ann.headers
    cases = [
        ("GET", "/users/not-a-uuid/activity-profile", 422),
        ("GET", "/users/00000000-0000-0000-0000-000000000000/activity-profile", 404),
        ("GET", "/notifications?limit=1000000000000000000000", 422),
        ("GET", "/notifications?cursor=%00", 422),
        ("GET", "/notifications?unread=%00", 422),
        ("GET", "/recommendations/posts?cursor=" + "A" * 600, 422),
        ("GET", "/recommendations/posts?cursor=WyJ4IiwxLCJ5Il0", 400),
        (
            "GET",
            "/recommendations/posts?cursor=W3siZHQiOiIyMDI2LTAxLTAxVDAwOjAwOjAwIn0sMSwieCJd",
            400,
        ),
        ("GET", "/recommendations/posts?limit=0", 422),
        ("GET", "/recommendations/connections?cursor=WzEsMiwzXQ", 400),
        (
            "GET",
            "/recommendations/connections?cursor=Wzk5OTk5OTk5OTk5OTk5LDAsIjAwMDAwMDAwLTAwMDAtMDAwMC0wMDAwLTAwMDAwMDAwMDAwMCJd",
            400,
        ),
        ("POST", "/notifications/%00/read", 422),
        ("DELETE", "/notifications/123", 422),
    ]
    for method, path, status in cases:
        response = await client.request(method, API + path, headers=h)
        assert_error(response, status)

    # Bodies: oversized → 413 before the app reads it; NUL bytes → 422.
    too_big = await client.post(
        f"{API}/notifications/read-all",
        headers={**h, "Content-Type": "application/json"},
        content=b"{" + b" " * 2_000_000 + b"}",
    )
    assert_error(too_big, 413, "payload_too_large")
    nul = await client.post(
        f"{API}/notifications/read-all",
        headers={**h, "Content-Type": "application/json"},
        content=b'{"a": "\\u0000"}',
    )
    assert_error(nul, 422)


async def test_openapi_documents_every_route_with_a_summary(client: httpx.AsyncClient) -> None:
    response = await client.get("/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    expected = {
        "/api/v1/me/activity-profile": ["get"],
        "/api/v1/users/{user_id}/activity-profile": ["get"],
        "/api/v1/notifications": ["get"],
        "/api/v1/notifications/unread-count": ["get"],
        "/api/v1/notifications/stream": ["get"],
        "/api/v1/notifications/read-all": ["post"],
        "/api/v1/notifications/{notification_id}/read": ["post"],
        "/api/v1/notifications/{notification_id}": ["delete"],
        "/api/v1/recommendations/connections": ["get"],
        "/api/v1/recommendations/connections/{user_id}/dismiss": ["post"],
        "/api/v1/recommendations/posts": ["get"],
    }
    for path, methods in expected.items():
        for method in methods:
            operation = paths[path][method]
            assert operation["summary"] and "\n" not in operation["summary"], path
            assert "401" in operation["responses"], path
    stream = paths["/api/v1/notifications/stream"]["get"]["responses"]["200"]["content"]
    assert "text/event-stream" in stream
