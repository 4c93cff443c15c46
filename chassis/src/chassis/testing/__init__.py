"""Test helpers for services: real Postgres and Redis, the app in its lifespan, stream reads."""

from chassis.testing.helpers import (
    ContractValidator,
    LiveServer,
    RedisServer,
    free_port,
    read_events,
    wait_until,
)

__all__ = [
    "ContractValidator",
    "LiveServer",
    "RedisServer",
    "free_port",
    "read_events",
    "wait_until",
]
