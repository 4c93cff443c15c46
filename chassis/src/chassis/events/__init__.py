"""The event backbone: envelope, transactional outbox and relay, idempotent consumers."""

from chassis.events.consumer import EventConsumer, Handler
from chassis.events.envelope import Envelope, dead_letter_stream, stream_for
from chassis.events.outbox import Outbox, OutboxRelay

__all__ = [
    "Envelope",
    "EventConsumer",
    "Handler",
    "Outbox",
    "OutboxRelay",
    "dead_letter_stream",
    "stream_for",
]
