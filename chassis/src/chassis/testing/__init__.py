"""Test helpers for services: real Postgres and Redis, the app in its lifespan, stream reads."""

from chassis.testing.helpers import (
    ContractValidator,
    LiveServer,
    RedisServer,
    ServiceProcess,
    assert_error,
    free_port,
    outbox_rows,
    read_events,
    relay_and_read,
    wait_until,
)

__all__ = [
    "ContractValidator",
    "LiveServer",
    "RedisServer",
    "ServiceProcess",
    "assert_error",
    "free_port",
    "outbox_rows",
    "read_events",
    "relay_and_read",
    "wait_until",
]
