"""The event types this service names (loaded from ``contracts/events``) and its outbox.

It produces no event today: notifications go to each user's own Redis stream
(``notifications:{user_id}``), not to the platform's event streams. The outbox is here so a
future event has one place to start from, and so the backbone relay runs like everywhere else.
"""

from pathlib import Path

from chassis.contracts import event_types
from chassis.events import Outbox

EVENTS = event_types(Path(__file__).resolve().parent)
outbox = Outbox(producer="engagement", event_types=EVENTS)
