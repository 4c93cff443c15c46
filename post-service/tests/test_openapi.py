"""The OpenAPI document: every route summarised, errors documented, the state machine written
into the PATCH description."""

from __future__ import annotations

import httpx


async def test_openapi_documents_routes_errors_and_transitions(client: httpx.AsyncClient) -> None:
    response = await client.get("/openapi.json")
    assert response.status_code == 200
    document = response.json()
    operations = {
        (method, path): operation
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if path.startswith("/api/v1/")
    }
    assert set(operations) == {
        ("get", "/api/v1/posts/category-choices"),
        ("post", "/api/v1/posts"),
        ("get", "/api/v1/posts"),
        ("get", "/api/v1/posts/feed"),
        ("get", "/api/v1/posts/{post_id}"),
        ("patch", "/api/v1/posts/{post_id}"),
        ("delete", "/api/v1/posts/{post_id}"),
        ("get", "/api/v1/posts/{post_id}/nft"),
    }
    for key, operation in operations.items():
        assert operation["summary"] and not operation["summary"].endswith("."), key
        if key != ("get", "/api/v1/posts/category-choices"):
            assert "401" in operation["responses"], key
    patch = operations[("patch", "/api/v1/posts/{post_id}")]
    assert "POSTED → DRAFT" in patch["description"] and "invalid_transition" in patch["description"]
    assert {"409", "410"} <= set(patch["responses"])
    assert "invalid_transition" in document["info"]["description"]
