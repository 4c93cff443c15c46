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
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg
import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from loadgen import Result, open_loop, summary  # noqa: E402
from seed import PASSWORD, POST_DB, STATE, sign_in  # noqa: E402

BENCH = Path(__file__).resolve().parent
POST = "http://127.0.0.1:8001/api/v1"
INTERACTION = "http://127.0.0.1:8002/api/v1"
BASELINE_PORT = 8101
SERVICES_WITH_CONSUMERS = {"post": 8001, "interaction": 8002, "moderation": 8003,
                           "engagement": 8004}  # fmt: skip


class Workload:
    def __init__(self, client: httpx.AsyncClient, tokens: dict[str, str], post_ids: list[str]):
        self.client = client
        self.tokens = list(tokens.items())
        self.post_ids = post_ids
        self.rng = random.Random(3)

    def _user(self) -> tuple[str, dict[str, str]]:
        user_id, token = self.rng.choice(self.tokens)
        return user_id, {"Authorization": f"Bearer {token}"}

    async def _status(self, method: str, url: str, **kw: Any) -> int:
        return (await self.client.request(method, url, **kw)).status_code

    def feed(self) -> tuple[str, Any]:
        _, headers = self._user()
        return "feed", lambda: self._status("GET", f"{POST}/posts/feed", headers=headers)

    def baseline_feed(self) -> tuple[str, Any]:
        user_id, _ = self._user()
        url = f"http://127.0.0.1:{BASELINE_PORT}/feed"
        return "baseline_feed", lambda: self._status("GET", url, params={"user_id": user_id})

    def post_list(self) -> tuple[str, Any]:
        _, headers = self._user()
        return "post_list", lambda: self._status("GET", f"{POST}/posts", headers=headers)

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


def saturation(results: list[Result]) -> tuple[float, float]:
    """Highest rate whose p99 ≤ 5 × the lowest rate's p50 with no errors; and that bound."""
    low_p50 = summary(results[0])["ALL"]["p50_ms"]
    best = 0.0
    for result in results:
        row = summary(result)["ALL"]
        if row["p99_ms"] <= 5 * low_p50 and result.error_count == 0:
            best = max(best, result.rate)
    return best, 5 * low_p50


async def ladder(make, rates: list[float], duration: float) -> list[Result]:  # type: ignore[no-untyped-def]
    results = []
    for rate in rates:
        result = await open_loop(rate=rate, duration=duration, next_request=make)
        row = summary(result)["ALL"]
        print(f"   {rate:>6.0f}/s  p50 {row['p50_ms']:7.2f}  p99 {row['p99_ms']:8.2f}  "
              f"p99.9 {row['p999_ms']:8.2f} ms  errors {result.error_count}")  # fmt: skip
        results.append(result)
        await asyncio.sleep(1)
    return results


def propagation_buckets() -> dict[float, float]:
    """Cumulative event_propagation_seconds buckets summed over every consumer and type."""
    buckets: dict[float, float] = {}
    for port in SERVICES_WITH_CONSUMERS.values():
        text = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=5).text
        for le, value in re.findall(
            r'event_propagation_seconds_bucket\{le="([^"]+)",type="[^"]+"\} ([0-9.e+]+)', text
        ):
            bound = float("inf") if le == "+Inf" else float(le)
            buckets[bound] = buckets.get(bound, 0.0) + float(value)
    return buckets


def propagation(before: dict[float, float], after: dict[float, float]) -> dict[str, float]:
    """p50/p99 (bucket upper bounds) of the events consumed between two scrapes."""
    buckets = {b: after[b] - before.get(b, 0.0) for b in after}
    if not buckets or buckets.get(float("inf"), 0) == 0:
        return {}
    total = buckets[float("inf")]
    out = {"count": total}
    for name, q in (("p50_ms", 0.5), ("p99_ms", 0.99)):
        out[name] = next(b for b in sorted(buckets) if buckets[b] >= q * total) * 1000
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


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rates", default="25,50,100,150,200,300,400")
    parser.add_argument("--duration", type=float, default=10)
    parser.add_argument("--scale-only", action="store_true")
    parser.add_argument("--scale-rate", type=float, default=50)
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
        "users": len(users), "posts": await post_count(),
    }  # fmt: skip
    limits = httpx.Limits(max_connections=500, max_keepalive_connections=200)
    async with httpx.AsyncClient(limits=limits, timeout=30) as client:
        work = Workload(client, tokens, await post_ids())
        if args.scale_only:
            result = await open_loop(
                rate=args.scale_rate, duration=args.duration,
                next_request=lambda: work.feed() if work.rng.random() < 0.5 else work.post_list(),
            )  # fmt: skip
            report["scale"] = {"posts": report["posts"], **summary(result)}
        else:
            rates = [float(r) for r in args.rates.split(",")]
            baseline = subprocess.Popen(
                [sys.executable, "-m", "uvicorn", "baseline_app:app", "--port",
                 str(BASELINE_PORT), "--log-level", "warning"],
                cwd=BENCH, env={**os.environ, "BASELINE_DATABASE_URL": POST_DB},
            )  # fmt: skip
            try:
                time.sleep(2)
                print("== baseline feed (FastAPI + asyncpg, same SQL)")
                base = await ladder(work.baseline_feed, rates, args.duration)
                print("== platform feed (auth, ORM, events)")
                plat = await ladder(work.feed, rates, args.duration)
            finally:
                baseline.terminate()
            base_sat, _ = saturation(base)
            plat_sat, bound = saturation(plat)
            report["feed"] = {
                "baseline_saturation_rps": base_sat, "platform_saturation_rps": plat_sat,
                "ratio": plat_sat / base_sat if base_sat else None, "p99_bound_ms": bound,
                "baseline": {r.rate: summary(r)["ALL"] for r in base},
                "platform": {r.rate: summary(r)["ALL"] for r in plat},
            }  # fmt: skip
            mix_rate = max(10.0, 0.7 * plat_sat)
            print(f"== mix at {mix_rate:.0f}/s")
            before = propagation_buckets()
            mix = await open_loop(rate=mix_rate, duration=args.duration * 2, next_request=work.mix)
            await asyncio.sleep(2)  # let the last events land
            after = propagation_buckets()
            report["mix"] = {"rate": mix_rate, **summary(mix)}
            for label, row in report["mix"].items():
                if isinstance(row, dict):
                    print(f"   {label:<22} n={row['count']:>6}  p50 {row['p50_ms']:7.2f}  "
                          f"p99 {row['p99_ms']:8.2f}  p99.9 {row['p999_ms']:8.2f} ms  "
                          f"errors {row['error_rate']:.2%}")  # fmt: skip
            report["propagation"] = propagation(before, after)
    out = BENCH / "results"
    out.mkdir(exist_ok=True)
    path = out / f"{datetime.now(UTC).strftime('%Y%m%dT%H%M%SZ')}.json"
    path.write_text(json.dumps(report, indent=2, default=str))
    print(json.dumps({k: v for k, v in report.items() if k not in ("feed", "mix")}, indent=2))
    if "feed" in report:
        f = report["feed"]
        print(f"feed saturation: platform {f['platform_saturation_rps']}/s, baseline "
              f"{f['baseline_saturation_rps']}/s, ratio {f['ratio']}")  # fmt: skip
    print(f"written {path.relative_to(BENCH.parent)}")


if __name__ == "__main__":
    asyncio.run(main())
