"""The rules of posts as pure functions (``posts.rules``, ``posts.lists``): no database."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from chassis.errors import AppError
from chassis.pagination import PageParams, encode_cursor
from chassis.tokens import Identity
from post_service.core.vocabulary import Category
from post_service.posts import rules
from post_service.posts.lists import PostFilters, after_cursor, cut_page
from post_service.posts.models import IdempotencyKey, Post, PostStatus
from post_service.posts.schemas import PostCreate

pytestmark = pytest.mark.usefixtures("orm_models")

NOW = datetime(2026, 5, 1, 12, 0, tzinfo=timezone.utc)
ANN, BOB = uuid.uuid4(), uuid.uuid4()


def user(user_id: uuid.UUID, role: str = "user", status: str = "ACTIVE") -> Identity:
    return Identity(id=user_id, role=role, status=status, claims={})


def post(status: PostStatus = PostStatus.POSTED, **fields: Any) -> Post:
    values: dict[str, Any] = {
        "id": uuid.uuid4(),
        "author_id": ANN,
        "title": "A title",
        "content": "Hello",
        "categories": ["ART"],
        "status": status,
        "created_at": NOW,
        "updated_at": NOW,
        "listed_at": NOW,
        **fields,
    }
    return Post(**values)


def error_of(call: Any) -> tuple[int, str]:
    with pytest.raises(AppError) as caught:
        call()
    return caught.value.status_code, caught.value.code


# --- visibility ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "viewer", "readable"),
    [
        (PostStatus.POSTED, ANN, True),
        (PostStatus.POSTED, BOB, True),
        (PostStatus.DRAFT, ANN, True),
        (PostStatus.DRAFT, BOB, False),
        (PostStatus.ARCHIVED, ANN, True),
        (PostStatus.ARCHIVED, BOB, False),
    ],
)
def test_posted_posts_are_public_others_only_their_authors(
    status: PostStatus, viewer: uuid.UUID, readable: bool
) -> None:
    row = post(status)
    assert rules.is_visible(row, user(viewer)) is readable
    if readable:
        assert rules.check_readable(row, user(viewer)) is row
    else:  # a 404, never a 403: hidden posts do not leak
        assert error_of(lambda: rules.check_readable(row, user(viewer))) == (404, "post_not_found")


def test_a_missing_post_is_404_and_a_removed_one_410_for_its_author_only() -> None:
    assert error_of(lambda: rules.check_readable(None, user(ANN))) == (404, "post_not_found")
    removed = post(removed_at=NOW, removal_reason="spam")
    assert error_of(lambda: rules.check_readable(removed, user(ANN))) == (
        410,
        "removed_by_moderation",
    )
    assert error_of(lambda: rules.check_readable(removed, user(BOB))) == (404, "post_not_found")


def test_only_the_author_edits() -> None:
    rules.check_editor(post(), user(ANN))
    assert error_of(lambda: rules.check_editor(post(), user(BOB))) == (403, "not_author")


def test_who_may_delete_and_the_reason_they_give() -> None:
    assert rules.deletion_reason(post(), user(ANN)) == "author"
    assert rules.deletion_reason(post(PostStatus.DRAFT), user(BOB, "moderator")) == "moderator"
    removed = post(removed_at=NOW)
    assert rules.deletion_reason(removed, user(BOB, "admin")) == "admin"
    assert rules.deletion_reason(removed, user(ANN)) == "author"
    assert error_of(lambda: rules.deletion_reason(post(), user(BOB)))[0] == 403
    assert error_of(lambda: rules.deletion_reason(post(PostStatus.DRAFT), user(BOB))) == (
        404,
        "post_not_found",
    )
    assert error_of(lambda: rules.deletion_reason(removed, user(BOB))) == (404, "post_not_found")


# --- changes ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("previous", "target", "allowed"),
    [
        (PostStatus.DRAFT, PostStatus.POSTED, True),
        (PostStatus.DRAFT, PostStatus.ARCHIVED, True),
        (PostStatus.POSTED, PostStatus.ARCHIVED, True),
        (PostStatus.ARCHIVED, PostStatus.POSTED, True),
        (PostStatus.POSTED, PostStatus.DRAFT, False),
        (PostStatus.ARCHIVED, PostStatus.DRAFT, False),
        (PostStatus.POSTED, PostStatus.POSTED, True),  # the same status: a no-op
        (PostStatus.DRAFT, None, True),  # no status sent
    ],
)
def test_the_status_state_machine(
    previous: PostStatus, target: PostStatus | None, allowed: bool
) -> None:
    if allowed:
        rules.check_transition(previous, target)
    else:
        assert error_of(lambda: rules.check_transition(previous, target)) == (
            409,
            "invalid_transition",
        )


def test_only_real_changes_count_and_only_the_title_can_be_cleared() -> None:
    row = post(title="Old", categories=["ART"])
    assert rules.changed_fields(row, {"title": "Old", "categories": ["ART"]}) == []
    assert rules.changed_fields(row, {"title": None}) == ["title"]
    assert rules.changed_fields(row, {"content": None, "status": None}) == []
    changes = rules.normalised(
        {"status": PostStatus.ARCHIVED, "categories": [Category.MUSIC], "content": "New"}
    )
    assert changes["categories"] == ["MUSIC"]
    assert rules.changed_fields(row, changes) == ["content", "categories", "status"]


def test_a_post_publishes_first_only_once() -> None:
    assert rules.publishes_first(post(PostStatus.POSTED, published_at=None))
    assert not rules.publishes_first(post(PostStatus.POSTED, published_at=NOW))
    assert not rules.publishes_first(post(PostStatus.ARCHIVED, published_at=None))


# --- events -------------------------------------------------------------------------------


def test_event_data_carries_ids_and_text_only() -> None:
    row = post()
    data = rules.post_event_data(row, changed=["title"])
    assert data == {
        "post_id": str(row.id),
        "author_id": str(ANN),
        "title": "A title",
        "content": "Hello",
        "categories": ["ART"],
        "status": "POSTED",
        "created_at": NOW.isoformat(),
        "updated_at": NOW.isoformat(),
        "changed": ["title"],
    }
    assert rules.deleted_event_data(row, reason="author") == {
        "post_id": str(row.id),
        "author_id": str(ANN),
        "categories": ["ART"],
        "status": "POSTED",
        "reason": "author",
    }
    moderation_id = uuid.uuid4()
    assert rules.content_removed_data(
        moderation_id=moderation_id, post_id=row.id, author_id=ANN, reason="spam", already_gone=True
    ) == {
        "moderation_id": str(moderation_id),
        "content_type": "POST",
        "content_id": str(row.id),
        "author_id": str(ANN),
        "post_id": str(row.id),
        "reason": "spam",
        "already_gone": True,
    }


# --- idempotency --------------------------------------------------------------------------


def test_a_key_replays_the_same_request_and_refuses_another() -> None:
    body = PostCreate(content="Hi", categories=[Category.ART], status=PostStatus.DRAFT)
    same = PostCreate(status=PostStatus.DRAFT, categories=[Category.ART], content="Hi")
    other = PostCreate(content="Hi!", categories=[Category.ART], status=PostStatus.DRAFT)
    assert rules.request_hash(body) == rules.request_hash(same)
    assert rules.request_hash(body) != rules.request_hash(other)
    stored = IdempotencyKey(
        request_hash=rules.request_hash(body), status_code=201, response={"a": 1}
    )
    assert rules.replay_of(stored, rules.request_hash(same)) == rules.Replay(201, {"a": 1})
    assert error_of(lambda: rules.replay_of(stored, rules.request_hash(other))) == (
        422,
        "idempotency_key_reused",
    )


# --- lists --------------------------------------------------------------------------------


def test_popular_lists_by_hot_and_anything_else_by_listing_time() -> None:
    assert PostFilters(popular=True).key == "hot"
    assert PostFilters().key == "listed_at"


def test_cursors_are_typed_by_the_order_they_continue() -> None:
    post_id = uuid.uuid4()
    assert after_cursor(PageParams(), "hot") is None
    assert after_cursor(PageParams(cursor=encode_cursor([0.5, post_id])), "hot") == [0.5, post_id]
    recent = encode_cursor([NOW, post_id])
    assert after_cursor(PageParams(cursor=recent), "listed_at") == [NOW, post_id]
    # A listed_at cursor does not continue the popular order, nor the other way round.
    assert error_of(lambda: after_cursor(PageParams(cursor=recent), "hot")) == (
        400,
        "invalid_cursor",
    )
    hot = encode_cursor([0.5, post_id])
    assert error_of(lambda: after_cursor(PageParams(cursor=hot), "listed_at")) == (
        400,
        "invalid_cursor",
    )


def test_a_page_is_cut_from_one_row_more_than_it_shows() -> None:
    rows = [{"id": uuid.uuid4(), "k": NOW - timedelta(hours=i)} for i in range(3)]
    assert cut_page(rows, 3) == (rows, None)
    assert cut_page(rows[:1], 3) == (rows[:1], None)
    shown, after = cut_page(rows, 2)
    assert list(shown) == rows[:2]
    assert after == [rows[1]["k"], rows[1]["id"]]  # the last row shown, not the extra one
    assert cut_page([], 5) == ([], None)
