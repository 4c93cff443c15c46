"""The seed's whole flow across the five real services, every step asserted.

Alice and Bob sign up and activate (the token from auth's mail log), Alice connects to Carol,
Bob to Alice; Alice writes and publishes posts; Bob comments, replies, reacts and views. Then:
both activity profiles (exact counts), Alice's notifications (types and messages), Bob's
recommendations (Carol, "1 mutual connection"), the post's counters, and an offensive comment
removed by moderation (the case DELETE_CONFIRMED with its reason and scores, the comment a
tombstone, the counter back down). Finally every event on the streams is checked against its
contract. What another service shows after an event is polled for up to 2 s (PROPAGATION).
"""

from __future__ import annotations

from tests.e2e.conftest import Platform, User, eventually, until_equal

OFFENSIVE = "You are a worthless idiot and this is shit."


def test_whole_flow(platform: Platform, moderator: User) -> None:
    p = platform

    # --- accounts: sign-up, activation (token from the mail log), sign-in -----------------
    alice = p.register("Alice", "Liddell", interests=["PHOTOGRAPHY"])
    bob = p.register("Bob", "Builder", interests=["TRAVEL"])
    carol = p.register("Carol", "Singer", interests=["MUSIC"])
    # user_registered reached engagement: the public profiles exist, all zeros.
    for user in (alice, bob, carol):
        public = eventually(
            lambda u=user: p.found(f"{p.engagement}/users/{u.id}/activity-profile", bob),
            f"public profile of {user.first_name} at engagement",
        )
        assert (public["first_name"], public["last_name"]) == (user.first_name, user.last_name)
        assert public["posts_published"] == public["comments_made"] == 0, public

    # --- connections: Bob -> Alice, Alice -> Carol ----------------------------------------
    p.connect(bob, alice)
    p.connect(alice, carol)
    assert p.ok("GET", f"{p.auth}/users/me", alice, 200)["total_connections"] == 2
    until_equal(lambda: p.profile(alice)["connections"], 2, "Alice's connections at engagement")
    until_equal(lambda: p.profile(bob)["connections"], 1, "Bob's connections at engagement")
    until_equal(
        lambda: p.notification_summary(alice),
        [("USER_CONNECTED", "Bob Builder connected with you", None, False)],
        "Alice told that Bob connected",
    )
    until_equal(
        lambda: p.notification_summary(carol),
        [("USER_CONNECTED", "Alice Liddell connected with you", None, False)],
        "Carol told that Alice connected",
    )
    assert p.notifications(bob) == []

    # --- recommendations: Carol (Alice's connection) for Bob ------------------------------
    def carol_for_bob() -> list[dict]:
        body = p.ok("GET", f"{p.engagement}/recommendations/connections", bob, 200)
        return [r for r in body["items"] if r["user"]["id"] == carol.id]

    (rec,) = eventually(carol_for_bob, "Carol recommended to Bob")
    assert rec["mutual_connections"] == 1, rec
    assert rec["reasons"][0] == "1 mutual connection", rec
    assert (rec["user"]["first_name"], rec["user"]["last_name"]) == ("Carol", "Singer"), rec
    others = p.ok("GET", f"{p.engagement}/recommendations/connections", bob, 200)["items"]
    assert {r["user"]["id"] for r in others} == {carol.id}, others  # never self or Alice

    # --- posts: a draft published, and a second post published at once ------------------
    draft = p.ok(
        "POST", f"{p.post}/posts", alice, 201,
        {"title": "Spring in the city", "status": "DRAFT", "categories": ["PHOTOGRAPHY", "TRAVEL"],
         "content": "The cherry trees along the river are in bloom this week."},
    )  # fmt: skip
    assert draft["status"] == "DRAFT" and draft["published_at"] is None, draft
    assert p.get(f"{p.post}/posts/{draft['id']}", bob).status_code == 404  # drafts are private
    post_id = draft["id"]
    published = p.ok("PATCH", f"{p.post}/posts/{post_id}", alice, 200, {"status": "POSTED"})
    assert published["status"] == "POSTED" and published["published_at"], published
    second = p.create_post(alice, "Back from a weekend by the sea, photos to follow.", ["TRAVEL"])
    assert second["status"] == "POSTED", second
    seen = p.ok("GET", f"{p.post}/posts/{post_id}", bob, 200)
    assert seen["author"]["id"] == alice.id and seen["total_comments"] == 0, seen

    until_equal(
        lambda: p.counts(alice, "posts_published", "posts_owned", "posts_draft"),
        {"posts_published": 2, "posts_owned": 2, "posts_draft": 0},
        "Alice's posts at engagement",
    )
    until_equal(
        lambda: {i["id"] for i in p.ok("GET", f"{p.post}/posts/feed", bob, 200)["items"]},
        {post_id, second["id"]},
        "Alice's posts in Bob's feed (user_connected at post)",
    )
    nft = eventually(lambda: p.found(f"{p.post}/posts/{post_id}/nft", alice), "the NFT record")
    assert nft["status"] == "READY_FOR_MINTING" and nft["token_uri"].startswith("ipfs://bafkrei")
    # moderation analysed both posts (created as a draft, analysed again on publication or not)
    cases = f"{p.moderation}/moderations?status=APPROVED&content_type=POST&author_id={alice.id}"
    until_equal(
        lambda: {c["content_id"] for c in p.ok("GET", cases, moderator, 200)["items"]},
        {post_id, second["id"]},
        "both posts analysed and approved by moderation",
    )

    # --- Bob comments, replies, reacts and views (interaction) ---------------------------
    comments = f"{p.interaction}/posts/{post_id}/comments"
    comment = p.ok("POST", comments, bob, 201, {"content": "Lovely photos, which bridge is this?"})
    assert comment["post_id"] == post_id and comment["parent"] is None, comment
    assert comment["author"]["id"] == bob.id and comment["deleted"] is False, comment
    reply = p.ok(
        "POST", comments, bob, 201,
        {"content": "Went there yesterday, the petals were everywhere.", "parent_id": comment["id"]},
    )  # fmt: skip
    assert reply["parent"] == {"id": comment["id"], "deleted": False}, reply
    listed = p.ok("GET", comments, bob, 200)["items"]
    assert [(c["id"], c["reply_count"]) for c in listed] == [(comment["id"], 1)], listed

    reactions = f"{p.interaction}/posts/{post_id}/reactions"
    liked = p.ok("PUT", f"{reactions}/me", bob, 201, {"type": "LIKE"})
    loved = p.ok("PUT", f"{reactions}/me", bob, 200, {"type": "LOVE"})
    assert loved["id"] == liked["id"] and loved["type"] == "LOVE", (liked, loved)
    summary = p.ok("GET", f"{reactions}/summary", bob, 200)
    assert (summary["total"], summary["positive"], summary["mine"]) == (1, 1, "LOVE"), summary
    assert summary["counts"]["LOVE"] == 1 and summary["counts"]["LIKE"] == 0, summary

    views = f"{p.interaction}/posts/{post_id}/views"
    assert p.ok("POST", views, bob, 202)["counted"] is True
    assert p.ok("POST", views, bob, 202)["counted"] is False  # same 30-minute window
    views_summary = p.ok("GET", f"{views}/summary", alice, 200)
    assert (views_summary["unique_viewers"], views_summary["counted_views"]) == (1, 1)

    # --- the post's counters (post service, from interaction's events) -------------------
    # score = (positive reactions + comments) / views, capped at 1; popularity = views /
    # max(Alice's connections = 2, 1).
    until_equal(
        lambda: p.counters(post_id, alice),
        {"total_comments": 2, "total_reactions": 1, "total_views": 1, "score": 1.0,
         "popularity": 0.5},
        "post counters",
    )  # fmt: skip

    # --- both activity profiles (engagement) ---------------------------------------------
    until_equal(
        lambda: p.counts(
            alice, "posts_published", "comments_made", "comments_received", "reactions_made",
            "reactions_received", "views_received", "views_made", "connections",
        ),
        {"posts_published": 2, "comments_made": 0, "comments_received": 2, "reactions_made": 0,
         "reactions_received": 1, "views_received": 1, "views_made": 0, "connections": 2},
        "Alice's activity profile",
    )  # fmt: skip
    alice_profile = p.profile(alice)
    assert alice_profile["reactions_received_by_type"]["LOVE"] == 1, alice_profile
    assert alice_profile["reactions_received_by_type"]["LIKE"] == 0, alice_profile
    assert alice_profile["engagement_score"] > 0, alice_profile
    until_equal(
        lambda: p.counts(
            bob, "posts_published", "comments_made", "comments_received", "reactions_made",
            "reactions_received", "views_received", "views_made", "connections",
        ),
        {"posts_published": 0, "comments_made": 2, "comments_received": 0, "reactions_made": 1,
         "reactions_received": 0, "views_received": 0, "views_made": 1, "connections": 1},
        "Bob's activity profile",
    )  # fmt: skip
    bob_profile = p.profile(bob)
    assert bob_profile["reactions_made_by_type"]["LOVE"] == 1, bob_profile
    # Bob's public profile, as Alice sees it: no private fields
    public = p.ok("GET", f"{p.engagement}/users/{bob.id}/activity-profile", alice, 200)
    assert public["comments_made"] == 2 and "views_made" not in public, public

    # --- Alice's notifications: the connection, two comments, one reaction ---------------
    until_equal(
        lambda: p.notification_summary(alice),
        sorted([
            ("USER_CONNECTED", "Bob Builder connected with you", None, False),
            ("POST_COMMENT_RECEIVED", "Bob Builder commented on your post", post_id, False),
            ("POST_COMMENT_RECEIVED", "Bob Builder commented on your post", post_id, False),
            ("POST_REACTION_RECEIVED", "Bob Builder reacted to your post", post_id, False),
        ]),
        "Alice's notifications",
    )  # fmt: skip
    unread = p.ok("GET", f"{p.engagement}/notifications/unread-count", alice, 200)
    assert unread == {"unread": 4}, unread
    assert p.notifications(bob) == []  # nobody is told about their own actions

    # --- post recommendations for Bob: the post he has not viewed, not the one he did ----
    recommended = {
        r["post_id"]: r
        for r in p.ok("GET", f"{p.engagement}/recommendations/posts?limit=100", bob, 200)["items"]
    }
    assert second["id"] in recommended and post_id not in recommended, recommended
    assert "matches your interest in TRAVEL" in recommended[second["id"]]["reasons"]

    # --- an offensive comment: analysed, removed, confirmed, its author told -------------
    bad = p.ok("POST", comments, bob, 201, {"content": OFFENSIVE})

    def removed_comment() -> dict | None:
        body = p.ok("GET", f"{p.interaction}/comments/{bad['id']}", alice, 200)
        return body if body["deleted"] else None

    tombstone = eventually(removed_comment, "the offensive comment removed at interaction")
    assert tombstone["content"] is None and tombstone["author"] is None, tombstone
    removed = p.events("post_comment_deleted", comment_id=bad["id"])
    assert [e["reason"] for e in removed] == ["moderation"], removed

    def confirmed_case() -> dict | None:
        url = (
            f"{p.moderation}/moderations?status=DELETE_CONFIRMED&content_type=COMMENT"
            f"&author_id={bob.id}"
        )
        items = p.ok("GET", url, moderator, 200)["items"]
        return next((c for c in items if c["content_id"] == bad["id"]), None)

    case = eventually(confirmed_case, "the moderation case DELETE_CONFIRMED")
    detail = p.ok("GET", f"{p.moderation}/moderations/{case['id']}", moderator, 200)
    assert detail["status"] == "DELETE_CONFIRMED", detail
    assert detail["decision"] == "REMOVE", detail
    assert detail["reason"] == "OFFENSIVE_CONTENT", detail
    assert detail["score"] >= 0.9 and detail["scores"]["offensive"] >= 0.9, detail
    assert detail["post_id"] == post_id and detail["content"] == OFFENSIVE, detail
    actions = [a["action"] for a in detail["history"]]
    assert actions[0] == "ANALYSED" and actions[-1] == "REMOVAL_CONFIRMED", actions
    assert "REMOVAL_REQUESTED" in actions, actions
    assert [a["to_status"] for a in detail["history"] if a["action"] == "REMOVAL_REQUESTED"] == [
        "DELETE_REQUESTED"
    ]
    requested = p.events("content_removal_requested", content_id=bad["id"])
    assert [(e["content_type"], e["reason"]) for e in requested] == [
        ("COMMENT", "OFFENSIVE_CONTENT")
    ]
    answered = p.events("content_removed", content_id=bad["id"])
    assert [(e["already_gone"], e["post_id"]) for e in answered] == [(False, post_id)], answered

    # the post's count is back to 2 once the post service has handled both the creation and
    # the deletion (so this is not the count from before the creation arrived)
    p.wait_consumed("post", "post_comment_created", comment_id=bad["id"])
    p.wait_consumed("post", "post_comment_deleted", comment_id=bad["id"])
    assert p.counters(post_id, alice)["total_comments"] == 2

    # Bob is told; Alice's notice about the removed comment is withdrawn (it was unread)
    until_equal(
        lambda: p.notification_summary(bob),
        [("CONTENT_REMOVED", "Your comment was removed for offensive content", post_id, False)],
        "Bob told of the removal",
    )
    p.wait_consumed("engagement", "post_comment_created", comment_id=bad["id"])
    p.wait_consumed("engagement", "post_comment_deleted", comment_id=bad["id"])
    comment_notices = [n for n in p.notification_summary(alice) if n[0] == "POST_COMMENT_RECEIVED"]
    assert len(comment_notices) == 2, comment_notices
    assert p.counts(alice, "comments_received")["comments_received"] == 2
    assert p.counts(bob, "comments_made")["comments_made"] == 2

    # --- every event produced so far is valid against its contract -----------------------
    seen_types = p.validate_streams()
    for event_type in (
        "user_registered", "user_updated", "user_connected", "post_created", "post_updated",
        "post_comment_created", "post_comment_deleted", "post_reaction_created",
        "post_reaction_updated", "post_viewed", "content_removal_requested", "content_removed",
    ):  # fmt: skip
        assert seen_types.get(event_type, 0) > 0, (event_type, seen_types)
