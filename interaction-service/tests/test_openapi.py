"""The OpenAPI document: every route has a summary and documents its errors."""

from __future__ import annotations

import httpx


async def test_every_route_is_documented(client: httpx.AsyncClient) -> None:
    response = await client.get("/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    api_routes = [
        (method, path, operation)
        for path, operations in paths.items()
        if path.startswith("/api/v1/")
        for method, operation in operations.items()
    ]
    assert len(api_routes) == 19
    for method, path, operation in api_routes:
        assert operation.get("summary"), (method, path)
        errors = {code for code in operation["responses"] if code.startswith(("4", "5"))}
        if path != "/api/v1/reactions/types":
            assert {"401", "422", "503"} <= errors, (method, path, errors)
    assert paths["/api/v1/{post_id}/view"]["get"]["deprecated"] is True
