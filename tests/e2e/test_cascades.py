"""Deletions cascade across the real services, as each service's README documents.

- Deleting a post: its comments, reactions and views are gone at interaction (404), the
  author's and the actor's activity profiles and the other post's counters are exactly what
  they were before the post existed, unread notices about it are withdrawn (read ones stay),
  and moderation marks its case deleted.
- Deleting an account (``DELETE /users/me`` at auth): its posts are gone at post, its comments
  are tombstones and its reactions and views gone at interaction, the counters of another
  user's post it had commented on go down, its public profile is a 404 at engagement and what
  it did stops counting for others (their notifications about it withdrawn), moderation drops
  its reports and the text of its cases.

Cross-service state is polled for up to 2 s (PROPAGATION); counts that must come *back down*
are read after the consuming service has acked the deletion events (``wait_consumed``), so a
value from before the creation arrived cannot pass for one after the deletion.
"""

from __future__ import annotations

from typing import Any

from tests.e2e.conftest import Platform, User, eventually, until_equal

PROFILE_FIELDS = (
    "posts_published", "comments_made", "comments_received", "reactions_made",
    "reactions_received", "views_made", "views_received", "connections",
)  # fmt: skip


def profile_counts(p: Platform, user: User) -> dict[str, int]:
    return p.counts(user, *PROFILE_FIELDS)


def case_of(p: Platform, moderator: User, content_type: str, content_id: str, author: User) -> Any:
    """The moderation case of a content item, once analysed (any status)."""

    def find() -> dict[str, Any] | None:
        for status in ("APPROVED", "PENDING_REVIEW", "DELETE_REQUESTED", "DELETE_CONFIRMED"):
            url = (
                f"{p.moderation}/moderations?status={status}&content_type={content_type}"
                f"&author_id={author.id}&limit=100"
            )
            for case in p.ok("GET", url, moderator, 200)["items"]:
                if case["content_id"] == content_id:
                    return case
        return None

    return eventually(find, f"moderation case of {content_type} {content_id}")


def test_deleting_a_post_cascades(platform: Platform, moderator: User) -> None:
    p = platform
    ann = p.register("Ann", "Author", interests=["TRAVEL"])
    ben = p.register("Ben", "Reader")

    # Activity on a post that stays: the baseline both profiles must come back to.
    kept = p.create_post(ann, "A post that stays, about the harbour at night.", ["TRAVEL"])
    kept_comments = f"{p.interaction}/posts/{kept['id']}/comments"
    p.ok("POST", kept_comments, ben, 201, {"content": "The harbour looks lovely at night."})
    p.ok("PUT", f"{p.interaction}/posts/{kept['id']}/reactions/me", ben, 201, {"type": "LIKE"})
    ann_before = until_equal(
        lambda: profile_counts(p, ann),
        {"posts_published": 1, "comments_made": 0, "comments_received": 1, "reactions_made": 0,
         "reactions_received": 1, "views_made": 0, "views_received": 0, "connections": 0},
        "Ann's baseline profile",
    )  # fmt: skip
    ben_before = until_equal(
        lambda: profile_counts(p, ben),
        {"posts_published": 0, "comments_made": 1, "comments_received": 0, "reactions_made": 1,
         "reactions_received": 0, "views_made": 0, "views_received": 0, "connections": 0},
        "Ben's baseline profile",
    )  # fmt: skip
    kept_counters = until_equal(
        lambda: p.counters(kept["id"], ann),
        {"total_comments": 1, "total_reactions": 1, "total_views": 0, "score": 0.0,
         "popularity": 0.0},
        "the kept post's counters",
    )  # fmt: skip

    # The post to delete, with two comments (one a reply), a reaction and a view.
    doomed = p.create_post(ann, "Photos from the old lighthouse, more to come.", ["PHOTOGRAPHY"])
    post_id = doomed["id"]
    comments = f"{p.interaction}/posts/{post_id}/comments"
    first = p.ok("POST", comments, ben, 201, {"content": "Which lighthouse is this one?"})
    reply = p.ok(
        "POST", comments, ben, 201,
        {"content": "Found it, the one on the north cape.", "parent_id": first["id"]},
    )  # fmt: skip
    reaction = p.ok("PUT", f"{p.interaction}/posts/{post_id}/reactions/me", ben, 201,
                    {"type": "LOVE"})  # fmt: skip
    assert p.ok("POST", f"{p.interaction}/posts/{post_id}/views", ben, 202)["counted"] is True

    until_equal(
        lambda: p.counters(post_id, ann),
        {"total_comments": 2, "total_reactions": 1, "total_views": 1, "score": 1.0,
         "popularity": 1.0},
        "the doomed post's counters",
    )  # fmt: skip
    until_equal(
        lambda: profile_counts(p, ann),
        {**ann_before, "posts_published": 2, "comments_received": 3, "reactions_received": 2,
         "views_received": 1},
        "Ann's profile with the doomed post",
    )  # fmt: skip
    until_equal(
        lambda: profile_counts(p, ben),
        {**ben_before, "comments_made": 3, "reactions_made": 2, "views_made": 1},
        "Ben's profile with the doomed post",
    )  # fmt: skip
    comment_msg = "Ben Reader commented on your post"
    reaction_msg = "Ben Reader reacted to your post"
    until_equal(
        lambda: p.notification_summary(ann),
        sorted([
            ("POST_COMMENT_RECEIVED", comment_msg, kept["id"], False),
            ("POST_REACTION_RECEIVED", reaction_msg, kept["id"], False),
            ("POST_COMMENT_RECEIVED", comment_msg, post_id, False),
            ("POST_COMMENT_RECEIVED", comment_msg, post_id, False),
            ("POST_REACTION_RECEIVED", reaction_msg, post_id, False),
        ]),
        "Ann's notifications",
    )  # fmt: skip
    # Ann reads the reaction notice about the doomed post: read notices stay as history.
    (read_notice,) = [
        n
        for n in p.notifications(ann)
        if n["post_id"] == post_id and n["type"] == "POST_REACTION_RECEIVED"
    ]
    assert p.ok("POST", f"{p.engagement}/notifications/{read_notice['id']}/read", ann, 200)["read"]
    post_case = case_of(p, moderator, "POST", post_id, ann)
    comment_case = case_of(p, moderator, "COMMENT", first["id"], ben)
    assert post_case["content_deleted"] is False and comment_case["content_deleted"] is False

    # --- Ann deletes the post --------------------------------------------------------------
    assert p.call("DELETE", f"{p.post}/posts/{post_id}", ann).status_code == 204
    assert p.get(f"{p.post}/posts/{post_id}", ann).status_code == 404
    assert p.get(f"{p.post}/posts/{post_id}", ben).status_code == 404
    assert [e["reason"] for e in p.events("post_deleted", post_id=post_id)] == ["author"]

    # interaction: the post, its comments, reaction and views are gone
    urls = (
        comments,
        f"{p.interaction}/comments/{first['id']}",
        f"{p.interaction}/comments/{reply['id']}",
        f"{p.interaction}/reactions/{reaction['id']}",
        f"{p.interaction}/posts/{post_id}/reactions/summary",
        f"{p.interaction}/posts/{post_id}/reactions",
        f"{p.interaction}/posts/{post_id}/views/summary",
    )
    until_equal(
        lambda: {url: p.get(url, ben).status_code for url in urls},
        dict.fromkeys(urls, 404),
        "the post, its comments, reaction, summaries 404 at interaction",
    )
    body = p.get(comments, ben).json()
    assert body["error"]["code"] == "post_not_found", body
    late = p.call("POST", comments, ben, {"content": "Is it still there?"})
    assert late.status_code == 404, late.text
    # one event per item removed, with reason post_deleted
    p.wait_consumed("interaction", "post_deleted", post_id=post_id)
    deleted_comments = p.events("post_comment_deleted", post_id=post_id)
    assert sorted((e["comment_id"], e["reason"]) for e in deleted_comments) == sorted(
        [(first["id"], "post_deleted"), (reply["id"], "post_deleted")]
    ), deleted_comments
    deleted_reactions = p.events("post_reaction_deleted", post_id=post_id)
    assert [(e["reaction_id"], e["reason"]) for e in deleted_reactions] == [
        (reaction["id"], "post_deleted")
    ], deleted_reactions

    # engagement: both profiles exactly as before the post existed
    for event_type in ("post_deleted", "post_comment_deleted", "post_reaction_deleted"):
        p.wait_consumed("engagement", event_type, post_id=post_id)
    assert profile_counts(p, ann) == ann_before
    assert profile_counts(p, ben) == ben_before
    ann_profile = p.profile(ann)
    assert ann_profile["reactions_received_by_type"]["LOVE"] == 0, ann_profile
    assert ann_profile["posts_owned"] == 1, ann_profile
    # the unread notices about the post are withdrawn; the read one and the other post's stay
    assert p.notification_summary(ann) == sorted([
        ("POST_COMMENT_RECEIVED", comment_msg, kept["id"], False),
        ("POST_REACTION_RECEIVED", reaction_msg, kept["id"], False),
        ("POST_REACTION_RECEIVED", reaction_msg, post_id, True),
    ])  # fmt: skip
    assert p.ok("GET", f"{p.engagement}/notifications/unread-count", ann, 200) == {"unread": 2}

    # post: the other post's counters did not move
    for event_type in ("post_comment_deleted", "post_reaction_deleted"):
        p.wait_consumed("post", event_type, post_id=post_id)
    assert p.counters(kept["id"], ann) == kept_counters

    # moderation: the post's case and its comments' cases are marked deleted
    until_equal(
        lambda: [
            p.ok("GET", f"{p.moderation}/moderations/{c['id']}", moderator, 200)["content_deleted"]
            for c in (post_case, comment_case)
        ],
        [True, True],
        "moderation cases of the post and its comment marked deleted",
    )

    counts = p.validate_streams()
    assert counts.get("post_deleted", 0) > 0 and counts.get("post_reaction_deleted", 0) > 0


def test_deleting_an_account_cascades(platform: Platform, moderator: User) -> None:
    p = platform
    olga = p.register("Olga", "Stays", interests=["MUSIC"])
    dan = p.register("Dan", "Leaves", interests=["MUSIC"])
    p.connect(dan, olga)

    olga_post = p.create_post(olga, "Rehearsal notes for the spring concert.", ["MUSIC"])
    dan_post = p.create_post(dan, "My favourite records of the year, in no order.", ["MUSIC"])
    op, dp = olga_post["id"], dan_post["id"]

    # Dan on Olga's post: two comments (Olga replies to the first), a reaction, a view
    op_comments = f"{p.interaction}/posts/{op}/comments"
    dan_first = p.ok("POST", op_comments, dan, 201, {"content": "Which pieces are you playing?"})
    dan_second = p.ok("POST", op_comments, dan, 201, {"content": "I will be in the front row."})
    olga_reply = p.ok(
        "POST", op_comments, olga, 201,
        {"content": "Mostly Brahms, and one surprise.", "parent_id": dan_first["id"]},
    )  # fmt: skip
    dan_reaction = p.ok("PUT", f"{p.interaction}/posts/{op}/reactions/me", dan, 201,
                        {"type": "LIKE"})  # fmt: skip
    assert p.ok("POST", f"{p.interaction}/posts/{op}/views", dan, 202)["counted"] is True
    # Olga on Dan's post: a comment, a reaction, a view
    olga_comment = p.ok(
        "POST", f"{p.interaction}/posts/{dp}/comments", olga, 201, {"content": "Great list!"}
    )
    p.ok("PUT", f"{p.interaction}/posts/{dp}/reactions/me", olga, 201, {"type": "LOVE"})
    assert p.ok("POST", f"{p.interaction}/posts/{dp}/views", olga, 202)["counted"] is True

    # Dan reports Olga's post (once moderation has analysed it: 404 before)
    def report_olga_post() -> dict[str, Any] | None:
        body = {"content_type": "POST", "content_id": op, "reason": "RULES_VIOLATION"}
        response = p.call("POST", f"{p.moderation}/reports", dan, body)
        return response.json() if response.status_code == 201 else None

    report = eventually(report_olga_post, "Dan's report accepted")
    assert report["content_id"] == op, report

    # --- before: every service shows Dan's activity ---------------------------------------
    until_equal(
        lambda: p.counters(op, olga),
        {"total_comments": 3, "total_reactions": 1, "total_views": 1, "score": 1.0,
         "popularity": 1.0},
        "Olga's post counters",
    )  # fmt: skip
    until_equal(
        lambda: profile_counts(p, olga),
        {"posts_published": 1, "comments_made": 2, "comments_received": 2, "reactions_made": 1,
         "reactions_received": 1, "views_made": 1, "views_received": 1, "connections": 1},
        "Olga's profile",
    )  # fmt: skip
    until_equal(
        lambda: p.notification_summary(olga),
        sorted([
            ("USER_CONNECTED", "Dan Leaves connected with you", None, False),
            ("POST_COMMENT_RECEIVED", "Dan Leaves commented on your post", op, False),
            ("POST_COMMENT_RECEIVED", "Dan Leaves commented on your post", op, False),
            ("POST_REACTION_RECEIVED", "Dan Leaves reacted to your post", op, False),
        ]),
        "Olga's notifications",
    )  # fmt: skip
    assert p.get(f"{p.engagement}/users/{dan.id}/activity-profile", olga).status_code == 200
    olga_case = case_of(p, moderator, "POST", op, olga)
    detail = p.ok("GET", f"{p.moderation}/moderations/{olga_case['id']}", moderator, 200)
    assert detail["report_count"] == 1, detail
    assert [r["reporter_id"] for r in detail["reports"]] == [dan.id], detail
    dan_case = case_of(p, moderator, "POST", dp, dan)
    dan_comment_case = case_of(p, moderator, "COMMENT", dan_first["id"], dan)
    assert dan_case["excerpt"] and dan_comment_case["excerpt"], (dan_case, dan_comment_case)

    # --- Dan deletes his account ----------------------------------------------------------
    assert p.call("DELETE", f"{p.auth}/users/me", dan).status_code == 204
    assert p.get(f"{p.auth}/users/me", dan).status_code == 401
    assert p.get(f"{p.auth}/users/{dan.id}", olga).status_code == 404
    signin = p.call(
        "POST", f"{p.auth}/auth/signin", None, {"email": dan.email, "password": "x" * 8}
    )
    assert signin.status_code == 401, signin.text
    assert p.ok("GET", f"{p.auth}/users/me", olga, 200)["total_connections"] == 0
    revoked = p.events("user_tokens_revoked", user_id=dan.id)
    assert [e["reason"] for e in revoked] == ["account_deleted"], revoked
    assert len(p.events("user_deleted", user_id=dan.id)) == 1

    # post: Dan's post is gone (post_deleted, reason account_deleted)
    until_equal(
        lambda: p.get(f"{p.post}/posts/{dp}", olga).status_code, 404, "Dan's post gone at post"
    )
    assert [e["reason"] for e in p.events("post_deleted", post_id=dp)] == ["account_deleted"]

    # interaction: Dan's comments are tombstones (the reply by Olga keeps its thread), his
    # reaction and views are gone; his post and what was on it answer 404
    def tombstone(comment_id: str) -> dict[str, Any] | None:
        body = p.ok("GET", f"{p.interaction}/comments/{comment_id}", olga, 200)
        return body if body["deleted"] else None

    first_after = eventually(lambda: tombstone(dan_first["id"]), "Dan's first comment tombstoned")
    assert first_after["content"] is None and first_after["author"] is None, first_after
    assert first_after["reply_count"] == 1, first_after
    eventually(lambda: tombstone(dan_second["id"]), "Dan's second comment tombstoned")
    reply_after = p.ok("GET", f"{p.interaction}/comments/{olga_reply['id']}", olga, 200)
    assert reply_after["deleted"] is False, reply_after
    assert reply_after["parent"] == {"id": dan_first["id"], "deleted": True}, reply_after
    listed = p.ok("GET", op_comments, olga, 200)["items"]
    # a deleted top-level comment is listed only while it has live replies
    assert [(c["id"], c["deleted"]) for c in listed] == [(dan_first["id"], True)], listed
    until_equal(
        lambda: p.get(f"{p.interaction}/reactions/{dan_reaction['id']}", olga).status_code,
        404,
        "Dan's reaction gone at interaction",
    )
    summary = p.ok("GET", f"{p.interaction}/posts/{op}/reactions/summary", olga, 200)
    assert (summary["total"], summary["positive"]) == (0, 0), summary
    views = p.ok("GET", f"{p.interaction}/posts/{op}/views/summary", olga, 200)
    assert (views["unique_viewers"], views["counted_views"]) == (0, 0), views
    until_equal(
        lambda: p.get(f"{p.interaction}/comments/{olga_comment['id']}", olga).status_code,
        404,
        "comments on Dan's post gone with it",
    )
    assert p.get(f"{p.interaction}/posts/{dp}/comments", olga).status_code == 404
    comment_reasons = {
        e["comment_id"]: e["reason"] for e in p.events("post_comment_deleted", author_id=dan.id)
    }
    assert comment_reasons == {
        dan_first["id"]: "account_deleted",
        dan_second["id"]: "account_deleted",
    }, comment_reasons
    assert [e["reason"] for e in p.events("post_reaction_deleted", user_id=dan.id)] == [
        "account_deleted"
    ]

    # post: the counters of Olga's post go down (comments and reactions); the README says
    # removed views are not announced, so total_views keeps Dan's view
    for event_type in ("post_comment_deleted", "post_reaction_deleted"):
        p.wait_consumed("post", event_type, post_id=op)
    p.wait_consumed("post", "user_deleted", user_id=dan.id)
    assert p.counters(op, olga) == {
        "total_comments": 1,  # Olga's reply
        "total_reactions": 0,
        "total_views": 1,
        "score": 1.0,  # (0 positive reactions + 1 comment) / 1 view
        "popularity": 1.0,  # 1 view / max(0 connections, 1)
    }

    # engagement: Dan's public profile is a 404; what he did or received stops counting for
    # Olga; his connection and Olga's notices about him are gone
    until_equal(
        lambda: p.get(f"{p.engagement}/users/{dan.id}/activity-profile", olga).status_code,
        404,
        "Dan's public profile gone at engagement",
    )
    gone = p.get(f"{p.engagement}/users/{dan.id}/activity-profile", olga).json()
    assert gone["error"]["code"] == "user_not_found", gone
    p.wait_consumed("engagement", "user_deleted", user_id=dan.id)
    p.wait_consumed("engagement", "post_deleted", post_id=dp)
    for event_type in ("post_comment_deleted", "post_reaction_deleted"):
        p.wait_consumed("engagement", event_type, post_id=op)
    assert profile_counts(p, olga) == {
        "posts_published": 1,
        "comments_made": 1,  # her reply on her own post; her comment on Dan's post is gone
        "comments_received": 0,
        "reactions_made": 0,
        "reactions_received": 0,
        "views_made": 0,
        "views_received": 0,
        "connections": 0,
    }
    assert p.notification_summary(olga) == []
    recs = p.ok("GET", f"{p.engagement}/recommendations/connections", olga, 200)["items"]
    assert dan.id not in {r["user"]["id"] for r in recs}, recs

    # moderation: Dan's report is dropped (the count recomputed); his content's cases keep
    # their decision but lose the text, with an AUTHOR_DELETED entry
    def olga_case_reports() -> tuple[int, list[str]]:
        body = p.ok("GET", f"{p.moderation}/moderations/{olga_case['id']}", moderator, 200)
        return body["report_count"], [r["reporter_id"] for r in body["reports"]]

    until_equal(olga_case_reports, (0, []), "Dan's report dropped by moderation")

    def without_text(case_id: str) -> dict[str, Any] | None:
        body = p.ok("GET", f"{p.moderation}/moderations/{case_id}", moderator, 200)
        return body if body["content"] is None else None

    for case in (dan_case, dan_comment_case):
        after = eventually(lambda c=case: without_text(c["id"]), "the text of Dan's case dropped")
        assert after["excerpt"] is None and after["title"] is None, after
        assert after["status"] == case["status"] and after["decision"] == case["decision"], after
        assert "AUTHOR_DELETED" in [a["action"] for a in after["history"]], after

    counts = p.validate_streams()
    assert counts.get("user_deleted", 0) > 0 and counts.get("user_tokens_revoked", 0) > 0
