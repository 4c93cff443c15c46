"""The notification rules without a database: who is told about a comment, how reaction
groups grow and shrink, and what a disappearing cause withdraws."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone

from engagement_service.activity.rules import COMMENT, DELETED, LIVE, REACTION, VIEW, Item
from engagement_service.notifications.models import NotificationType
from engagement_service.notifications.rules import (
    EXCERPT_LENGTH,
    Notice,
    about_oneself,
    comment_notices,
    early_reply_notices,
    excerpt,
    group_until,
    joined,
    reaction_group_key,
    reactors_leaving,
    withdrawn_comments,
    without,
)

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc)
ANN, BEN, CAT = uuid.UUID(int=1), uuid.UUID(int=2), uuid.UUID(int=3)
POST, OTHER_POST = uuid.UUID(int=100), uuid.UUID(int=101)


def item(
    kind: str,
    *,
    actor: uuid.UUID,
    owner: uuid.UUID = ANN,
    post: uuid.UUID = POST,
    parent: uuid.UUID | None = None,
    state: str = LIVE,
) -> Item:
    return Item(
        item_id=uuid.uuid4(),
        kind=kind,
        actor_id=actor,
        owner_id=owner,
        post_id=post,
        parent_id=parent,
        type="LIKE" if kind == REACTION else None,
        categories=["MUSIC"],
        state=state,
        occurred_at=NOW,
    )


def kinds(notices: list[Notice]) -> list[tuple[uuid.UUID, NotificationType]]:
    return [(n.user_id, n.type) for n in notices]


def test_the_excerpt_is_one_line_and_cut_with_an_ellipsis() -> None:
    assert excerpt(None) is None
    assert excerpt("  Nice\n\tpost  ") == "Nice post"
    long = excerpt("x" * 500)
    assert long is not None and len(long) == EXCERPT_LENGTH and long.endswith("…")
    assert excerpt("y" * EXCERPT_LENGTH) == "y" * EXCERPT_LENGTH


def test_nobody_is_told_of_their_own_action() -> None:
    assert about_oneself(user_id=ANN, actor_id=ANN)
    assert not about_oneself(user_id=ANN, actor_id=BEN)
    assert not about_oneself(user_id=ANN, actor_id=None)  # a moderation notice has no actor


def test_a_comment_tells_the_posts_author() -> None:
    comment = item(COMMENT, actor=BEN)
    (notice,) = comment_notices(comment, parent=None, excerpt="Hi")
    assert (notice.user_id, notice.type, notice.actor_id) == (
        ANN,
        NotificationType.POST_COMMENT_RECEIVED,
        BEN,
    )
    assert (notice.post_id, notice.subject_id, notice.data) == (
        POST,
        comment.item_id,
        {"excerpt": "Hi"},
    )


def test_a_reply_tells_the_parents_author_and_the_posts() -> None:
    parent = item(COMMENT, actor=BEN)
    reply = item(COMMENT, actor=CAT, parent=parent.item_id)
    reply_notice, post_notice = comment_notices(reply, parent=parent, excerpt="Agreed")
    assert kinds([reply_notice, post_notice]) == [
        (BEN, NotificationType.COMMENT_REPLY),
        (ANN, NotificationType.POST_COMMENT_RECEIVED),
    ]
    assert reply_notice.data == {"excerpt": "Agreed", "parent_id": str(parent.item_id)}


def test_a_reply_to_the_authors_own_comment_tells_them_once() -> None:
    own = item(COMMENT, actor=ANN)
    reply = item(COMMENT, actor=CAT, parent=own.item_id)
    assert kinds(comment_notices(reply, parent=own, excerpt=None)) == [
        (ANN, NotificationType.COMMENT_REPLY)
    ]


def test_a_reply_to_a_deleted_or_unknown_parent_tells_only_the_posts_author() -> None:
    gone = item(COMMENT, actor=BEN, state=DELETED)
    reply = item(COMMENT, actor=CAT, parent=gone.item_id)
    expected = [(ANN, NotificationType.POST_COMMENT_RECEIVED)]
    assert kinds(comment_notices(reply, parent=gone, excerpt=None)) == expected
    assert kinds(comment_notices(reply, parent=None, excerpt=None)) == expected
    not_a_comment = item(REACTION, actor=BEN)
    assert kinds(comment_notices(reply, parent=not_a_comment, excerpt=None)) == expected


def test_replies_that_came_first_tell_the_comments_author_once() -> None:
    comment = item(COMMENT, actor=BEN)
    by_cat = item(COMMENT, actor=CAT, parent=comment.item_id)
    by_ben = item(COMMENT, actor=BEN, parent=comment.item_id)  # his own: nobody to tell
    told = item(COMMENT, actor=ANN, parent=comment.item_id)
    notices = early_reply_notices(comment, [by_cat, by_ben, told], already_told={told.item_id})
    assert [(n.user_id, n.actor_id, n.subject_id) for n in notices] == [(BEN, CAT, by_cat.item_id)]
    assert notices[0].data == {"excerpt": None, "parent_id": str(comment.item_id)}


def test_a_group_takes_reactions_for_its_window_most_recent_actor_first() -> None:
    assert reaction_group_key(POST) == f"reactions:{POST}"
    assert group_until(NOW, timedelta(minutes=10)) == NOW + timedelta(minutes=10)
    assert joined([], "a") == ["a"]
    assert joined(["b", "a"], "c") == ["c", "b", "a"]
    assert joined(["b", "a", "c"], "a") == ["a", "b", "c"]  # again: moves up, once


def test_leaving_actors_shrink_a_group_and_the_last_one_ends_it() -> None:
    assert without(["a", "b"], {"c"}) is None  # not in it: nothing changes
    assert without(["a", "b", "c"], {"b"}) == ["a", "c"]
    assert without(["a"], {"a"}) == []


def test_uncounted_items_withdraw_comment_notices_and_reactors() -> None:
    comment = item(COMMENT, actor=BEN)
    reaction = item(REACTION, actor=BEN)
    elsewhere = item(REACTION, actor=CAT, post=OTHER_POST)
    own = item(REACTION, actor=ANN)  # never notified, so nothing to withdraw
    view = item(VIEW, actor=CAT)
    items = [comment, reaction, elsewhere, own, view]
    assert withdrawn_comments(items) == [comment.item_id]
    assert reactors_leaving(items) == {
        (ANN, reaction_group_key(POST)): {str(BEN)},
        (ANN, reaction_group_key(OTHER_POST)): {str(CAT)},
    }
