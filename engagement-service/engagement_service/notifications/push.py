"""The push-delivery hook: where a deployment plugs in mobile or browser push.

Every notification is stored in-app and reaches connected clients over SSE. Besides that, the
delivery relay hands each new or updated notification to a ``PushDelivery`` after it is
committed and on the user's stream. The class is named by the setting
``ENGAGEMENT_PUSH_DELIVERY_CLASS`` ("package.module.ClassName") and built once at start-up with
the service settings as its only argument. To send through Firebase Cloud Messaging or the
Apple Push Notification service, implement ``deliver`` in your own package (device tokens,
credentials and retries are that implementation's business) and name the class in the setting.

``deliver`` may be called more than once for one notification (delivery is at least once, and
a grouped notification is delivered again each time it grows). An exception is logged and
does not stop in-app delivery.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

if TYPE_CHECKING:
    from engagement_service.notifications.schemas import NotificationRead


@runtime_checkable
class PushDelivery(Protocol):
    async def deliver(self, notification: NotificationRead) -> None: ...


class InAppOnly:
    """The default: notifications stay in the app (list, unread count, SSE). Nothing is sent
    anywhere else, and nothing pretends to."""

    def __init__(self, settings: Any = None) -> None:
        self.settings = settings

    async def deliver(self, notification: NotificationRead) -> None:
        return None


def load_push_delivery(class_path: str, settings: Any) -> PushDelivery:
    """Import ``package.module.ClassName`` and build it with ``settings``; fail fast at start-up."""
    module_name, _, class_name = class_path.rpartition(".")
    if not module_name:
        raise ValueError(f"push_delivery_class must be 'package.module.ClassName': {class_path!r}")
    cls = getattr(importlib.import_module(module_name), class_name, None)
    if cls is None:
        raise ValueError(f"push_delivery_class {class_path!r}: no such class")
    instance = cls(settings)
    if not isinstance(instance, PushDelivery):
        raise TypeError(f"{class_path} has no async deliver(notification) method")
    return instance
