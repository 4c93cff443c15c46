"""Measure the running platform against a bare baseline (`make bench`).

    bench/.venv/bin/python bench/run.py                 # feed ladder, mix, propagation
    bench/.venv/bin/python bench/run.py --scale-only    # feed + list p99 at the current size
    bench/.venv/bin/python bench/run.py --compare a.json b.json

Needs `make up` and `bench/seed.py` first. Results go to bench/results/<UTC time>.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiohttp
import asyncpg
import httpx
import redis
import redis.asyncio as aioredis

sys.path.insert(0, str(Path(__file__).resolve().parent))
import event_baseline
from loadgen import Result, open_loop, summary
from seed import PASSWORD, POST_DB, STATE, sign_in

BENCH = Path(__file__).resolve().parent
POST = "http://127.0.0.1:8001/api/v1"
INTERACTION = "http://127.0.0.1:8002/api/v1"
BASELINE_PORT = 8101
SERVICES_WITH_CONSUMERS = {"post": 8001, "interaction": 8002, "moderation": 8003,
                           "engagement": 8004}  # fmt: skip


class Workload:
    def __init__(
        self, client: aiohttp.ClientSession, tokens: dict[str, str], post_ids: list[str]
    ) -> None:
        self.client = client
        self.tokens = list(tokens.items())
        self.post_ids = post_ids
        self.rng = random.Random(3)

    def _user(self) -> tuple[str, dict[str, str]]:
        user_id, token = self.rng.choice(self.tokens)
        return user_id, {"Authorization": f"Bearer {token}"}

    async def _status(self, method: str, url: str, **kw: Any) -> int:
        async with self.client.request(method, url, **kw) as response:
            await response.read()
            return response.status

    def feed(self) -> tuple[str, Any]:
        _, headers = self._user()
        return "feed", lambda: self._status(
            "GET", f"{POST}/posts/feed", headers=headers
        )

    def baseline_feed(self) -> tuple[str, Any]:
        user_id, _ = self._user()
        url = f"http://127.0.0.1:{BASELINE_PORT}/feed"
        return "baseline_feed", lambda: self._status(
            "GET", url, params={"user_id": user_id}
        )

    def post_list(self) -> tuple[str, Any]:
        _, headers = self._user()
        return "post_list", lambda: self._status(
            "GET", f"{POST}/posts", headers=headers
        )

    def detail(self) -> tuple[str, Any]:
        _, headers = self._user()
        post_id = self.rng.choice(self.post_ids)

        async def call() -> int:
            a = await self._status("GET", f"{POST}/posts/{post_id}", headers=headers)
            b = await self._status("GET", f"{INTERACTION}/posts/{post_id}/comments",
                                   headers=headers)  # fmt: skip
            return max(a, b)

        return "detail_with_comments", call

    def interact(self) -> tuple[str, Any]:
        _, headers = self._user()
        post_id = self.rng.choice(self.post_ids)
        kind = self.rng.random()
        if kind < 0.4:
            return "reaction", lambda: self._status(
                "PUT", f"{INTERACTION}/posts/{post_id}/reactions/me",
                json={"type": self.rng.choice(["LIKE", "LOVE", "JOY"])}, headers=headers,
            )  # fmt: skip
        if kind < 0.7:
            return "comment", lambda: self._status(
                "POST", f"{INTERACTION}/posts/{post_id}/comments",
                json={"content": "Benchmark comment"}, headers=headers,
            )  # fmt: skip
        return "view", lambda: self._status(
            "POST", f"{INTERACTION}/posts/{post_id}/views", headers=headers
        )

    def create(self) -> tuple[str, Any]:
        _, headers = self._user()
        return "create_post", lambda: self._status(
            "POST", f"{POST}/posts", headers=headers,
            json={"content": "Benchmark post", "categories": ["SCIENCE"], "status": "POSTED"},
        )  # fmt: skip

    def mix(self) -> tuple[str, Any]:
        """DeathStarBench-like: 50% feed, 15% list, 15% detail, 12% interactions, 8% create."""
        roll = self.rng.random()
        if roll < 0.50:
            return self.feed()
        if roll < 0.65:
            return self.post_list()
        if roll < 0.80:
            return self.detail()
        if roll < 0.92:
            return self.interact()
        return self.create()


def saturation(results: list[Result], low_p50: float) -> tuple[float, float]:
    """Highest rate whose p99 ≤ 5 × the p50 at low load, with no errors; and that bound."""
    bound = 5 * low_p50
    best = 0.0
    for result in results:
        row = summary(result)["ALL"]
        if row["p99_ms"] <= bound and result.error_count == 0:
            best = max(best, result.rate)
    return best, bound


async def settle(seconds: float = 3) -> None:
    """Let queues, pools and consumers catch up between steps."""
    await asyncio.sleep(seconds)


async def ladder(
    make, rates: list[float], duration: float
) -> tuple[list[Result], float]:  # type: ignore[no-untyped-def]
    """Warm up, measure the p50 at low load, then climb until the first step breaks the bound."""
    await open_loop(
        rate=rates[0], duration=3, next_request=make, seed=99
    )  # warm-up, discarded
    await settle()
    low = await open_loop(rate=rates[0], duration=duration, next_request=make, seed=98)
    low_p50 = summary(low)["ALL"]["p50_ms"]
    print(
        f"   low load {rates[0]:.0f}/s: p50 {low_p50:.2f} ms, bound p99 <= {5 * low_p50:.2f} ms"
    )
    results = []
    for rate in rates:
        await settle()
        result = await open_loop(rate=rate, duration=duration, next_request=make)
        row = summary(result)["ALL"]
        print(f"   {rate:>6.0f}/s  p50 {row['p50_ms']:7.2f}  p99 {row['p99_ms']:8.2f}  "
              f"p99.9 {row['p999_ms']:8.2f} ms  errors {result.error_count}  "
              f"send lag {result.max_send_lag * 1000:.0f} ms")  # fmt: skip
        results.append(result)
        if row["p99_ms"] > 5 * low_p50 or result.error_count:
            break  # past saturation: higher steps only queue
    return results, low_p50


def _print_rows(rows: dict[str, Any]) -> None:
    for label, row in rows.items():
        if isinstance(row, dict):
            print(f"   {label:<22} n={row['count']:>6}  p50 {row['p50_ms']:7.2f}  "
                  f"p99 {row['p99_ms']:8.2f}  p99.9 {row['p999_ms']:8.2f} ms  "
                  f"errors {row['error_rate']:.2%}")  # fmt: skip


def scrape_events() -> tuple[dict[float, float], float]:
    """One read of every service's ``/metrics``: the cumulative ``event_propagation_seconds``
    buckets summed over every consumer and type, and every event published so far."""
    buckets: dict[float, float] = {}
    published = 0.0
    for port in (8000, *SERVICES_WITH_CONSUMERS.values()):
        text = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=5).text
        for le, value in re.findall(
            r'event_propagation_seconds_bucket\{le="([^"]+)",type="[^"]+"\} ([0-9.e+]+)',
            text,
        ):
            bound = float("inf") if le == "+Inf" else float(le)
            buckets[bound] = buckets.get(bound, 0.0) + float(value)
        published += sum(
            float(v)
            for v in re.findall(
                r"^events_published_total\{[^}]*\} (\S+)", text, re.MULTILINE
            )
        )
    return buckets, published


def propagation(
    before: dict[float, float], after: dict[float, float]
) -> dict[str, float]:
    """Quantiles of the events consumed between two scrapes.

    ``pXX_ms`` is the upper bound of the bucket the quantile falls in (a guaranteed ceiling);
    ``pXX_interpolated_ms`` interpolates linearly inside that bucket, as Prometheus'
    ``histogram_quantile`` does.
    """
    buckets = {b: after[b] - before.get(b, 0.0) for b in after}
    if not buckets or buckets.get(float("inf"), 0) == 0:
        return {}
    total = buckets[float("inf")]
    bounds = sorted(buckets)
    out = {"count": total}
    for name, q in (("p50", 0.5), ("p99", 0.99), ("p999", 0.999)):
        rank = q * total
        i = next(i for i, b in enumerate(bounds) if buckets[b] >= rank)
        upper = bounds[i]
        lower = bounds[i - 1] if i else 0.0
        below = buckets[lower] if i else 0.0
        out[f"{name}_ms"] = upper * 1000
        if upper != float("inf"):
            inside = buckets[upper] - below
            fraction = (rank - below) / inside if inside else 1.0
            out[f"{name}_interpolated_ms"] = round(
                (lower + (upper - lower) * fraction) * 1000, 2
            )
    return out


async def post_ids(limit: int = 2000) -> list[str]:
    conn = await asyncpg.connect(POST_DB)
    try:
        rows = await conn.fetch(
            "SELECT id FROM post WHERE status = 'POSTED' AND removed_at IS NULL "
            "ORDER BY listed_at DESC LIMIT $1", limit,
        )  # fmt: skip
        return [str(r["id"]) for r in rows]
    finally:
        await conn.close()


async def post_count() -> int:
    conn = await asyncpg.connect(POST_DB)
    try:
        return int(await conn.fetchval("SELECT count(*) FROM post"))
    finally:
        await conn.close()


async def measure_feed(
    work: Workload, rates: list[float], duration: float
) -> dict[str, Any]:
    baseline = subprocess.Popen(  # noqa: ASYNC220 (one server, started once)
        [sys.executable, "-m", "uvicorn", "baseline_app:app", "--port", str(BASELINE_PORT),
         "--log-level", "warning"],
        cwd=BENCH, env={**os.environ, "BASELINE_DATABASE_URL": POST_DB},
    )  # fmt: skip
    try:
        await asyncio.sleep(2)
        print(
            "== baseline feed (FastAPI + asyncpg, same SQL, no auth, no ORM, no events)"
        )
        base, base_low = await ladder(work.baseline_feed, rates, duration)
    finally:
        baseline.terminate()
        baseline.wait()
    await settle()
    print("== platform feed (bearer token, ORM, rate limits, events)")
    plat, plat_low = await ladder(work.feed, rates, duration)
    base_sat, base_bound = saturation(base, base_low)
    plat_sat, plat_bound = saturation(plat, plat_low)
    return {
        "baseline_saturation_rps": base_sat, "platform_saturation_rps": plat_sat,
        "ratio": round(plat_sat / base_sat, 3) if base_sat else None,
        "baseline_p99_bound_ms": base_bound, "platform_p99_bound_ms": plat_bound,
        "baseline": {r.rate: {**summary(r)["ALL"], "send_lag_ms": r.max_send_lag * 1000}
                     for r in base},
        "platform": {r.rate: {**summary(r)["ALL"], "send_lag_ms": r.max_send_lag * 1000}
                     for r in plat},
    }  # fmt: skip


async def measure_mix(
    work: Workload, rates: list[float], duration: float
) -> dict[str, Any]:
    print(
        "== mix (50% feed, 15% list, 15% detail+comments, 12% interactions, 8% create)"
    )
    steps, low_p50 = await ladder(work.mix, rates, duration)
    sat, bound = saturation(steps, low_p50)
    at = next((r for r in steps if r.rate == sat), steps[0])
    print(f"   saturation {sat:.0f}/s; per endpoint at {at.rate:.0f}/s:")
    rows = summary(at)
    _print_rows(rows)
    return {"saturation_rps": sat, "p99_bound_ms": bound, "reported_rate": at.rate,
            "endpoints": rows,
            "steps": {r.rate: summary(r)["ALL"] for r in steps}}  # fmt: skip


async def measure_propagation(
    work: Workload, rate: float, duration: float
) -> dict[str, Any]:
    """Writes only (the mix's interactions and creations), one event each, at ``rate`` per second."""
    print(f"== event propagation: writes at {rate:.0f}/s for {duration:.0f} s")
    await settle()
    before, published_before = scrape_events()
    started = time.monotonic()
    result = await open_loop(
        rate=rate, duration=duration,
        next_request=lambda: work.interact() if work.rng.random() < 0.6 else work.create(),
    )  # fmt: skip
    elapsed = time.monotonic() - started
    await asyncio.sleep(3)  # let the last events land
    after, published_after = scrape_events()
    published = published_after - published_before
    lag = propagation(before, after)
    out = {"write_rate": rate, "events_published": published,
           "events_per_second": round(published / elapsed, 1), "writes": summary(result)["ALL"],
           **lag}  # fmt: skip
    print(f"   {published:.0f} events published ({out['events_per_second']}/s), "
          f"{lag.get('count', 0):.0f} consumptions; propagation p50 <= {lag.get('p50_ms')} ms "
          f"(~{lag.get('p50_interpolated_ms')}), p99 <= {lag.get('p99_ms')} ms "
          f"(~{lag.get('p99_interpolated_ms')}); write errors {result.error_count}")  # fmt: skip
    await settle()
    bare = await event_baseline.run(max(out["events_per_second"], 1.0), duration)
    out["bare_pipeline"] = bare
    platform_p99 = lag.get("p99_interpolated_ms") or lag.get("p99_ms")
    if platform_p99 and bare["p99_ms"]:
        out["p99_ratio"] = round(platform_p99 / bare["p99_ms"], 2)
    print(f"   bare pipeline at {bare['rate']:.1f} events/s: p50 {bare['p50_ms']:.1f} ms, "
          f"p99 {bare['p99_ms']:.1f} ms; platform p99 / bare p99 = {out.get('p99_ratio')} "
          "(target <= 2)")  # fmt: skip
    return out


def consumer_backlog() -> int:
    """Entries not yet handled by any service's consumer group, over every stream."""
    client = redis.Redis.from_url("redis://127.0.0.1:6379/0")
    total = 0
    for stream in client.scan_iter(match="events.*", count=1000):
        for group in client.xinfo_groups(stream):
            total += int(group.get("lag") or 0) + int(group.get("pending") or 0)
    return total


async def inject_views(rate: float, duration: float, posts: list[tuple[str, str]],
                       users: list[str]) -> int:
    """XADD contract-valid ``post_viewed`` envelopes at ``rate`` per second, open loop, as the
    interaction service's relay would: what the consumers of post and engagement then do."""
    client = aioredis.Redis.from_url("redis://127.0.0.1:6379/0")
    rng = random.Random(11)
    sent = 0
    started = time.monotonic()
    due = 0.0
    try:
        while due < duration:
            delay = started + due - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            post_id, author_id = rng.choice(posts)
            now = datetime.now(UTC).isoformat()
            await client.xadd("events.post_viewed", {
                "event_id": str(uuid.uuid4()), "type": "post_viewed", "version": "1",
                "occurred_at": now, "producer": "interaction",
                "data": json.dumps({"view_id": str(uuid.uuid4()), "post_id": post_id,
                                    "post_author_id": author_id, "categories": ["SCIENCE"],
                                    "user_id": rng.choice(users), "viewed_at": now}),
            })  # fmt: skip
            sent += 1
            due += rng.expovariate(rate)
    finally:
        await client.aclose()
    return sent


async def measure_lag(rates: str, duration: float, users: list[str]) -> dict[str, Any]:
    """The highest rate the bare pipeline sustains; then events at half of it onto the
    platform's streams, and its consumers' backlog sampled every 5 s: it must not grow."""
    print("== consumer lag at half the bare pipeline's highest sustained rate")
    sustained = 0.0
    for rate in (float(r) for r in rates.split(",")):
        bare = await event_baseline.run(rate, 15)
        print(f"   bare pipeline {rate:.0f}/s: p99 {bare['p99_ms']:.1f} ms, "
              f"backlog at end {bare['backlog_at_end']}, sustained {bare['sustained']}")  # fmt: skip
        if not bare["sustained"]:
            break
        sustained = rate
    half = sustained / 2
    conn = await asyncpg.connect(POST_DB)
    try:
        rows = await conn.fetch("SELECT id, author_id FROM post WHERE status = 'POSTED' LIMIT 2000")
    finally:
        await conn.close()
    posts = [(str(r["id"]), str(r["author_id"])) for r in rows]
    samples: list[int] = []

    async def sample() -> None:
        while True:
            samples.append(await asyncio.to_thread(consumer_backlog))
            await asyncio.sleep(5)

    await settle()
    sampler = asyncio.create_task(sample())
    sent = await inject_views(half, duration, posts, users)
    await asyncio.sleep(5)
    sampler.cancel()
    after = await asyncio.to_thread(consumer_backlog)
    print(f"   {sent} post_viewed events at {half:.0f}/s for {duration:.0f} s: backlog samples "
          f"{samples}, 5 s after the last: {after}")  # fmt: skip
    return {"bare_sustained_rate": sustained, "platform_rate": half, "events": sent,
            "backlog_samples": samples, "backlog_after": after}  # fmt: skip


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rates", default="50,100,200,300,400,500,600,800,1000,1200",
                        help="feed ladder, requests per second")  # fmt: skip
    parser.add_argument("--mix-rates", default="25,50,75,100,150,200,250,300,400")
    parser.add_argument("--event-rate", type=float, default=100)
    parser.add_argument("--event-duration", type=float, default=30)
    parser.add_argument(
        "--duration", type=float, default=15, help="seconds per ladder step"
    )
    parser.add_argument("--phases", default="feed,mix,propagation,lag")
    parser.add_argument("--lag-rates", default="100,200,400,800,1200,1600,2400")
    parser.add_argument("--scale-only", action="store_true")
    parser.add_argument("--scale-rate", type=float, default=50)
    parser.add_argument("--scale-duration", type=float, default=60)
    parser.add_argument("--compare", nargs=2, metavar=("SMALL", "LARGE"))
    args = parser.parse_args()
    if args.compare:
        small, large = (json.loads(Path(p).read_text())["scale"] for p in args.compare)
        for label in ("feed", "post_list"):
            ratio = large[label]["p99_ms"] / small[label]["p99_ms"]
            print(
                f"{label}: p99 {small[label]['p99_ms']:.2f} ms at {small['posts']} posts, "
                f"{large[label]['p99_ms']:.2f} ms at {large['posts']} posts: ratio {ratio:.2f}"
            )
        return

    users = json.loads(STATE.read_text())["users"]
    for user in users:
        user.setdefault("password", PASSWORD)
    tokens = await sign_in(users)  # once per virtual user, not per request
    report: dict[str, Any] = {
        "date": datetime.now(UTC).isoformat(), "machine": f"{os.cpu_count()} cores",
        "cpu_probe_ms": event_baseline.cpu_probe(),
        "users": len(users), "posts": await post_count(),
    }  # fmt: skip
    # aiohttp, not httpx, for the load itself: measured here, httpx spends about 1.6 ms of client
    # CPU per request and aiohttp about 0.1 ms, and the generator shares the machine it measures.
    connector = aiohttp.TCPConnector(limit=500)
    timeout = aiohttp.ClientTimeout(total=30)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as client:
        work = Workload(client, tokens, await post_ids())
        if args.scale_only:
            scale = lambda: work.feed() if work.rng.random() < 0.5 else work.post_list()
            await open_loop(
                rate=args.scale_rate, duration=3, next_request=scale, seed=99
            )
            await settle()
            result = await open_loop(
                rate=args.scale_rate, duration=args.scale_duration, next_request=scale
            )
            report["scale"] = {"posts": report["posts"], **summary(result)}
            _print_rows(report["scale"])
        else:
            phases = args.phases.split(",")
            if "feed" in phases:
                rates = [float(r) for r in args.rates.split(",")]
                report["feed"] = await measure_feed(work, rates, args.duration)
            if "mix" in phases:
                mix_rates = [float(r) for r in args.mix_rates.split(",")]
                report["mix"] = await measure_mix(work, mix_rates, args.duration)
            if "propagation" in phases:
                report["propagation"] = await measure_propagation(
                    work, args.event_rate, args.event_duration
                )
            if "lag" in phases:
                report["lag"] = await measure_lag(
                    args.lag_rates, args.event_duration * 2, [u["id"] for u in users]
                )
    out = BENCH / "results"
    out.mkdir(exist_ok=True)
    path = out / f"{datetime.now(UTC).strftime('%Y%m%dT%H%M%SZ')}.json"
    path.write_text(json.dumps(report, indent=2, default=str))
    if "feed" in report:
        f = report["feed"]
        print(
            f"feed saturation: platform {f['platform_saturation_rps']:.0f}/s, baseline "
            f"{f['baseline_saturation_rps']:.0f}/s, ratio {f['ratio']} (target >= 0.5)"
        )
    if "mix" in report:
        print(f"mix saturation: {report['mix']['saturation_rps']:.0f}/s")
    if "propagation" in report:
        p = report["propagation"]
        print(f"propagation p99 <= {p.get('p99_ms')} ms at {p['events_per_second']} events/s, "
              f"{p.get('p99_ratio')}x the bare pipeline's (target <= 2x)")  # fmt: skip
    print(f"written {path.relative_to(BENCH.parent)}")


if __name__ == "__main__":
    asyncio.run(main())
