"""The pure rules of the post projection: which posts may be interacted with."""

from __future__ import annotations

import uuid
from datetime import datetime, timezone

import pytest

from interaction_service.posts.client import RemotePost
from interaction_service.posts.models import Post, PostStatus
from interaction_service.posts.service import PostRef, post_event_fields, remote_is_visible

WHEN = datetime(2026, 5, 1, tzinfo=timezone.utc)


def post(status: PostStatus = PostStatus.POSTED, *, deleted: bool = False) -> Post:
    return Post(
        id=uuid.uuid4(),
        author_id=uuid.uuid4(),
        status=status,
        categories=["TRAVEL", "FOOD"],
        source_updated_at=WHEN,
        deleted_at=WHEN if deleted else None,
    )


def test_only_a_posted_live_post_is_visible() -> None:
    assert post().is_visible
    assert not post(PostStatus.DRAFT).is_visible
    assert not post(PostStatus.ARCHIVED).is_visible
    assert not post(deleted=True).is_visible  # a tombstone stays gone, whatever its status


@pytest.mark.parametrize(("status", "visible"), [("POSTED", True), ("DRAFT", False), ("X", False)])
def test_a_post_learnt_over_http_is_visible_only_when_posted(status: str, visible: bool) -> None:
    remote = RemotePost(id=uuid.uuid4(), author_id=uuid.uuid4(), status=status)
    assert remote_is_visible(remote) is visible


def test_a_post_learnt_over_http_is_marked_to_be_recorded() -> None:
    remote = RemotePost.model_validate(
        {
            "id": str(uuid.uuid4()),
            "created_by": str(uuid.uuid4()),
            "status": "POSTED",
            "categories": ["ART"],
            "updated_at": WHEN.isoformat(),
            "title": "ignored",
        }
    )
    ref = PostRef.fetched(remote)
    assert (ref.id, ref.author_id, ref.categories, ref.updated_at) == (
        remote.id,
        remote.author_id,
        ["ART"],
        WHEN,
    )
    assert ref.known_locally is False
    assert PostRef.of(post()).known_locally is True


def test_every_event_names_the_post_its_author_and_categories() -> None:
    row = post()
    expected = {
        "post_id": str(row.id),
        "post_author_id": str(row.author_id),
        "categories": ["TRAVEL", "FOOD"],
    }
    assert post_event_fields(row) == expected
    assert post_event_fields(PostRef.of(row)) == expected
