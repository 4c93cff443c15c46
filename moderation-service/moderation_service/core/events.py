"""The events this service produces and consumes, by their contracts (``contracts/events``):
``EVENTS.post_created`` is ``"post_created"``; a type without a contract fails at import."""

from pathlib import Path

from chassis.contracts import event_types
from chassis.events import Outbox

EVENTS = event_types(Path(__file__).resolve().parent)
outbox = Outbox(producer="moderation", event_types=EVENTS)
