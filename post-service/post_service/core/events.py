"""The events this service produces and consumes (schemas in ``contracts/events``).

``EVENTS.post_created`` is ``"post_created"``; a type without a contract fails at import, and
the outbox refuses one at run time.
"""

from pathlib import Path

from chassis.contracts import event_types
from chassis.events import Outbox

EVENTS = event_types(Path(__file__).resolve().parent)
outbox = Outbox(producer="post", event_types=EVENTS)
