#!/usr/bin/env python3
"""Walk the seed's functional flow against the platform started by `make up` (`make demo`).

Standard library only. Each step prints what it did and what the platform answered; a step
whose answer is wrong stops the walk with a non-zero exit. Every run signs up new users (the
emails carry a per-run suffix), so it can run any number of times in a row; a request that
meets a rate limit stops the walk with the name of the setting that governs it.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
HOST = os.environ.get("DEMO_HOST", "127.0.0.1")
AUTH, POST, INTERACTION, MODERATION, ENGAGEMENT = (
    f"http://{HOST}:{port}/api/v1" for port in (8000, 8001, 8002, 8003, 8004)
)
PASSWORD = "correct horse battery staple"
RUN = uuid.uuid4().hex[:6]


class StepFailed(Exception):
    pass


# The settings behind each rate limit a demo request can meet: (method, URL pattern, settings
# with a generous value). `make up` runs the services in the dev environment, where auth's
# limits are generous (README, "Rate limits of auth"); a 429 means a prod-like environment or
# a lower value set explicitly.
RATE_LIMITS: list[tuple[str, str, list[tuple[str, str]]]] = [
    ("POST", rf"^{AUTH}/auth/signup$", [("AUTH_SIGNUP_PER_IP", "[1000,3600]")]),
    (
        "POST",
        rf"^{AUTH}/auth/(signin|token)$",
        [("AUTH_SIGNIN_PER_IP", "[1000,60]"), ("AUTH_SIGNIN_PER_EMAIL", "[1000,900]")],
    ),
    (
        "POST",
        rf"^{AUTH}/auth/change-password$",
        [
            ("AUTH_CHANGE_PASSWORD_PER_USER", "[1000,900]"),
            ("AUTH_CHANGE_PASSWORD_PER_IP", "[1000,900]"),
        ],
    ),
    (
        "POST",
        rf"^{AUTH}/auth/(forgot-password|resend-activation)$",
        [
            ("AUTH_PASSWORD_RESET_PER_EMAIL", "[1000,3600]"),
            ("AUTH_PASSWORD_RESET_PER_IP", "[1000,3600]"),
        ],
    ),
    ("POST", rf"^{POST}/posts$", [("POST_CREATE_PER_USER", "[1000,60]")]),
    (
        "POST",
        rf"^{INTERACTION}/posts/[^/]+/comments$",
        [("INTERACTION_COMMENTS_PER_USER", "[1000,60]")],
    ),
]


def rate_limited(method: str, url: str, retry_after: str | None) -> StepFailed:
    """What a 429 tells the person running the demo: which setting governs it, what to do."""
    settings = next(
        (found for m, pattern, found in RATE_LIMITS if m == method and re.match(pattern, url)),
        [],
    )
    wait = f"wait {retry_after} s (Retry-After)" if retry_after else "wait for the window to end"
    if not settings:
        return StepFailed(f"{method} {url} was rate limited (429); {wait}")
    names = " or ".join(name for name, _ in settings)
    examples = " ".join(f"{name}='{value}'" for name, value in settings)
    return StepFailed(
        f"{method} {url} was rate limited (429) by {names}.\n"
        f"   Raise it, e.g. `{examples} make restart` (JSON [attempts, window_seconds]), "
        f"or {wait}.\n"
        "   The counts live in Redis, so make down / make up alone does not reset them."
    )


def call(method: str, url: str, body: Any = None, token: str | None = None) -> tuple[int, Any]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method)
    if data is not None:
        request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            raw = response.read()
            return response.status, json.loads(raw) if raw else None
    except urllib.error.HTTPError as error:
        raw = error.read()
        if error.code == 429:
            raise rate_limited(method, url, error.headers.get("Retry-After")) from None
        return error.code, json.loads(raw) if raw else None


def step(title: str) -> None:
    print(f"\n== {title}")


def show(label: str, value: Any) -> None:
    text = value if isinstance(value, str) else json.dumps(value)
    print(f"   {label}: {text[:300]}")


def expect(condition: bool, message: str) -> None:
    if not condition:
        raise StepFailed(message)


def eventually(probe, *, timeout: float = 5.0, what: str) -> Any:  # type: ignore[no-untyped-def]
    """Events are asynchronous: poll until ``probe`` returns something truthy."""
    deadline = time.monotonic() + timeout
    started = time.monotonic()
    while True:
        value = probe()
        if value:
            print(f"   ({what}: after {time.monotonic() - started:.2f} s)")
            return value
        if time.monotonic() > deadline:
            raise StepFailed(f"{what}: not seen within {timeout} s")
        time.sleep(0.05)


def activation_token(email: str) -> str | None:
    log = ROOT / ".run" / "logs" / "auth.log"
    for line in reversed(log.read_text().splitlines()):
        if f'"to": "{email}"' in line:
            found = re.search(r"Activation token: ([A-Za-z0-9_-]+)", line)
            if found:
                return found.group(1)
    return None


def register(first: str) -> dict[str, Any]:
    email = f"{first.lower()}-{RUN}@example.com"
    status, user = call(
        "POST", f"{AUTH}/auth/signup",
        {"email": email, "password": PASSWORD, "first_name": first, "last_name": "Demo",
         "interests": ["SCIENCE", "PHOTOGRAPHY"]},
    )  # fmt: skip
    expect(status == 201, f"sign-up of {email}: {status} {user}")
    token = eventually(lambda: activation_token(email), what="activation mail logged")
    status, activated = call("POST", f"{AUTH}/auth/activate", {"token": token})
    expect(status == 200 and activated["is_verified"], f"activation: {status} {activated}")
    status, tokens = call("POST", f"{AUTH}/auth/signin", {"email": email, "password": PASSWORD})
    expect(status == 200, f"sign-in: {status} {tokens}")
    show(first, f"{email} id={user['id']} verified, signed in")
    return {"id": user["id"], "email": email, "token": tokens["access_token"]}


def set_role(email: str, role: str) -> None:
    python = ROOT / "auth-service" / ".venv" / "bin" / "python"
    subprocess.run(
        [str(python), "-m", "auth_service", "set-role", email, role],
        cwd=ROOT / "auth-service", check=True, capture_output=True,
    )  # fmt: skip


def main() -> None:
    step("1. Register and activate Alice, Bob, Carol and a moderator (auth :8000)")
    alice, bob, carol, mod = (register(n) for n in ("Alice", "Bob", "Carol", "Moe"))
    set_role(mod["email"], "moderator")
    show("Moe", "is now a moderator (python -m auth_service set-role)")

    step("2. Connections: Bob-Alice and Alice-Carol")
    for a, b in ((bob, alice), (alice, carol)):
        status, body = call("POST", f"{AUTH}/users/{b['id']}/connect", token=a["token"])
        expect(status in (200, 201), f"connect: {status} {body}")
    show("Bob's connections", call("GET", f"{AUTH}/users/me/connections", token=bob["token"])[1])

    step("3. Alice writes a draft and publishes it (post :8001)")
    status, post = call(
        "POST", f"{POST}/posts",
        {"title": "Tide pools at dawn", "content": "Anemones, crabs and a very patient heron.",
         "categories": ["SCIENCE", "PHOTOGRAPHY"], "status": "DRAFT"},
        alice["token"],
    )  # fmt: skip
    expect(status == 201, f"create: {status} {post}")
    post_id = post["id"]
    status, post = call("PATCH", f"{POST}/posts/{post_id}", {"status": "POSTED"}, alice["token"])
    expect(status == 200 and post["status"] == "POSTED", f"publish: {status} {post}")
    show("post", {k: post[k] for k in ("id", "status", "title")})
    nft = eventually(
        lambda: (lambda r: r[1] if r[0] == 200 else None)(
            call("GET", f"{POST}/posts/{post_id}/nft", token=alice["token"])
        ),
        what="NFT metadata",
    )
    show("NFT token URI", nft.get("token_uri"))
    feed = eventually(
        lambda: [p for p in call("GET", f"{POST}/posts/feed", token=bob["token"])[1]["items"]
                 if p["id"] == post_id],
        what="post in Bob's feed",
    )  # fmt: skip
    show("Bob's feed", [p["title"] for p in feed])

    step("4. Bob comments, Alice replies, Bob reacts and views twice (interaction :8002)")
    eventually(
        lambda: call("POST", f"{INTERACTION}/posts/{post_id}/views", token=bob["token"])[0] == 202,
        what="post known to the interaction service",
    )
    status, comment = call(
        "POST", f"{INTERACTION}/posts/{post_id}/comments",
        {"content": "That heron is magnificent."}, bob["token"],
    )  # fmt: skip
    expect(status == 201, f"comment: {status} {comment}")
    status, reply = call(
        "POST", f"{INTERACTION}/posts/{post_id}/comments",
        {"content": "It stood there for an hour!", "parent_id": comment["id"]}, alice["token"],
    )  # fmt: skip
    expect(status == 201, f"reply: {status} {reply}")
    status, _ = call("PUT", f"{INTERACTION}/posts/{post_id}/reactions/me", {"type": "LIKE"},
                     bob["token"])  # fmt: skip
    expect(status == 201, f"react: {status}")
    status, _ = call("PUT", f"{INTERACTION}/posts/{post_id}/reactions/me", {"type": "LOVE"},
                     bob["token"])  # fmt: skip
    expect(status == 200, f"change reaction: {status}")
    call("POST", f"{INTERACTION}/posts/{post_id}/views", token=bob["token"])
    show("views summary", call("GET", f"{INTERACTION}/posts/{post_id}/views/summary",
                               token=alice["token"])[1])  # fmt: skip

    step("5. The post's counters follow the events (post :8001)")

    def counters() -> dict[str, int] | None:
        body = call("GET", f"{POST}/posts/{post_id}", token=alice["token"])[1]
        got = {k: body[k] for k in ("total_comments", "total_reactions", "total_views")}
        return got if got == {"total_comments": 2, "total_reactions": 1, "total_views": 1} else None

    show("counters", eventually(counters, what="comments 2, reactions 1, views 1"))

    step("6. Alice's activity profile and notifications (engagement :8004)")

    def profile() -> dict[str, Any] | None:
        body = call("GET", f"{ENGAGEMENT}/me/activity-profile", token=alice["token"])[1]
        received = (body.get("comments_received"), body.get("reactions_received"))
        return body if received == (1, 1) and body.get("posts_published") == 1 else None

    body = eventually(profile, what="1 post, 1 comment and 1 reaction received by others")
    show("Alice's profile", {k: body[k] for k in (
        "posts_published", "comments_made", "comments_received", "reactions_received",
        "connections", "engagement_score", "status_level")})  # fmt: skip
    notes = eventually(
        lambda: (lambda items: items if len(items) >= 2 else None)(
            call("GET", f"{ENGAGEMENT}/notifications", token=alice["token"])[1]["items"]
        ),
        what="two notifications for Alice",
    )
    for note in notes:
        show(note["type"], note["message"])

    step("7. Bob's recommendations: Alice's connection Carol")
    recs = eventually(
        lambda: [r for r in call("GET", f"{ENGAGEMENT}/recommendations/connections",
                                 token=bob["token"])[1]["items"]
                 if r["user"]["id"] == carol["id"]],
        what="Carol recommended to Bob",
    )  # fmt: skip
    show("recommendation", f"{recs[0]['user']['first_name']}: {', '.join(recs[0]['reasons'])}")

    step("8. An offensive comment is removed by moderation (moderation :8003)")
    status, bad = call(
        "POST", f"{INTERACTION}/posts/{post_id}/comments",
        {"content": "You are a worthless idiot and this is shit."}, bob["token"],
    )  # fmt: skip
    expect(status == 201, f"offensive comment: {status} {bad}")

    def removed() -> bool:
        status, body = call("GET", f"{INTERACTION}/comments/{bad['id']}", token=alice["token"])
        return status == 404 or bool(body and body.get("deleted"))

    eventually(removed, what="offensive comment removed")
    show("counters", eventually(counters, what="post's total_comments back to 2"))
    cases = f"{MODERATION}/moderations?status=DELETE_CONFIRMED&content_type=COMMENT"
    case = eventually(
        lambda: next((c for c in call("GET", f"{cases}&author_id={bob['id']}",
                                      token=mod["token"])[1]["items"]
                      if c["content_id"] == bad["id"]), None),
        what="case DELETE_CONFIRMED",
    )  # fmt: skip
    detail = call("GET", f"{MODERATION}/moderations/{case['id']}", token=mod["token"])[1]
    show("moderation record", {k: detail[k] for k in ("status", "decision", "reason", "scores")})

    step("9. A report puts Alice's clean post in the queue; the moderator removes it")
    status, report = call(
        "POST", f"{MODERATION}/reports",
        {"content_type": "POST", "content_id": post_id, "reason": "RULES_VIOLATION"},
        bob["token"],
    )  # fmt: skip
    expect(status == 201, f"report: {status} {report}")
    # The queue of Alice's posts only: runs before this one may have left cases in the queue.
    queue = f"{MODERATION}/moderations?content_type=POST&author_id={alice['id']}"
    queued = eventually(
        lambda: [c for c in call("GET", queue, token=mod["token"])[1]["items"]
                 if c.get("content_id") == post_id],
        what="post in the moderation queue",
    )  # fmt: skip
    status, body = call("POST", f"{MODERATION}/moderations/{queued[0]['id']}/remove",
                        {"reason": "RULES_VIOLATION"}, mod["token"])  # fmt: skip
    expect(status == 200, f"remove: {status} {body}")
    eventually(
        lambda: call("GET", f"{POST}/posts/{post_id}", token=bob["token"])[0] == 404,
        what="post gone for Bob",
    )
    status, body = call("GET", f"{POST}/posts/{post_id}", token=alice["token"])
    show("Alice sees", f"{status} {body}")
    print("\nThe whole flow worked.")


if __name__ == "__main__":
    try:
        main()
    except StepFailed as failure:
        print(f"\nFAILED: {failure}", file=sys.stderr)
        sys.exit(1)
    except urllib.error.URLError as error:
        print(
            f"\nThe platform is not answering ({error}). Start it with `make up`.", file=sys.stderr
        )
        sys.exit(1)
