"""The events this service produces (schemas in ``contracts/events``)."""

from chassis.events import Outbox

outbox = Outbox(producer="interaction")

POST_COMMENT_CREATED = "post_comment_created"
POST_COMMENT_UPDATED = "post_comment_updated"
POST_COMMENT_DELETED = "post_comment_deleted"
POST_REACTION_CREATED = "post_reaction_created"
POST_REACTION_UPDATED = "post_reaction_updated"
POST_REACTION_DELETED = "post_reaction_deleted"
POST_VIEWED = "post_viewed"
CONTENT_REMOVED = "content_removed"
