"""The events this service consumes (schemas in ``contracts/events``).

It produces none today: notifications go to each user's own Redis stream
(``notifications:{user_id}``), not to the platform's event streams. The outbox is here so a
future event has one place to start from, and so the backbone relay runs like everywhere else.
"""

from chassis.events import Outbox

outbox = Outbox(producer="engagement")

# Consumed
USER_REGISTERED = "user_registered"
USER_UPDATED = "user_updated"
USER_DELETED = "user_deleted"
USER_CONNECTED = "user_connected"
USER_DISCONNECTED = "user_disconnected"
USER_TOKENS_REVOKED = "user_tokens_revoked"
POST_CREATED = "post_created"
POST_UPDATED = "post_updated"
POST_DELETED = "post_deleted"
POST_COMMENT_CREATED = "post_comment_created"
POST_COMMENT_UPDATED = "post_comment_updated"
POST_COMMENT_DELETED = "post_comment_deleted"
POST_REACTION_CREATED = "post_reaction_created"
POST_REACTION_UPDATED = "post_reaction_updated"
POST_REACTION_DELETED = "post_reaction_deleted"
POST_VIEWED = "post_viewed"
CONTENT_REMOVED = "content_removed"

CONSUMED = (
    USER_REGISTERED,
    USER_UPDATED,
    USER_DELETED,
    USER_CONNECTED,
    USER_DISCONNECTED,
    USER_TOKENS_REVOKED,
    POST_CREATED,
    POST_UPDATED,
    POST_DELETED,
    POST_COMMENT_CREATED,
    POST_COMMENT_UPDATED,
    POST_COMMENT_DELETED,
    POST_REACTION_CREATED,
    POST_REACTION_UPDATED,
    POST_REACTION_DELETED,
    POST_VIEWED,
    CONTENT_REMOVED,
)
