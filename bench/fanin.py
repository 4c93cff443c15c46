"""Fan-in: the home feed's p99 for a reader with 20, 200 and 2,000 connections.

The feed reads one index range per connection (the newest posts of each connected author, then
the newest of those). This measures how that grows with the reader's connections. Three readers
are real accounts (signed up at the auth service, so the token check is real); their connections
and the authors behind them are written straight into the post service's projections with SQL,
each author with 20 posts spread over the last 30 days, as the bulk posts of seed.py are.

    bench/.venv/bin/python bench/fanin.py --degrees 20,200,2000 --rate 50 --duration 30

Needs `make up`. Leaves its rows in place (``fanin-`` authors); a rerun reuses them.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import uuid
from pathlib import Path
from typing import Any

import aiohttp
import asyncpg
import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from event_baseline import cpu_probe
from loadgen import open_loop, summary
from run import BENCH, POST, POST_DB
from seed import AUTH, PASSWORD

POSTS_PER_AUTHOR = 20
STATE = BENCH / ".fanin.json"


async def reader(degree: int) -> dict[str, str]:
    """A real account for the reader with ``degree`` connections, reused across runs."""
    state = json.loads(STATE.read_text()) if STATE.exists() else {}
    if str(degree) in state:
        return dict(state[str(degree)])
    email = f"fanin-{degree}-{uuid.uuid4().hex[:8]}@example.com"
    async with httpx.AsyncClient(base_url=AUTH, timeout=30) as client:
        signup = await client.post("/auth/signup", json={
            "email": email, "password": PASSWORD, "first_name": "Fanin",
            "last_name": str(degree),
        })  # fmt: skip
        signup.raise_for_status()
    user = {"id": signup.json()["id"], "email": email}
    state[str(degree)] = user
    STATE.write_text(json.dumps(state))
    return user


async def wire(conn: asyncpg.Connection, reader_id: str, degree: int) -> None:
    """``degree`` authors with posts, connected to the reader, in the post service's tables."""
    have = await conn.fetchval(
        "SELECT count(*) FROM post_connection WHERE user_id = $1 AND connected", uuid.UUID(reader_id)
    )
    if have >= degree:
        return
    for _ in range(100):  # the reader's own post_author row comes from its user_registered event
        if await conn.fetchval("SELECT 1 FROM post_author WHERE id = $1", uuid.UUID(reader_id)):
            break
        await asyncio.sleep(0.1)
    async with conn.transaction():
        authors = [uuid.uuid4() for _ in range(degree - have)]
        await conn.executemany(
            "INSERT INTO post_author (id, first_name, last_name, status, total_connections) "
            "VALUES ($1, 'fanin-author', $2, 'ACTIVE', 1)",
            [(a, str(i)) for i, a in enumerate(authors)],
        )
        await conn.executemany(
            "INSERT INTO post_connection (user_id, other_id, connected, changed_at) "
            "VALUES ($1, $2, true, now())",
            [(uuid.UUID(reader_id), a) for a in authors],
        )
        await conn.execute(
            """
            INSERT INTO post (id, title, content, categories, status, created_at, updated_at,
                              published_at, listed_at, total_views, total_comments,
                              total_reactions, positive_reactions, hot, author_id)
            SELECT gen_random_uuid(), 'Fan-in post', 'Generated content about tide pools',
                   '["SCIENCE"]'::jsonb, 'POSTED', t, t, t, t, 0, 0, 0, 0, 0, a
            FROM unnest($1::uuid[]) a, generate_series(1, $2) g,
                 LATERAL (SELECT now() - make_interval(secs => random() * 30 * 86400) AS t) ts
            """,
            authors, POSTS_PER_AUTHOR,
        )  # fmt: skip
    await conn.execute("ANALYZE post; ANALYZE post_connection")


async def token(user: dict[str, str]) -> str:
    async with httpx.AsyncClient(base_url=AUTH, timeout=30) as client:
        response = await client.post(
            "/auth/signin", json={"email": user["email"], "password": PASSWORD}
        )
        response.raise_for_status()
        return str(response.json()["access_token"])


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--degrees", default="20,200,2000")
    parser.add_argument("--rate", type=float, default=50)
    parser.add_argument("--duration", type=float, default=30)
    args = parser.parse_args()
    print(f"cpu probe: {cpu_probe()} ms")
    degrees = [int(d) for d in args.degrees.split(",")]
    conn = await asyncpg.connect(POST_DB)
    readers = {}
    try:
        for degree in degrees:
            readers[degree] = await reader(degree)
            await wire(conn, readers[degree]["id"], degree)
    finally:
        await conn.close()
    results: dict[int, Any] = {}
    async with aiohttp.ClientSession() as client:
        for degree in degrees:
            headers = {"Authorization": f"Bearer {await token(readers[degree])}"}

            async def feed(headers: dict[str, str] = headers) -> int:
                async with client.get(f"{POST}/posts/feed", headers=headers) as response:
                    await response.read()
                    return response.status

            make = lambda feed=feed: ("feed", feed)  # noqa: E731
            await open_loop(rate=args.rate, duration=3, next_request=make, seed=99)
            await asyncio.sleep(2)
            result = await open_loop(rate=args.rate, duration=args.duration, next_request=make)
            row = summary(result)["ALL"]
            results[degree] = {**row, "errors": result.error_count}
            print(f"   {degree:>5} connections: p50 {row['p50_ms']:.2f} ms, p99 {row['p99_ms']:.2f}"
                  f" ms, errors {result.error_count}")  # fmt: skip
    low, high = min(degrees), max(degrees)
    ratio = results[high]["p99_ms"] / results[low]["p99_ms"]
    print(f"feed p99 at {high} connections / at {low}: {ratio:.2f} (remedy needed above 3)")
    out = BENCH / "results"
    out.mkdir(exist_ok=True)
    (out / "fanin-latest.json").write_text(json.dumps({"results": results, "ratio": ratio}))


if __name__ == "__main__":
    asyncio.run(main())
