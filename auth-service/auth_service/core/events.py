"""The events this service produces (schemas in ``contracts/events``)."""

from chassis.events import Outbox

outbox = Outbox(producer="auth")

USER_REGISTERED = "user_registered"
USER_UPDATED = "user_updated"
USER_DELETED = "user_deleted"
USER_CONNECTED = "user_connected"
USER_DISCONNECTED = "user_disconnected"
USER_TOKENS_REVOKED = "user_tokens_revoked"
