"""Load N posts into a scratch database and EXPLAIN ANALYZE the service's page queries.

Usage: python -m bench.explain 10000 1000000
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys
import time
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import asyncpg
from tortoise import Tortoise

from chassis.db import create_database, migrate
from chassis.pagination import PageParams, encode_cursor, keyset_page
from chassis.tokens import Identity
from post_service.core.service import build_definition
from post_service.core.vocabulary import CATEGORIES, Category
from post_service.posts import lists
from post_service.posts.models import Post
from post_service.posts.queries import hot_expression
from post_service.settings import PostSettings

DATABASE_URL = os.environ.get(
    "POST_BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/social_post_bench"
)
AUTHORS = 10_000
CONNECTIONS = 50  # the reader (author 1) is connected to authors 2..51
WORDS = ["river", "mountain", "city", "bread", "music"]
WORDS += ["code", "garden", "ocean", "forest", "coffee"]

LOAD_AUTHORS = f"""
INSERT INTO post_author (id, first_name, last_name, status, total_connections)
SELECT md5('author' || g)::uuid, 'First' || g, 'Last' || g, 'ACTIVE', {CONNECTIONS}
FROM generate_series(1, {AUTHORS}) g;
INSERT INTO post_connection (user_id, other_id, connected, changed_at)
SELECT md5('author1')::uuid, md5('author' || g)::uuid, true, now()
FROM generate_series(2, {CONNECTIONS + 1}) g
UNION ALL
SELECT md5('author' || g)::uuid, md5('author1')::uuid, true, now()
FROM generate_series(2, {CONNECTIONS + 1}) g;
"""

_words = "ARRAY[" + ",".join(f"'{w}'" for w in WORDS) + "]"
_categories = "ARRAY[" + ",".join(f"'{c}'" for c in CATEGORIES) + "]"
# Posts spread over a year; 90 % POSTED, 7 % DRAFT, 3 % ARCHIVED; two common words each,
# plus a rarer tag word (w0..w4999); engagement random, hot from the service's formula.
LOAD_POSTS = f"""
INSERT INTO post (id, author_id, title, content, categories, status, created_at, updated_at,
                  published_at, listed_at, total_views, total_comments, total_reactions,
                  positive_reactions, hot)
SELECT md5('post' || g)::uuid,
       md5('author' || (1 + g % {AUTHORS}))::uuid,
       'Title ' || g,
       ({_words})[1 + g % 10] || ' ' || ({_words})[1 + (g / 10) % 10]
           || ' lorem ipsum dolor w' || (g % 5000) || ' sit amet ' || g,
       jsonb_build_array(({_categories})[1 + g % 17]),
       CASE WHEN g % 100 < 90 THEN 'POSTED' WHEN g % 100 < 97 THEN 'DRAFT' ELSE 'ARCHIVED' END,
       t.at, t.at, CASE WHEN g % 100 < 90 OR g % 100 >= 97 THEN t.at END, t.at,
       e.views, e.comments, e.reactions, e.positive,
       {hot_expression(positive="e.positive", comments="e.comments", listed_at="t.at")}
FROM generate_series($1::int, $2::int) g
CROSS JOIN LATERAL (SELECT now() - random() * interval '365 days' + g * interval '0' AS at) t
CROSS JOIN LATERAL (
    SELECT (random() * 500)::int + g * 0 AS views, (random() * 20)::int AS comments,
           r AS reactions, (r * 0.8)::int AS positive
    FROM (SELECT (random() * 50)::int + g * 0 AS r) x
) e
"""


class Capture(logging.Handler):
    """Keeps the SQL and parameters Tortoise sends, so EXPLAIN runs exactly that."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.queries: list[tuple[str, list[Any]]] = []

    def emit(self, record: logging.LogRecord) -> None:
        if len(record.args or ()) == 2:
            query, values = record.args  # type: ignore[misc]
            self.queries.append((str(query), list(values or [])))


async def explain(conn: asyncpg.Connection, query: str, values: list[Any]) -> list[str]:
    rows = await conn.fetch(f"EXPLAIN (ANALYZE, BUFFERS) {query}", *values)
    return [row[0] for row in rows]


async def load(conn: asyncpg.Connection, start: int, end: int) -> float:
    started = time.monotonic()
    step = 100_000
    for low in range(start, end + 1, step):
        await conn.execute(LOAD_POSTS, low, min(low + step - 1, end))
    await conn.execute("ANALYZE")
    return time.monotonic() - started


async def cursor_at(conn: asyncpg.Connection, order: str, depth: int) -> str:
    # OFFSET only here, to pick a cursor deep in the list; the service never uses it.
    key = "listed_at" if order == "recent" else "hot"
    row = await conn.fetchrow(
        f"SELECT {key} AS k, id FROM post WHERE status = 'POSTED' "
        f"ORDER BY {key} DESC, id DESC OFFSET $1 LIMIT 1",
        depth,
    )
    return encode_cursor([row["k"], row["id"]])


async def measure(conn: asyncpg.Connection, capture: Capture, size: int) -> None:
    reader = Identity(
        id=uuid.UUID(await conn.fetchval("SELECT md5('author1')")),
        role="user",
        status="ACTIVE",
        claims={},
    )
    depth = size * 8 // 10
    deep_recent = await cursor_at(conn, "recent", depth)
    deep_hot = await cursor_at(conn, "popular", depth)
    feed_rows = await conn.fetch(
        "SELECT p.listed_at, p.id FROM post p JOIN post_connection c ON c.other_id = p.author_id "
        "WHERE c.user_id = $1 AND p.status = 'POSTED' ORDER BY p.listed_at DESC, p.id DESC",
        reader.id,
    )
    feed_deep = encode_cursor(list(feed_rows[len(feed_rows) * 8 // 10])) if feed_rows else None
    F = lists.PostFilters

    cases: list[tuple[str, Callable[[], Awaitable[Any]]]] = [
        ("list, first page", lambda: lists.list_posts(reader, filters=F(), page=PageParams())),
        (
            f"list, page after row {depth}",
            lambda: lists.list_posts(reader, filters=F(), page=PageParams(cursor=deep_recent)),
        ),
        (
            "list sort=popular, first page",
            lambda: lists.list_posts(reader, filters=F(popular=True), page=PageParams()),
        ),
        (
            f"list sort=popular, page after row {depth}",
            lambda: lists.list_posts(
                reader, filters=F(popular=True), page=PageParams(cursor=deep_hot)
            ),
        ),
        (
            "list category=MUSIC",
            lambda: lists.list_posts(reader, filters=F(category=Category.MUSIC), page=PageParams()),
        ),
        (
            "list q=coffee (common word)",
            lambda: lists.list_posts(reader, filters=F(q="coffee"), page=PageParams()),
        ),
        (
            "list q=w1234 (rare word)",
            lambda: lists.list_posts(reader, filters=F(q="w1234"), page=PageParams()),
        ),
        (
            "for comparison: chassis keyset_page (OR form), sort=popular, same deep page",
            lambda: keyset_page(
                Post.filter(status="POSTED", removed_at__isnull=True),
                PageParams(cursor=deep_hot),
                order_by=("-hot", "-id"),
            ),
        ),
        ("feed, first page", lambda: lists.list_feed(reader, page=PageParams())),
        (
            "feed, page 80% deep",
            lambda: lists.list_feed(reader, page=PageParams(cursor=feed_deep)),
        ),
    ]
    print(f"\n######## {size:,} posts ########")
    for name, run in cases:
        capture.queries.clear()
        started = time.perf_counter()
        posts, _ = await run()
        elapsed = (time.perf_counter() - started) * 1000
        query, values = next(q for q in capture.queries if "post" in q[0] and "SELECT" in q[0])
        plan = await explain(conn, query, values)
        print(f"\n=== {name}: {len(posts)} items, service call {elapsed:.1f} ms")
        print(query if len(query) < 600 else query[:600] + " ...")
        print("\n".join(plan))


async def main(sizes: list[int]) -> None:
    settings = PostSettings(database_url=DATABASE_URL)
    definition = build_definition(settings)
    await create_database(DATABASE_URL, drop_first=True)
    await migrate(definition.tortoise_config(), location=definition.migrations_dir)
    conn = await asyncpg.connect(DATABASE_URL)
    await conn.execute(LOAD_AUTHORS)
    await Tortoise.init(config=definition.tortoise_config())
    capture = Capture()
    db_log = logging.getLogger("tortoise.db_client")
    db_log.setLevel(logging.DEBUG)
    db_log.addHandler(capture)
    loaded = 0
    try:
        for size in sizes:
            seconds = await load(conn, loaded + 1, size)
            print(f"loaded posts {loaded + 1:,}..{size:,} in {seconds:.0f} s")
            loaded = size
            await measure(conn, capture, size)
    finally:
        await conn.close()
        await Tortoise.close_connections()


if __name__ == "__main__":
    asyncio.run(main([int(arg) for arg in sys.argv[1:]] or [10_000, 1_000_000]))
