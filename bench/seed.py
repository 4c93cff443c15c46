"""Load the running platform (`make up`) with users, connections and posts for the benchmark.

Users and connections go through the auth API, so their events build the post service's
projections for real. Posts are bulk-inserted into the post service's database with SQL
(`generate_series`): a million posts through the API would take hours and measure the create
path, not the read paths the scale comparison is about.

    bench/.venv/bin/python bench/seed.py --users 200 --connections 20 --posts 10000
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import time
from pathlib import Path

import asyncpg
import httpx

AUTH = "http://127.0.0.1:8000/api/v1"
POST_DB = "postgres://postgres@127.0.0.1:5432/social_post"
STATE = Path(__file__).with_name(".state.json")
PASSWORD = "benchmark passphrase 1"


async def create_users(count: int) -> list[dict[str, str]]:
    run = f"{int(time.time())}"
    users: list[dict[str, str]] = []
    limits = asyncio.Semaphore(8)
    async with httpx.AsyncClient(base_url=AUTH, timeout=30) as client:

        async def one(i: int) -> None:
            email = f"bench-{run}-{i}@example.com"
            async with limits:
                response = await client.post("/auth/signup", json={
                    "email": email, "password": PASSWORD, "first_name": f"Bench{i}",
                    "last_name": "User", "interests": ["SCIENCE", "MUSIC"],
                })  # fmt: skip
            response.raise_for_status()
            users.append({"id": response.json()["id"], "email": email})

        await asyncio.gather(*(one(i) for i in range(count)))
    return users


async def sign_in(users: list[dict[str, str]]) -> dict[str, str]:
    tokens: dict[str, str] = {}
    limits = asyncio.Semaphore(8)
    async with httpx.AsyncClient(base_url=AUTH, timeout=30) as client:

        async def one(user: dict[str, str]) -> None:
            async with limits:
                response = await client.post(
                    "/auth/signin", json={"email": user["email"], "password": PASSWORD}
                )
            response.raise_for_status()
            tokens[user["id"]] = response.json()["access_token"]

        await asyncio.gather(*(one(u) for u in users))
    return tokens


async def connect(
    users: list[dict[str, str]], tokens: dict[str, str], degree: int
) -> int:
    rng = random.Random(7)
    pairs = set()
    for user in users:
        for other in rng.sample(users, min(degree, len(users) - 1)):
            if other["id"] != user["id"]:
                pairs.add(tuple(sorted((user["id"], other["id"]))))
    limits = asyncio.Semaphore(16)
    async with httpx.AsyncClient(base_url=AUTH, timeout=30) as client:

        async def one(a: str, b: str) -> None:
            async with limits:
                response = await client.post(
                    f"/users/{b}/connect",
                    headers={"Authorization": f"Bearer {tokens[a]}"},
                )
            response.raise_for_status()

        await asyncio.gather(*(one(a, b) for a, b in pairs))
    return len(pairs)


async def wait_for_projections(user_ids: list[str], connections: int) -> None:
    conn = await asyncpg.connect(POST_DB)
    try:
        for _ in range(600):
            authors = await conn.fetchval(
                "SELECT count(*) FROM post_author WHERE id = ANY($1::uuid[])", user_ids
            )
            edges = await conn.fetchval(
                "SELECT count(*) FROM post_connection "
                "WHERE connected AND user_id = ANY($1::uuid[])",
                user_ids,
            )
            if authors == len(user_ids) and edges >= 2 * connections:
                return
            await asyncio.sleep(0.5)
        raise SystemExit(f"projections incomplete: {authors} authors, {edges} edges")
    finally:
        await conn.close()


async def bulk_posts(
    user_ids: list[str], total: int, history_days: float = 365.0
) -> int:
    """Top the post table up to ``total`` POSTED posts by the benchmark users, spread evenly
    over the ``history_days`` before the oldest post already there.

    Spread, not packed: a million posts in the last day would all sit inside the 8-day window
    the post service re-ranks every few minutes, a load no real platform of this size has."""
    conn = await asyncpg.connect(POST_DB)
    try:
        have = await conn.fetchval("SELECT count(*) FROM post")
        oldest = await conn.fetchval("SELECT coalesce(min(listed_at), now()) FROM post")
        missing = max(0, total - have)
        step = history_days * 86_400 / max(missing, 1)  # seconds between two posts
        batch = 100_000
        for offset in range(0, missing, batch):
            n = min(batch, missing - offset)
            await conn.execute(
                """
                INSERT INTO post (id, title, content, categories, status, created_at, updated_at,
                                  published_at, listed_at, total_views, total_comments,
                                  total_reactions, positive_reactions, hot, author_id)
                SELECT gen_random_uuid(), 'Benchmark post ' || g,
                       'Generated content number ' || g || ' about tide pools and herons',
                       '["SCIENCE"]'::jsonb, 'POSTED', t, t, t, t, 0, 0, 0, 0, 0,
                       ($1::uuid[])[1 + (g % array_length($1::uuid[], 1))]
                FROM generate_series($3::bigint + 1, $3::bigint + $2) g,
                     LATERAL (SELECT $4::timestamptz - make_interval(secs => g * $5) AS t) ts
                """,
                user_ids, n, offset, oldest, step,
            )  # fmt: skip
        await conn.execute("ANALYZE post")
        return int(await conn.fetchval("SELECT count(*) FROM post"))
    finally:
        await conn.close()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--connections", type=int, default=20)
    parser.add_argument("--posts", type=int, default=10_000)
    args = parser.parse_args()
    if STATE.exists():
        users = json.loads(STATE.read_text())["users"]
        print(f"reusing {len(users)} users from {STATE.name}")
    else:
        users = await create_users(args.users)
        tokens = await sign_in(users)
        edges = await connect(users, tokens, args.connections)
        print(f"{len(users)} users, {edges} connections")
        await wait_for_projections([u["id"] for u in users], edges)
        STATE.write_text(json.dumps({"users": users}))
    total = await bulk_posts([u["id"] for u in users], args.posts)
    print(f"post table holds {total} posts")


if __name__ == "__main__":
    asyncio.run(main())
