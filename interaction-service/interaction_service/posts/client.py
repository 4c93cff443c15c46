"""The one synchronous call to the post service: a post whose events have not reached us yet.

It forwards the caller's bearer token through the pooled HTTP client with a bounded timeout.
200 gives the post; 404 (no such post, or one this caller may not see) and 410 (a post removed
by moderation, as its author is told) say there is none to interact with; anything else
(timeout, refused connection, 5xx, an unreadable body) is the post service being unavailable,
which the caller answers with 503.
"""

from __future__ import annotations

import logging
import uuid
from datetime import datetime

import httpx
from pydantic import AliasChoices, BaseModel, ConfigDict, Field, ValidationError

from chassis.errors import ServiceUnavailable
from interaction_service.core.context import InteractionContext

logger = logging.getLogger("interaction.posts")


class RemotePost(BaseModel):
    """The fields this service reads from the post service's ``PostRead``; others are ignored."""

    model_config = ConfigDict(extra="ignore")

    id: uuid.UUID
    author_id: uuid.UUID = Field(validation_alias=AliasChoices("created_by", "author_id"))
    status: str
    categories: list[str] = Field(default_factory=list, max_length=17)
    updated_at: datetime | None = None


async def fetch_post(
    ctx: InteractionContext, *, post_id: uuid.UUID, token: str
) -> RemotePost | None:
    """The post as the post service sees it for this caller, or None if it has no such post."""
    url = f"{ctx.settings.post_url.rstrip('/')}/api/v1/posts/{post_id}"
    try:
        response = await ctx.http.get(
            url,
            headers={"Authorization": f"Bearer {token}"},
            timeout=httpx.Timeout(ctx.settings.post_timeout_seconds),
        )
    except httpx.HTTPError as exc:
        logger.warning("post service unreachable: %r", exc)
        raise ServiceUnavailable("The post service is unavailable") from exc
    if response.status_code in (404, 410):
        return None
    if response.status_code != 200:
        logger.warning("post service answered %s for post %s", response.status_code, post_id)
        raise ServiceUnavailable("The post service is unavailable")
    try:
        post = RemotePost.model_validate(response.json())
    except (ValueError, ValidationError) as exc:
        raise ServiceUnavailable("The post service gave an unexpected answer") from exc
    if post.id != post_id:
        raise ServiceUnavailable("The post service gave an unexpected answer")
    return post
