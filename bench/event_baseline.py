"""The bare event pipeline: what propagation costs with nothing of the platform in the way.

A producer process commits one row per event and XADDs it; a consumer process XREADGROUPs,
inserts the effects of one read, commits and XACKs, on the same Postgres and Redis as the
platform. Propagation is the consumer's commit time minus the event's time, taken before the
producer's transaction began, as the platform's ``occurred_at`` is.

    bench/.venv/bin/python bench/event_baseline.py --rate 100 --duration 30
    bench/.venv/bin/python bench/event_baseline.py --ladder 100,200,400,800,1600

A rate is sustained when the consumer ends the run with less than half a second of events
unread and the p99 stays under a second. ``--ladder`` climbs until a rate is not sustained.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import random
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import asyncpg
from hdrh.histogram import HdrHistogram
from redis.asyncio import Redis

sys.path.insert(0, str(Path(__file__).resolve().parent))

POSTGRES = os.environ.get("POSTGRES_URL", "postgres://postgres@127.0.0.1:5432").rstrip("/")
DATABASE = f"{POSTGRES}/bench_event_baseline"
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/12")
STREAM, GROUP = "bench:event-baseline", "bench"


def cpu_probe() -> float:
    """Milliseconds for a fixed pure-Python loop: how fast the machine runs today."""
    started = time.perf_counter()
    total = 0
    for i in range(3_000_000):
        total += i * i
    assert total > 0
    return round((time.perf_counter() - started) * 1000, 1)


async def prepare() -> None:
    admin = await asyncpg.connect(f"{POSTGRES}/postgres")
    try:
        if not await admin.fetchval(
            "SELECT 1 FROM pg_database WHERE datname = 'bench_event_baseline'"
        ):
            await admin.execute("CREATE DATABASE bench_event_baseline")
    finally:
        await admin.close()
    conn = await asyncpg.connect(DATABASE)
    try:
        await conn.execute(
            "DROP TABLE IF EXISTS produced, consumed; "
            "CREATE TABLE produced (id uuid PRIMARY KEY, data jsonb NOT NULL, "
            "created_at timestamptz NOT NULL DEFAULT now()); "
            "CREATE TABLE consumed (event_id uuid PRIMARY KEY, occurred_at double precision "
            "NOT NULL)"
        )
    finally:
        await conn.close()
    redis = Redis.from_url(REDIS_URL)
    try:
        await redis.delete(STREAM)
        await redis.xgroup_create(STREAM, GROUP, id="0", mkstream=True)
    finally:
        await redis.aclose()


async def produce(rate: float, duration: float) -> int:
    """Open loop: event i is due at i / rate whatever happened to the ones before it."""
    pool = await asyncpg.create_pool(DATABASE, min_size=4, max_size=10)
    redis = Redis.from_url(REDIS_URL)
    rng = random.Random(7)
    sent = 0

    async def one() -> None:
        nonlocal sent
        event_id = uuid.uuid4()
        occurred = time.time()
        async with pool.acquire() as conn, conn.transaction():
            await conn.execute(
                "INSERT INTO produced (id, data) VALUES ($1, $2)",
                event_id,
                json.dumps({"n": sent}),
            )
        await redis.xadd(STREAM, {"id": str(event_id), "at": repr(occurred)})
        sent += 1

    tasks = []
    started = time.monotonic()
    due = 0.0
    while due < duration:
        delay = started + due - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one()))
        due += rng.expovariate(rate)
    await asyncio.gather(*tasks)
    await redis.aclose()
    await pool.close()
    return sent


async def consume(stop_after_idle: float, timings_file: str, ready: Any) -> None:
    """Read, insert the read's effects, commit, ack; the commit times stay in memory and are
    written to ``timings_file`` at the end, off the measured path."""
    conn = await asyncpg.connect(DATABASE)
    redis = Redis.from_url(REDIS_URL)
    timings: list[float] = []
    await redis.ping()
    await conn.fetchval("SELECT 1")
    ready.set()
    idle_since = time.monotonic()
    while time.monotonic() - idle_since < stop_after_idle:
        response: Any = await redis.xreadgroup(GROUP, "c", {STREAM: ">"}, count=50, block=100)
        entries = [entry for _, batch in response or [] for entry in batch]
        if not entries:
            continue
        idle_since = time.monotonic()
        rows = [(uuid.UUID(f[b"id"].decode()), float(f[b"at"])) for _, f in entries]
        async with conn.transaction():
            await conn.executemany(
                "INSERT INTO consumed (event_id, occurred_at) VALUES ($1, $2) "
                "ON CONFLICT DO NOTHING",
                rows,
            )
        committed = time.time()
        timings += [committed - occurred for _, occurred in rows]
        await redis.xack(STREAM, GROUP, *(entry_id for entry_id, _ in entries))
    await redis.aclose()
    await conn.close()
    Path(timings_file).write_text(json.dumps(timings))


def _consumer_process(stop_after_idle: float, timings_file: str, ready: Any) -> None:
    asyncio.run(consume(stop_after_idle, timings_file, ready))


async def unread() -> int:
    redis = Redis.from_url(REDIS_URL)
    try:
        groups: Any = await redis.xinfo_groups(STREAM)
        lag = groups[0].get("lag") if groups else 0
        pending = groups[0].get("pending", 0) if groups else 0
        return int(lag or 0) + int(pending or 0)
    finally:
        await redis.aclose()


async def run(rate: float, duration: float) -> dict[str, Any]:
    await prepare()
    timings_file = f"/tmp/bench-event-baseline-{os.getpid()}.json"  # noqa: S108
    spawn = multiprocessing.get_context("spawn")
    ready = spawn.Event()
    consumer = spawn.Process(target=_consumer_process, args=(3.0, timings_file, ready))
    consumer.start()
    if not await asyncio.to_thread(ready.wait, 30):
        raise RuntimeError("the consumer did not start")
    sent = await produce(rate, duration)
    backlog_at_end = await unread()
    consumer.join(timeout=120)
    timings = json.loads(Path(timings_file).read_text())
    histogram = HdrHistogram(1, 600_000_000, 3)  # microseconds
    for seconds in timings:
        histogram.record_value(max(1, int(seconds * 1e6)))
    rows = timings
    result = {
        "rate": rate,
        "duration_s": duration,
        "sent": sent,
        "consumed": len(rows),
        "backlog_at_end": backlog_at_end,
        "p50_ms": histogram.get_value_at_percentile(50) / 1000,
        "p99_ms": histogram.get_value_at_percentile(99) / 1000,
        "max_ms": histogram.get_max_value() / 1000,
    }
    result["sustained"] = bool(
        backlog_at_end < max(rate * 0.5, 5) and result["p99_ms"] < 1000 and len(rows) == sent
    )
    return result


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rate", type=float, default=100.0)
    parser.add_argument("--duration", type=float, default=30.0)
    parser.add_argument("--ladder", help="comma-separated rates; climbs until one is not sustained")
    args = parser.parse_args()
    print(f"cpu probe: {cpu_probe()} ms")
    rates = [float(r) for r in args.ladder.split(",")] if args.ladder else [args.rate]
    for rate in rates:
        result = await run(rate, args.duration)
        print(json.dumps(result))
        if not result["sustained"]:
            break


if __name__ == "__main__":
    asyncio.run(main())
