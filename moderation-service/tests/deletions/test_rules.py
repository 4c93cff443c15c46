"""What the history says of a deletion, without a database."""

from __future__ import annotations

from moderation_service.core.vocabulary import ContentType
from moderation_service.deletions.service import deletion_note
from tests.conftest import case_in_memory


def test_the_note_names_who_deleted_what() -> None:
    post = case_in_memory()
    comment = case_in_memory(content_type=ContentType.COMMENT, post_id=post.content_id)
    assert deletion_note(post, deleted_id=post.content_id, deleted_by="author") == (
        "Deleted by its owner service (author)"
    )
    assert deletion_note(comment, deleted_id=post.content_id, deleted_by="moderation") == (
        "Its post was deleted (moderation)"
    )
    assert deletion_note(comment, deleted_id=comment.content_id, deleted_by="author") == (
        "Deleted by its owner service (author)"
    )
