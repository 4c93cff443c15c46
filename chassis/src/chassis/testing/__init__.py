"""Test helpers for services: real Postgres and Redis, the app in its lifespan, stream reads."""

from chassis.testing.helpers import (
    ContractValidator,
    EventBus,
    LiveServer,
    RedisServer,
    ServiceProcess,
    assert_error,
    auth_service_process,
    drain,
    free_port,
    outbox_rows,
    publish_event,
    read_events,
    relay_and_read,
    threaded_dependencies,
    wait_until,
)

__all__ = [
    "ContractValidator",
    "EventBus",
    "LiveServer",
    "RedisServer",
    "ServiceProcess",
    "assert_error",
    "auth_service_process",
    "drain",
    "free_port",
    "outbox_rows",
    "publish_event",
    "read_events",
    "relay_and_read",
    "threaded_dependencies",
    "wait_until",
]
