"""The events this service produces and consumes (schemas in ``contracts/events``)."""

from chassis.events import Outbox

outbox = Outbox(producer="post")

# Produced
POST_CREATED = "post_created"
POST_UPDATED = "post_updated"
POST_DELETED = "post_deleted"
CONTENT_REMOVED = "content_removed"

# Consumed
USER_REGISTERED = "user_registered"
USER_UPDATED = "user_updated"
USER_DELETED = "user_deleted"
USER_CONNECTED = "user_connected"
USER_DISCONNECTED = "user_disconnected"
USER_TOKENS_REVOKED = "user_tokens_revoked"
POST_COMMENT_CREATED = "post_comment_created"
POST_COMMENT_UPDATED = "post_comment_updated"
POST_COMMENT_DELETED = "post_comment_deleted"
POST_REACTION_CREATED = "post_reaction_created"
POST_REACTION_UPDATED = "post_reaction_updated"
POST_REACTION_DELETED = "post_reaction_deleted"
POST_VIEWED = "post_viewed"
CONTENT_REMOVAL_REQUESTED = "content_removal_requested"
