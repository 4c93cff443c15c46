"""How long from an event's ``occurred_at`` until its effect is visible: committed in the
profile, and delivered to a connected SSE client.

    cd engagement-service && .venv/bin/python -m bench.measure_propagation [--events 200]

It runs the real service in-process, the way ``python -m engagement_service serve`` does
(uvicorn, workers inside the API process: consumer, delivery relay, scheduler), against a
scratch database (``social_engagement_latency``, dropped and re-created) and a private
``redis-server`` on a free port (killed at the end). The token check is replaced by a stub
that trusts ``Authorization: Bearer <user id>``.

For each event it XADDs a ``post_reaction_created`` stamped with the current time, then
measures, from that ``occurred_at``:

- **commit**: until a separate database connection sees the author's ``reactions_received``
  counter go up (polled every millisecond);
- **sse**: until the SSE client reads the notification the reaction caused.

Events are sent one at a time, 20 ms apart, so each measures an idle pipeline's latency.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
import uuid
from datetime import datetime, timezone

import asyncpg
import httpx
from fastapi import Request
from redis.asyncio import Redis

from chassis.db import create_database, migrate
from chassis.events import Envelope, stream_for
from chassis.service import create_app
from chassis.testing import LiveServer, RedisServer
from chassis.tokens import Identity, current_user
from engagement_service.core.service import build_definition
from engagement_service.settings import EngagementSettings

DATABASE = "social_engagement_latency"


def envelope(event_type: str, producer: str, data: dict[str, object]) -> dict[str, str]:
    return Envelope(type=event_type, producer=producer, data=data).to_fields()


def report(name: str, samples: list[float]) -> None:
    ordered = sorted(samples)

    def pct(p: float) -> float:
        return ordered[min(len(ordered) - 1, int(len(ordered) * p))] * 1000

    print(
        f"{name:<34} n={len(ordered)}  p50={statistics.median(ordered) * 1000:6.1f} ms  "
        f"p95={pct(0.95):6.1f} ms  p99={pct(0.99):6.1f} ms  max={ordered[-1] * 1000:6.1f} ms"
    )


async def run(postgres: str, events: int) -> None:
    database_url = f"{postgres.rstrip('/')}/{DATABASE}"
    with RedisServer() as redis_server:
        settings = EngagementSettings(
            database_url=database_url,
            redis_url=redis_server.url,
            run_workers=True,
            log_level="WARNING",
            log_json=False,
        )
        definition = build_definition(settings)
        await create_database(database_url, drop_first=True)
        await migrate(definition.tortoise_config(), location=definition.migrations_dir)
        app = create_app(definition)

        async def stub_user(request: Request) -> Identity:
            token = request.headers.get("authorization", "").partition(" ")[2]
            return Identity(id=token, role="user", status="ACTIVE")

        app.dependency_overrides[current_user] = stub_user
        redis = Redis.from_url(redis_server.url)
        db = await asyncpg.connect(database_url)
        owner, post_id = str(uuid.uuid4()), str(uuid.uuid4())
        reactors = [str(uuid.uuid4()) for _ in range(events)]
        async with LiveServer(app) as server:
            for user_id in [owner, *reactors]:
                await redis.xadd(stream_for("user_registered"), envelope(
                    "user_registered", "auth",
                    {"user_id": user_id, "first_name": "U", "last_name": "N", "interests": [],
                     "role": "user", "status": "ACTIVE", "is_verified": True}))  # fmt: skip
            now = datetime.now(timezone.utc).isoformat()
            await redis.xadd(stream_for("post_created"), envelope(
                "post_created", "post",
                {"post_id": post_id, "author_id": owner, "title": None, "content": "x",
                 "categories": ["MUSIC"], "status": "POSTED", "created_at": now,
                 "updated_at": now}))  # fmt: skip
            while await db.fetchval("SELECT count(*) FROM engagement_user") < events + 1:
                await asyncio.sleep(0.05)

            commit, sse = [], []
            async with httpx.AsyncClient(base_url=server.url, timeout=10) as http:
                async with http.stream(
                    "GET", "/api/v1/notifications/stream",
                    headers={"Authorization": f"Bearer {owner}"},
                ) as response:  # fmt: skip
                    lines = response.aiter_lines()
                    assert (await anext(lines)).startswith(": connected")

                    async def next_notification() -> float:
                        async for line in lines:
                            if line.startswith("data: "):
                                return time.time()
                        raise RuntimeError("stream closed")

                    for i, reactor in enumerate(reactors):
                        waiting = asyncio.create_task(next_notification())
                        fields = envelope(
                            "post_reaction_created", "interaction",
                            {"reaction_id": str(uuid.uuid4()), "post_id": post_id,
                             "post_author_id": owner, "categories": ["MUSIC"], "user_id": reactor,
                             "type": "LIKE", "created_at": datetime.now(timezone.utc).isoformat()},
                        )  # fmt: skip
                        occurred = datetime.fromisoformat(fields["occurred_at"]).timestamp()
                        await redis.xadd(stream_for("post_reaction_created"), fields)  # type: ignore[arg-type]
                        while (
                            await db.fetchval(
                                "SELECT coalesce(max(value), 0) FROM engagement_counter "
                                "WHERE user_id = $1 AND name = 'reactions_received'",
                                uuid.UUID(owner),
                            )
                            < i + 1
                        ):
                            await asyncio.sleep(0.001)
                        commit.append(time.time() - occurred)
                        sse.append(await asyncio.wait_for(waiting, 10) - occurred)
                        await asyncio.sleep(0.02)
        await db.close()
        await redis.aclose()
    print(f"{events} events, one at a time, workers in the API process:")
    report("occurred_at -> committed (profile)", commit)
    report("occurred_at -> SSE client", sse)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--events", type=int, default=200)
    args = parser.parse_args()
    asyncio.run(run(args.postgres, args.events))


if __name__ == "__main__":
    main()
