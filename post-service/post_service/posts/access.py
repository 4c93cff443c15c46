"""Loading a post for a caller, with the visibility and authorship rules (``posts.rules``)."""

from __future__ import annotations

import uuid

from chassis.tokens import Identity
from post_service.posts import queries, rules
from post_service.posts.models import Post


async def get_post(post_id: uuid.UUID, *, viewer: Identity, lock: bool = False) -> Post:
    """The post with its author if ``viewer`` may see it; 404 otherwise, 410 for the author of
    a removed post."""
    post = rules.check_readable(await queries.load_post(post_id, lock=lock), viewer)
    await queries.load_author(post)
    return post


async def get_post_to_edit(post_id: uuid.UUID, *, editor: Identity) -> Post:
    """Locked for the update; 403 for a visible post of someone else."""
    post = await get_post(post_id, viewer=editor, lock=True)
    rules.check_editor(post, editor)
    return post


async def get_post_to_delete(post_id: uuid.UUID, *, user: Identity) -> tuple[Post, str]:
    """Locked for deletion, with the ``post_deleted`` reason: author, moderator or admin."""
    post = await queries.load_post(post_id, lock=True)
    if post is None:
        raise rules.post_not_found()
    return post, rules.deletion_reason(post, user)
