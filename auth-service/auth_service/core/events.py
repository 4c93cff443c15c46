"""The events this service produces (schemas in ``contracts/events``).

``EVENTS.user_updated`` is ``"user_updated"``; a type without a contract fails at import, and
the outbox refuses one at run time.
"""

from pathlib import Path

from chassis.contracts import event_types
from chassis.events import Outbox

EVENTS = event_types(Path(__file__).resolve().parent)
outbox = Outbox(producer="auth", event_types=EVENTS)
