"""CPU-seconds per request: the measure a noisy 2-core machine cannot blur.

A saturation ladder resolves to a step of 50-100 requests/s here, so its ratio can read anything
from 0.6 to 2.0. This sends a fixed number of feed requests at a fixed modest rate, first to the
bare baseline (bench/baseline_app.py: FastAPI + asyncpg, the same SQL, no auth, no ORM, no
events), then to the platform, and reads from /proc how much CPU each side used:

- the serving processes: the post service and the auth service (the token check), or the
  baseline's uvicorn;
- Postgres: every ``postgres`` process (their pooled backends live through the run);
- the whole machine (/proc/stat), for context: the generator and everything else included.

    bench/.venv/bin/python bench/cost.py --requests 3000 --rate 100

Needs `make up` and `bench/seed.py` first, and a machine that is otherwise quiet.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parent))
from event_baseline import cpu_probe
from loadgen import open_loop, summary
from run import BASELINE_PORT, BENCH, POST_DB, Workload, post_ids
from seed import PASSWORD, STATE, sign_in

ROOT = BENCH.parent
TICKS = os.sysconf("SC_CLK_TCK")


def process_cpu(pid: int) -> float:
    """User + system CPU seconds of a process, all its threads included."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def postgres_pids() -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip() == "postgres":
                    pids.append(int(entry.name))
            except OSError:
                continue
    return pids


def machine_busy() -> float:
    """CPU seconds the whole machine spent not idle (all cores)."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]  # idle + iowait
    return (sum(values[:8]) - idle) / TICKS


def service_pid(name: str) -> int:
    return int((ROOT / ".run" / f"{name}.pid").read_text())


def snapshot(serving: dict[str, int]) -> dict[str, float]:
    pg = 0.0
    for pid in postgres_pids():
        try:
            pg += process_cpu(pid)
        except OSError:
            continue
    return {
        **{name: process_cpu(pid) for name, pid in serving.items()},
        "postgres": pg,
        "machine": machine_busy(),
    }


async def measure(
    label: str, make: Any, serving: dict[str, int], *, requests: int, rate: float
) -> dict[str, Any]:
    await open_loop(rate=rate, duration=3, next_request=make, seed=99)  # warm-up
    await asyncio.sleep(2)
    before = snapshot(serving)
    result = await open_loop(rate=rate, duration=requests / rate, next_request=make, seed=7)
    after = snapshot(serving)
    sent = result.sent
    per_request = {k: round((after[k] - before[k]) / sent * 1000, 3) for k in before}
    app = sum(per_request[name] for name in serving)
    row = summary(result)["ALL"]
    report = {
        "requests": sent,
        "errors": result.error_count,
        "p50_ms": row["p50_ms"],
        "p99_ms": row["p99_ms"],
        "cpu_ms_per_request": {**per_request, "app": round(app, 3)},
    }
    print(f"   {label:<9} {sent} requests, errors {result.error_count}, p50 {row['p50_ms']:.2f} ms;"
          f" CPU ms/request: app {app:.3f} ({', '.join(f'{n} {per_request[n]:.3f}' for n in serving)}),"
          f" postgres {per_request['postgres']:.3f}, machine {per_request['machine']:.3f}")  # fmt: skip
    return report


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--rate", type=float, default=100)
    args = parser.parse_args()
    print(f"cpu probe: {cpu_probe()} ms")
    users = json.loads(STATE.read_text())["users"]
    for user in users:
        user.setdefault("password", PASSWORD)
    tokens = await sign_in(users)
    connector = aiohttp.TCPConnector(limit=200)
    async with aiohttp.ClientSession(connector=connector) as client:
        work = Workload(client, tokens, await post_ids())
        baseline = subprocess.Popen(  # noqa: ASYNC220 (one server, started once)
            [sys.executable, "-m", "uvicorn", "baseline_app:app", "--port", str(BASELINE_PORT),
             "--log-level", "warning"],
            cwd=BENCH, env={**os.environ, "BASELINE_DATABASE_URL": POST_DB},
        )  # fmt: skip
        try:
            await asyncio.sleep(2)
            print(f"== feed, {args.requests} requests at {args.rate:.0f}/s")
            base = await measure(
                "baseline", work.baseline_feed, {"baseline": baseline.pid},
                requests=args.requests, rate=args.rate,
            )  # fmt: skip
        finally:
            baseline.terminate()
            baseline.wait()
        await asyncio.sleep(2)
        plat = await measure(
            "platform", work.feed, {"post": service_pid("post"), "auth": service_pid("auth")},
            requests=args.requests, rate=args.rate,
        )  # fmt: skip
    ratio_app = plat["cpu_ms_per_request"]["app"] / base["cpu_ms_per_request"]["app"]
    ratio_total = (plat["cpu_ms_per_request"]["app"] + plat["cpu_ms_per_request"]["postgres"]) / (
        base["cpu_ms_per_request"]["app"] + base["cpu_ms_per_request"]["postgres"]
    )
    print(f"application CPU per feed request: platform / baseline = {ratio_app:.2f} "
          f"(target <= 1.25); with Postgres {ratio_total:.2f}")  # fmt: skip
    out = BENCH / "results"
    out.mkdir(exist_ok=True)
    (out / "cost-latest.json").write_text(
        json.dumps({"baseline": base, "platform": plat, "ratio_app": ratio_app,
                    "ratio_with_postgres": ratio_total}, indent=2)  # fmt: skip
    )


if __name__ == "__main__":
    asyncio.run(main())
