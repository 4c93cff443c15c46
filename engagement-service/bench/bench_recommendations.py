"""Time both recommendation endpoints on realistic projections, next to a bare baseline.

    cd engagement-service && .venv/bin/python -m bench.bench_recommendations [--calls 300]

What it does:

1. drops and re-creates the scratch database ``social_engagement_bench`` (never a real one),
   migrates it with the service's own migrations, and fills the projections with
   ``generate_series``: 10,000 users (2-3 declared interests each), ~50 connections per user
   (each user connects to 25 others near them, so friends of friends overlap as in real
   communities), 100,000 posts (90 % POSTED, 1-2 categories, published over 60 days), 500,000
   counted views, 200,000 reactions and 50,000 comments (live activity items), the posts'
   popularity and everyone's interest counters derived from those items;
2. serves the real app in-process (ASGI, the full middleware stack) with the token check
   replaced by a stub that trusts ``Authorization: Bearer <user id>`` (auth is not what is
   measured);
3. times ``--calls`` requests to each endpoint for random users, plus two baselines in the same
   run: a trivial indexed SELECT by primary key, and ``GET /healthz`` through the same stack;
4. prints p50 / p99 / max and the EXPLAIN ANALYZE of both queries for one user.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime, timezone
from typing import Any

import asyncpg
import httpx
from fastapi import Request
from tortoise import connections

from chassis.db import create_database, migrate
from chassis.service import create_app
from chassis.tokens import Identity, current_user
from engagement_service.core.service import build_definition
from engagement_service.recommendations import queries as recommendation_queries
from engagement_service.recommendations import rules as recommendation_rules
from engagement_service.recommendations import service as recommendations
from engagement_service.settings import EngagementSettings

DATABASE = "social_engagement_bench"
CATEGORIES = (
    "ART BUSINESS EDUCATION ENTERTAINMENT FASHION FOOD GAMING HEALTH LIFESTYLE MUSIC NEWS "
    "PHOTOGRAPHY POLITICS SCIENCE SPORTS TECHNOLOGY TRAVEL"
).split()

LOAD = f"""
SELECT setseed(0.42);
CREATE TEMP TABLE bench_user AS
    SELECT n, gen_random_uuid() AS id FROM generate_series(1, 10000) AS n;
INSERT INTO engagement_user (id, first_name, last_name, interests, role, status, is_verified,
                             version_at, score_raw, score, level, created_at)
SELECT id, 'User', 'N' || n,
       (SELECT jsonb_agg(DISTINCT c) FROM (
            SELECT (ARRAY{CATEGORIES!r})[1 + floor(random() * 17)::int] AS c
            FROM generate_series(1, 2 + (n % 2)) WHERE n > 0) AS pick),
       'user', CASE WHEN n % 500 = 0 THEN 'BANNED' ELSE 'ACTIVE' END, true, now(), 0, 0,
       'ISOLATED', now()
FROM bench_user;

-- ~50 connections each: 25 chosen per user among the 1,000 around it, stored both ways.
CREATE TEMP TABLE bench_pair AS
    SELECT DISTINCT LEAST(i, j) AS a, GREATEST(i, j) AS b FROM (
        SELECT i, 1 + ((i + floor(random() * 1000)::int - 500 + 10000) % 10000) AS j
        FROM generate_series(1, 10000) AS i, generate_series(1, 25) AS k) AS raw
    WHERE i <> j;
INSERT INTO engagement_connection (user_id, other_id, connected, changed_at)
SELECT ua.id, ub.id, true, now() - random() * interval '60 days'
FROM bench_pair p JOIN bench_user ua ON ua.n = p.a JOIN bench_user ub ON ub.n = p.b;
INSERT INTO engagement_connection (user_id, other_id, connected, changed_at)
SELECT other_id, user_id, true, changed_at FROM engagement_connection;

CREATE TEMP TABLE bench_post AS
    SELECT n, gen_random_uuid() AS id, 1 + floor(random() * 10000)::int AS author_n,
           now() - random() * interval '60 days' AS at,
           CASE WHEN random() < 0.9 THEN 'POSTED' ELSE 'DRAFT' END AS status
    FROM generate_series(1, 100000) AS n;
INSERT INTO engagement_post (id, author_id, title, categories, status, created_at,
                             published_at, version_at, reactions, comments, views, popularity)
SELECT p.id, u.id, 'Post ' || p.n,
       (SELECT jsonb_agg(DISTINCT c) FROM (
            SELECT (ARRAY{CATEGORIES!r})[1 + floor(random() * 17)::int] AS c
            FROM generate_series(1, 1 + (p.n % 2)) WHERE p.n > 0) AS pick),
       p.status, p.at, CASE WHEN p.status = 'POSTED' THEN p.at END, p.at, 0, 0, 0, 0
FROM bench_post p JOIN bench_user u ON u.n = p.author_n;

CREATE TEMP TABLE bench_act AS
    SELECT kind, 1 + floor(random() * 10000)::int AS user_n,
           1 + floor(random() * 100000)::int AS post_n
    FROM (VALUES ('view', 500000), ('reaction', 200000), ('comment', 50000)) AS k(kind, total),
         LATERAL generate_series(1, total);
INSERT INTO engagement_activity_item (item_id, kind, actor_id, owner_id, post_id, parent_id,
                                      type, type_at, categories, state, occurred_at)
SELECT gen_random_uuid(), a.kind, u.id, p.author_id, p.id, NULL,
       CASE WHEN a.kind = 'reaction' THEN 'LIKE' END,
       CASE WHEN a.kind = 'reaction' THEN now() END,
       p.categories, 'live', now() - random() * interval '30 days'
FROM bench_act a JOIN bench_user u ON u.n = a.user_n
JOIN bench_post bp ON bp.n = a.post_n JOIN engagement_post p ON p.id = bp.id;

UPDATE engagement_post p SET reactions = s.r, comments = s.c, views = s.v,
       popularity = s.r * 5 + s.c * 10 + s.v
FROM (SELECT post_id, count(*) FILTER (WHERE kind = 'reaction') AS r,
             count(*) FILTER (WHERE kind = 'comment') AS c,
             count(*) FILTER (WHERE kind = 'view') AS v
      FROM engagement_activity_item GROUP BY post_id) AS s
WHERE p.id = s.post_id;

INSERT INTO engagement_counter (user_id, name, value)
SELECT actor_id, CASE WHEN kind = 'view' THEN 'interest_view:' ELSE 'interest:' END || c,
       sum(CASE kind WHEN 'view' THEN 1 WHEN 'reaction' THEN 2 ELSE 3 END)
FROM engagement_activity_item, jsonb_array_elements_text(categories) AS c
GROUP BY actor_id, kind = 'view', c;
"""


async def load(database_url: str) -> None:
    definition = build_definition(EngagementSettings(database_url=database_url))
    await create_database(database_url, drop_first=True)
    await migrate(definition.tortoise_config(), location=definition.migrations_dir)
    conn = await asyncpg.connect(database_url)
    try:
        started = time.perf_counter()
        await conn.execute(LOAD)
        await conn.execute("VACUUM ANALYZE")  # what autovacuum would have done by now
        counts = {
            table: await conn.fetchval(f"SELECT count(*) FROM {table}")
            for table in ("engagement_user", "engagement_connection", "engagement_post",
                          "engagement_activity_item", "engagement_counter")
        }  # fmt: skip
        print(f"loaded in {time.perf_counter() - started:.1f}s: {counts}")
        degree = await conn.fetchval(
            "SELECT avg(n) FROM (SELECT count(*) AS n FROM engagement_connection "
            "GROUP BY user_id) AS d"
        )
        print(f"average connections per user: {float(degree):.1f}")
    finally:
        await conn.close()


def summary(name: str, samples: list[float]) -> str:
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return (
        f"{name:<42} n={len(samples):<4} p50={statistics.median(ordered) * 1000:7.2f} ms  "
        f"p99={p99 * 1000:7.2f} ms  max={ordered[-1] * 1000:7.2f} ms"
    )


async def timed(calls: int, run: Callable[[int], Awaitable[Any]]) -> list[float]:
    samples = []
    for i in range(calls):
        started = time.perf_counter()
        await run(i)
        samples.append(time.perf_counter() - started)
    return samples


async def bench(database_url: str, calls: int) -> None:
    settings = EngagementSettings(
        database_url=database_url, run_workers=False, log_level="WARNING", log_json=False
    )
    app = create_app(build_definition(settings))

    async def stub_user(request: Request) -> Identity:
        token = request.headers.get("authorization", "").partition(" ")[2]
        return Identity(id=token, role="user", status="ACTIVE")

    app.dependency_overrides[current_user] = stub_user
    async with app.router.lifespan_context(app):
        conn = connections.get("default")
        users = [row["id"] for row in await conn.execute_query_dict(
            "SELECT id FROM engagement_user WHERE status = 'ACTIVE'")]  # fmt: skip
        rng = random.Random(7)
        sample = [rng.choice(users) for _ in range(calls)]
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:

            async def get(path: str, user: uuid.UUID) -> httpx.Response:
                response = await client.get(path, headers={"Authorization": f"Bearer {user}"})
                assert response.status_code == 200, response.text
                return response

            # Warm-up: connection pool, plan caches, shared buffers.
            for user in sample[:20]:
                await get("/api/v1/recommendations/connections", user)
                await get("/api/v1/recommendations/posts", user)

            async def pk_select(i: int) -> None:
                await conn.execute_query_dict(
                    "SELECT id, first_name FROM engagement_user WHERE id = $1", [sample[i]]
                )

            results = {
                "baseline: SELECT by primary key": await timed(calls, pk_select),
                "baseline: GET /healthz (full stack)": await timed(
                    calls, lambda i: get("/healthz", sample[i])
                ),
                "GET /recommendations/connections?limit=20": await timed(
                    calls, lambda i: get("/api/v1/recommendations/connections", sample[i])
                ),
                "GET /recommendations/posts?limit=20": await timed(
                    calls, lambda i: get("/api/v1/recommendations/posts", sample[i])
                ),
            }
            cursors = [
                (await get("/api/v1/recommendations/posts", u)).json()["next_cursor"]
                for u in sample
            ]
            results["GET /recommendations/posts page 2 (cursor)"] = await timed(
                calls,
                lambda i: get(f"/api/v1/recommendations/posts?cursor={cursors[i]}", sample[i]),
            )
            sizes = [len((await get("/api/v1/recommendations/connections", u)).json()["items"])
                     for u in sample[:50]]  # fmt: skip
        print()
        for name, samples in results.items():
            print(summary(name, samples))
        print(
            f"people recommended per first page (first 50 users): mean {statistics.mean(sizes):.1f}"
        )
        await explain(conn, sample[0], settings)


async def explain(conn: Any, user: uuid.UUID, settings: EngagementSettings) -> None:
    interests = (await conn.execute_query_dict(
        "SELECT interests FROM engagement_user WHERE id = $1", [user]))[0]["interests"]  # fmt: skip
    declared = json.loads(interests) if isinstance(interests, str) else interests
    print("\nEXPLAIN ANALYZE people you may know:")
    plan = await conn.execute_query_dict(
        "EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + recommendation_queries.PEOPLE,
        [user, declared, None, None, None, 21],
    )
    print("\n".join(row["QUERY PLAN"] for row in plan))
    affinity = await recommendations.affinities(user)
    print("\nEXPLAIN ANALYZE posts for you:")
    plan = await conn.execute_query_dict(
        "EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + recommendation_queries.POSTS,
        recommendation_queries.posts_parameters(
            user,
            as_of=datetime.now(timezone.utc),
            affinity=affinity,
            top=recommendation_rules.top_categories(affinity),
            per_source=settings.post_candidates_per_source,
            after=(None, None),
            limit=21,
        ),
    )
    print("\n".join(row["QUERY PLAN"] for row in plan))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--calls", type=int, default=300)
    parser.add_argument("--skip-load", action="store_true", help="reuse the loaded database")
    args = parser.parse_args()
    database_url = f"{args.postgres.rstrip('/')}/{DATABASE}"
    if not args.skip_load:
        asyncio.run(load(database_url))
    asyncio.run(bench(database_url, args.calls))


if __name__ == "__main__":
    main()
