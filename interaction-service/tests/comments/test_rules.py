"""The pure rules of comments: who may delete, how replies thread, what the events say."""

from __future__ import annotations

import uuid

import pytest

from interaction_service.comments.models import DeletionReason
from interaction_service.comments.rules import (
    content_removed_data,
    deleted_event_data,
    deletion_reason,
    replies_per_parent,
    thread_root,
)
from interaction_service.posts.models import Post, PostStatus

AUTHOR, POST_AUTHOR, OTHER = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()


def test_a_reply_to_a_top_level_comment_goes_under_it() -> None:
    top = uuid.uuid4()
    assert thread_root(comment_id=top, parent_id=None) == top


def test_a_reply_to_a_reply_joins_the_top_level_comment_of_its_thread() -> None:
    top, reply = uuid.uuid4(), uuid.uuid4()
    assert thread_root(comment_id=reply, parent_id=top) == top


def reason(actor: uuid.UUID, role: str = "user") -> DeletionReason | None:
    return deletion_reason(
        comment_author_id=AUTHOR, post_author_id=POST_AUTHOR, actor_id=actor, actor_role=role
    )


@pytest.mark.parametrize(
    ("actor", "role", "expected"),
    [
        (AUTHOR, "user", DeletionReason.AUTHOR),
        (POST_AUTHOR, "user", DeletionReason.POST_AUTHOR),
        (OTHER, "admin", DeletionReason.ADMIN),
        (OTHER, "moderator", DeletionReason.MODERATOR),
        # The first match wins: an author who is also staff deletes as the author.
        (AUTHOR, "admin", DeletionReason.AUTHOR),
        (POST_AUTHOR, "moderator", DeletionReason.POST_AUTHOR),
    ],
)
def test_who_may_delete_a_comment_and_why(
    actor: uuid.UUID, role: str, expected: DeletionReason
) -> None:
    assert reason(actor, role) is expected


@pytest.mark.parametrize("role", ["user", "ADMIN", "Moderator", ""])
def test_anyone_else_may_not_delete_it(role: str) -> None:
    assert reason(OTHER, role) is None


def test_the_author_of_both_the_comment_and_the_post_deletes_as_the_author() -> None:
    same = uuid.uuid4()
    found = deletion_reason(
        comment_author_id=same, post_author_id=same, actor_id=same, actor_role="user"
    )
    assert found is DeletionReason.AUTHOR


def test_replies_are_counted_per_top_level_comment() -> None:
    first, second = uuid.uuid4(), uuid.uuid4()
    rows = [
        {"id": uuid.uuid4(), "parent_id": first},
        {"id": uuid.uuid4(), "parent_id": None},  # a top-level comment: no parent to update
        {"id": uuid.uuid4(), "parent_id": first},
        {"id": uuid.uuid4(), "parent_id": second},
    ]
    assert replies_per_parent(rows) == {first: 2, second: 1}
    assert replies_per_parent([]) == {}


def test_a_deletion_event_carries_the_post_and_the_reason() -> None:
    post = Post(
        id=uuid.uuid4(), author_id=POST_AUTHOR, status=PostStatus.POSTED, categories=["ART"]
    )
    comment_id, parent_id = uuid.uuid4(), uuid.uuid4()

    data = deleted_event_data(
        comment_id, post, author_id=AUTHOR, parent_id=parent_id, reason=DeletionReason.MODERATION
    )

    assert data == {
        "comment_id": str(comment_id),
        "post_id": str(post.id),
        "post_author_id": str(POST_AUTHOR),
        "categories": ["ART"],
        "author_id": str(AUTHOR),
        "parent_id": str(parent_id),
        "reason": "moderation",
    }
    top = deleted_event_data(
        comment_id, post, author_id=AUTHOR, parent_id=None, reason=DeletionReason.AUTHOR
    )
    assert top["parent_id"] is None


def test_a_removal_confirmation_says_whether_the_comment_was_already_gone() -> None:
    moderation_id, comment_id, post_id = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    removed = content_removed_data(
        moderation_id=moderation_id,
        comment_id=comment_id,
        author_id=AUTHOR,
        post_id=post_id,
        reason="SPAM",
        removed=True,
    )
    assert removed == {
        "moderation_id": str(moderation_id),
        "content_type": "COMMENT",
        "content_id": str(comment_id),
        "author_id": str(AUTHOR),
        "post_id": str(post_id),
        "reason": "SPAM",
        "already_gone": False,
    }
    unknown = content_removed_data(
        moderation_id=moderation_id,
        comment_id=comment_id,
        author_id=AUTHOR,
        post_id=None,
        reason="SPAM",
        removed=False,
    )
    assert (unknown["post_id"], unknown["already_gone"]) == (None, True)
