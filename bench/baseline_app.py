"""The bare baseline: FastAPI + asyncpg, no auth, no ORM, no events, the post service's feed SQL.

`uvicorn bench.baseline_app:app --port 8101` with `BASELINE_DATABASE_URL` pointing at the post
service's database. The same page query as `post_service.posts.queries.feed_rows` (called by
`posts.lists.list_feed`), then the same
post rows loaded by id, returned as JSON.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import asyncpg
from fastapi import FastAPI

DATABASE_URL = os.environ.get(
    "BASELINE_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/social_post"
)

FEED = """
    SELECT p.id, p.listed_at AS k FROM post_connection c
    CROSS JOIN LATERAL (
        SELECT p.id, p.listed_at FROM post p
        WHERE p.author_id = c.other_id AND p.status = 'POSTED' AND p.removed_at IS NULL
        ORDER BY p.listed_at DESC, p.id DESC
        LIMIT $2
    ) p
    WHERE c.user_id = $1 AND c.connected
    ORDER BY p.listed_at DESC, p.id DESC
    LIMIT $2
"""
ROWS = """
    SELECT p.id, p.title, p.content, p.categories, p.status, p.author_id, p.created_at,
           p.updated_at, p.total_views, p.total_comments, p.total_reactions,
           a.first_name, a.last_name
    FROM post p JOIN post_author a ON a.id = p.author_id
    WHERE p.id = ANY($1::uuid[])
"""


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    app.state.pool = await asyncpg.create_pool(DATABASE_URL, min_size=2, max_size=10)
    yield
    await app.state.pool.close()


app = FastAPI(lifespan=lifespan)


@app.get("/feed")
async def feed(user_id: str, limit: int = 20) -> dict[str, Any]:
    async with app.state.pool.acquire() as conn:
        page = await conn.fetch(FEED, user_id, limit + 1)
        ids = [row["id"] for row in page[:limit]]
        rows = {r["id"]: r for r in await conn.fetch(ROWS, ids)}
    items = [
        {**dict(rows[i]), "id": str(i), "author_id": str(rows[i]["author_id"])}
        for i in ids
    ]
    return {
        "items": items,
        "next_cursor": None if len(page) <= limit else str(page[limit]["id"]),
    }
