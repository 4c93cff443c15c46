"""The event types this service names (loaded from ``contracts/events``) and its outbox."""

from pathlib import Path

from chassis.contracts import event_types
from chassis.events import Outbox

EVENTS = event_types(Path(__file__).resolve().parent)
outbox = Outbox(producer="interaction", event_types=EVENTS)
