"""Throughput of content analysis: queued ``post_created`` events through the real consumer.

Run from the service folder, with Postgres and Redis up (a benchmark, not a test):

    .venv/bin/python bench/bench_analysis.py [--events 10000]

It creates (and drops first) the scratch database ``social_moderation_bench`` and uses Redis
database 13, which it flushes. Three measurements on the same texts, in one run:

1. **baseline**: the raw model call alone (``profanity_check.predict_prob``), one text per
   call, sequentially: the floor cost of judging a text with this model;
2. **analysis**: ``Analyzer.analyze`` alone (model in a worker thread, plus disguise
   undoing, blocklist and spam rules), one text at a time;
3. **consumer**: the events XADDed to ``events.post_created``, then read and handled by the
   real ``EventConsumer`` without the per-batch hook: XREADGROUP, one transaction per read with
   a savepoint per entry holding the ``processed_event`` insert and the handler (duplicate
   fingerprint, analysis, the case row, its history, an outbox row for each removal), commit,
   XACK. Publishing the outbox (the relay) is not included;
4. **consumer, batch primed**: the same, with the service's ``before_batch`` hook, which
   scores the texts of each read batch (50 events) in one model call before they are handled
   (``screening.consumers.prime_batch``): the consumer as deployed.

Reported: events per second of each, their ratio to the baseline, and the latency of the
analysis (p50/p99) and of the whole handler inside the consumer runs. Texts come from the
evaluation set (clean, offensive, spam), each posted by its own author so that the
duplicate-posting rule does not fire.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import random
import sys
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

SERVICE = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(SERVICE))

from profanity_check import predict_prob  # noqa: E402

from chassis.db import create_database, migrate, truncate_all  # noqa: E402
from chassis.events import Envelope, EventConsumer, stream_for  # noqa: E402
from chassis.service import service_resources, start_service  # noqa: E402
from moderation_service.core.context import ModerationContext  # noqa: E402
from moderation_service.core.service import build_definition  # noqa: E402
from moderation_service.eval import load_dataset  # noqa: E402
from moderation_service.moderations.models import Moderation  # noqa: E402
from moderation_service.settings import ModerationSettings  # noqa: E402

DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/social_moderation_bench"
DEFAULT_REDIS = "redis://127.0.0.1:6379/13"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def texts_for(count: int) -> list[str]:
    rows = load_dataset()
    rng = random.Random(20261128)  # noqa: S311 (a fixed sample, not a secret)
    return [rng.choice(rows).text for _ in range(count)]


def envelopes(texts: list[str]) -> list[Envelope]:
    start = datetime(2026, 1, 1, tzinfo=timezone.utc)
    result = []
    for i, text in enumerate(texts):
        at = (start + timedelta(seconds=i)).isoformat()
        result.append(
            Envelope(
                type="post_created",
                producer="post",
                data={
                    "post_id": str(uuid.uuid4()),
                    "author_id": str(uuid.uuid4()),
                    "title": None,
                    "content": text,
                    "categories": [],
                    "status": "POSTED",
                    "created_at": at,
                    "updated_at": at,
                },
            )
        )
    return result


def baseline(texts: list[str]) -> float:
    predict_prob(["warm up"])
    started = time.perf_counter()
    for text in texts:
        predict_prob([text])
    return time.perf_counter() - started


def timed(latencies: list[float], call: Callable[..., Awaitable[Any]]) -> Callable[..., Any]:
    async def wrapper(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return await call(*args, **kwargs)
        finally:
            latencies.append(time.perf_counter() - started)

    return wrapper


async def run(count: int, database_url: str, redis_url: str) -> None:
    settings = ModerationSettings(
        database_url=database_url, redis_url=redis_url, run_workers=False, log_json=False
    )
    definition = build_definition(settings)
    await create_database(database_url, drop_first=True)
    await migrate(definition.tortoise_config(), location=definition.migrations_dir)

    texts = texts_for(count)
    events = envelopes(texts)
    print(f"{count} events; machine: {platform.machine()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}")  # fmt: skip

    base_seconds = baseline(texts)

    async with service_resources(definition) as resources:
        await resources.redis.flushdb()
        await start_service(definition, resources)
        ctx: ModerationContext = resources.context
        assert definition.before_batch is not None

        started = time.perf_counter()
        for text in texts:
            await ctx.analyzer.analyze(text)
        analysis_seconds = time.perf_counter() - started

        async def consume(primed: bool) -> tuple[float, list[float], list[float], dict[str, int]]:
            await truncate_all(database_url)
            await resources.redis.flushdb()
            analysis_latency: list[float] = []
            handler_latency: list[float] = []
            analyze = ctx.analyzer.analyze
            ctx.analyzer.analyze = timed(analysis_latency, analyze)  # type: ignore[method-assign]
            handlers = {
                event_type: timed(handler_latency, handler)
                for event_type, handler in definition.bind_handlers(resources).items()
            }
            consumer = EventConsumer(
                resources.redis,
                group="moderation",
                handlers=handlers,
                before_batch=definition.before_batch(resources) if primed else None,
            )
            await consumer.ensure_groups()
            pipe = resources.redis.pipeline(transaction=False)
            for envelope in events:
                pipe.xadd(stream_for(envelope.type), envelope.to_fields())  # type: ignore[arg-type]
            await pipe.execute()

            started = time.perf_counter()
            handled = 0
            while handled < count:
                handled += await consumer.poll_once(block_ms=100)
            seconds = time.perf_counter() - started
            ctx.analyzer.analyze = analyze  # type: ignore[method-assign]
            statuses = {
                status: await Moderation.filter(status=status).count()
                for status in ("APPROVED", "PENDING_REVIEW", "DELETE_REQUESTED")
            }
            assert sum(statuses.values()) == count
            return seconds, analysis_latency, handler_latency, statuses

        consumer_seconds, analysis_latency, handler_latency, statuses = await consume(False)
        primed_seconds, primed_analysis, primed_handler, primed_statuses = await consume(True)
        assert statuses == primed_statuses  # priming changes the speed, not the decisions
        await resources.redis.flushdb()

    def line(name: str, seconds: float) -> str:
        rate = count / seconds
        return (
            f"{name:<40}{rate:>10.0f} events/s  {seconds:>7.1f} s  "
            f"{rate / (count / base_seconds):>6.2f}x baseline"
        )

    ms = 1000.0
    print(line("baseline: raw model call", base_seconds))
    print(line("analysis alone (Analyzer.analyze)", analysis_seconds))
    print(line("consumer path, no batch hook", consumer_seconds))
    print(line("consumer path, batch primed (deployed)", primed_seconds))
    for name, analysis, handler in (
        ("consumer", analysis_latency, handler_latency),
        ("primed", primed_analysis, primed_handler),
    ):
        print(
            f"{name:<9} analysis p50 {percentile(analysis, 0.5) * ms:.1f} ms, "
            f"p99 {percentile(analysis, 0.99) * ms:.1f} ms; "
            f"handler (analysis + DB) p50 {percentile(handler, 0.5) * ms:.1f} ms, "
            f"p99 {percentile(handler, 0.99) * ms:.1f} ms"
        )
    print(f"cases per status (both runs): {statuses}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--database-url", default=DEFAULT_DATABASE)
    parser.add_argument("--redis-url", default=DEFAULT_REDIS)
    args = parser.parse_args()
    if not args.database_url.rstrip("/").endswith("_bench"):
        raise SystemExit("refusing to drop a database whose name does not end in _bench")
    asyncio.run(run(args.events, args.database_url, args.redis_url))


if __name__ == "__main__":
    main()
