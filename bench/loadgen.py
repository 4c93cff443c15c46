"""An open-loop load generator: Poisson arrivals, latency from the intended send time.

A closed-loop tool (wrk, locust) waits for a response before sending the next request, so when
the server stalls it sends less and the stall hides from the histogram (coordinated omission).
Here every request has an intended start drawn from a Poisson process at the target rate; it is
sent at that time whatever happened before, and its latency is counted from that intended time.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from hdrh.histogram import HdrHistogram

# One request of the mix: (endpoint label, coroutine factory returning the HTTP status).
Request = tuple[str, Callable[[], Awaitable[int]]]


@dataclass
class Result:
    rate: float
    duration: float
    histograms: dict[str, HdrHistogram] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)
    sent: int = 0
    # How far behind its schedule the generator fell at worst: large values mean the client,
    # not the server, was the limit.
    max_send_lag: float = 0.0

    def histogram(self, label: str) -> HdrHistogram:
        if label not in self.histograms:
            # 1 µs .. 60 s, 3 significant digits; values in microseconds.
            self.histograms[label] = HdrHistogram(1, 60_000_000, 3)
        return self.histograms[label]

    def merged(self) -> HdrHistogram:
        total = HdrHistogram(1, 60_000_000, 3)
        for histogram in self.histograms.values():
            total.add(histogram)
        return total

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())


async def open_loop(
    *,
    rate: float,
    duration: float,
    next_request: Callable[[], Request],
    seed: int = 1,
    max_in_flight: int = 2000,
    drain_seconds: float = 10.0,
) -> Result:
    """Send Poisson arrivals at ``rate`` per second for ``duration`` seconds.

    Requests still unanswered ``drain_seconds`` after the last send are cancelled and counted as
    errors, so an overloaded step cannot leak load into the next one.
    """
    rng = random.Random(seed)
    result = Result(rate=rate, duration=duration)
    loop = asyncio.get_running_loop()
    start = loop.time() + 0.05
    intended = start
    tasks: set[asyncio.Task[None]] = set()

    async def fire(label: str, call: Callable[[], Awaitable[int]], at: float) -> None:
        try:
            status = await call()
            ok = status < 400
        except (Exception, asyncio.CancelledError):  # noqa: BLE001 (refused, reset, cancelled)
            ok = False
        elapsed_us = max(1, int((loop.time() - at) * 1_000_000))
        result.histogram(label).record_value(min(elapsed_us, 60_000_000))
        if not ok:
            result.errors[label] = result.errors.get(label, 0) + 1

    while intended < start + duration:
        intended += rng.expovariate(rate)
        delay = intended - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        else:
            result.max_send_lag = max(result.max_send_lag, -delay)
        if (
            len(tasks) >= max_in_flight
        ):  # the client itself is saturated: count as errors
            result.errors["client_overload"] = (
                result.errors.get("client_overload", 0) + 1
            )
            continue
        label, call = next_request()
        task = asyncio.create_task(fire(label, call, intended))
        tasks.add(task)
        task.add_done_callback(tasks.discard)
        result.sent += 1
    if tasks:
        _, pending = await asyncio.wait(tasks, timeout=drain_seconds)
        for task in pending:
            task.cancel()
        if pending:
            await asyncio.wait(pending)
    return result


def summary(result: Result) -> dict[str, dict[str, float]]:
    """p50, p99, p99.9 in milliseconds, count and error rate per endpoint and overall."""
    rows: dict[str, dict[str, float]] = {}
    for label, histogram in sorted(result.histograms.items()):
        rows[label] = _row(histogram, result.errors.get(label, 0))
    rows["ALL"] = _row(result.merged(), result.error_count)
    return rows


def _row(histogram: HdrHistogram, errors: int) -> dict[str, float]:
    count = histogram.get_total_count()
    return {
        "count": count,
        "p50_ms": histogram.get_value_at_percentile(50) / 1000,
        "p99_ms": histogram.get_value_at_percentile(99) / 1000,
        "p999_ms": histogram.get_value_at_percentile(99.9) / 1000,
        "error_rate": errors / count if count else 0.0,
    }


def now() -> float:
    return time.monotonic()
