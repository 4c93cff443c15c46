"""The events this service produces and consumes (schemas in ``contracts/events``)."""

from chassis.events import Outbox

outbox = Outbox(producer="moderation")

# Produced
CONTENT_REMOVAL_REQUESTED = "content_removal_requested"

# Consumed
POST_CREATED = "post_created"
POST_UPDATED = "post_updated"
POST_DELETED = "post_deleted"
POST_COMMENT_CREATED = "post_comment_created"
POST_COMMENT_UPDATED = "post_comment_updated"
POST_COMMENT_DELETED = "post_comment_deleted"
CONTENT_REMOVED = "content_removed"
USER_DELETED = "user_deleted"
USER_UPDATED = "user_updated"
USER_TOKENS_REVOKED = "user_tokens_revoked"
