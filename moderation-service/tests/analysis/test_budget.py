"""Hostile texts cannot stall the service: every rule is linear, the whole analysis runs off the
event loop, and a text that outlives its time budget goes to review instead.

No test here measures time. The adversarial texts must come out as ordinary decisions under
the production budget (the quadratic link pattern used to take seconds on them, far over it);
the event loop is shown free by answering ``/healthz`` while an analysis is held in its thread;
the budget is forced with a tiny value and an analysis that cannot finish.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator

import httpx
import pytest

from chassis.testing import outbox_rows, wait_until
from moderation_service.analysis.analyzer import Analyzer, Decision, build_analyzer
from moderation_service.analysis.blocklist import Blocklist, BlocklistScan
from moderation_service.analysis.spam import find_links, load_phrases, spam_rules
from moderation_service.core.context import ModerationContext
from moderation_service.core.vocabulary import Reason
from moderation_service.moderations.models import Moderation, ModerationAction, ModerationStatus
from moderation_service.settings import ModerationSettings
from tests.conftest import CLEAN, Bus, Users, post_created, post_updated

API = "/api/v1"
SIZE = 10_000


def _fill(unit: str) -> str:
    """``unit`` repeated to exactly SIZE characters."""
    return (unit * (SIZE // len(unit) + 1))[:SIZE]


# Shapes that make backtracking patterns or the letter-by-letter matcher work hard.
ADVERSARIAL = {
    "dotted": _fill("a."),  # the post that stalled the service for 7-9 s
    "url_then_dotted": "http://" + _fill("a.")[:-7],
    "hyphenated": _fill("a-"),
    "dotted_hyphens": _fill("a-a."),
    "dotted_digits": _fill("1."),
    "exclamations": _fill("!"),
    "dots": _fill("."),
    "mixed_punctuation": _fill("!?.,;:-_/()"),
    "www": _fill("www."),
    "spaced_letters": _fill("f u c k "),
    "spaced_one_letter": _fill("a "),
    "dotted_letters": _fill("s.l.u.r."),
    "homoglyphs": _fill("\u0430\u0435\u043e\u0440\u0441\u0455a"),  # Cyrillic look-alikes
    "spaced_homoglyphs": _fill("\u0455 l \u0443 r "),
    "leet_runs": _fill("$1|!@ "),
    "money_spaces": "$1" + " " * (SIZE - 3) + "x",
    "phone_separators": _fill("1 (-) "),
    "earn_spaces": _fill("earn   "),
    "repeated_domains": _fill("a.com."),
    "long_word": _fill("a"),
    "newlines": _fill("a\n"),
}


@pytest.fixture(scope="module")
def production_analyzer() -> Analyzer:
    """The analyzer as the service builds it, with the production budget."""
    settings = ModerationSettings()
    assert settings.analysis_budget_seconds == 2.0
    return build_analyzer(settings)


@pytest.mark.parametrize("shape", list(ADVERSARIAL))
async def test_adversarial_texts_get_an_ordinary_decision_within_the_budget(
    production_analyzer: Analyzer, shape: str
) -> None:
    text = ADVERSARIAL[shape]
    assert len(text) == SIZE
    result = await production_analyzer.analyze(text)
    assert not result.budget_exceeded, shape
    assert "budget_exceeded" not in result.details()
    assert result.decision in set(Decision)
    assert result.model == production_analyzer.model.label
    # Each signal was measured: the same text gives the same analysis every time.
    assert result == production_analyzer.analyze_many([text])[0]


def test_links_in_adversarial_texts() -> None:
    """The link finder reads each host-like run once and still finds what the old pattern
    found."""
    assert find_links(ADVERSARIAL["dotted"]) == []
    assert find_links(ADVERSARIAL["hyphenated"]) == []
    assert find_links(ADVERSARIAL["url_then_dotted"]) == [ADVERSARIAL["url_then_dotted"]]
    assert find_links(ADVERSARIAL["www"]) == [ADVERSARIAL["www"]]
    # One run of labels ending in a domain is one link, however long.
    domains = "a.com." * 1666
    assert find_links(domains) == [domains[:-1]]
    assert find_links(domains + "a.b") == [domains[:-1]]
    assert find_links("see example.com.au, bbc.co.uk and shop.example.xyz/deal?x=1 now") == [
        "example.com",
        "bbc.co",
        "shop.example.xyz/deal?x=1",
    ]
    assert find_links("example.comet and co-op.org-wide and x.www.y") == [
        "co-op.org",
        "www.y",
    ]


def test_rules_on_adversarial_texts() -> None:
    phrases = load_phrases()
    assert spam_rules(ADVERSARIAL["exclamations"], phrases=phrases).rules == {
        "exclamations": 0.15,
        "repeated_chars": 0.35,
    }
    assert "money" not in spam_rules(ADVERSARIAL["money_spaces"], phrases=phrases).rules
    assert "phone" in spam_rules(ADVERSARIAL["phone_separators"], phrases=phrases).rules
    assert "phone" not in spam_rules("call 123456789", phrases=phrases).rules  # 9 characters
    assert "phone" in spam_rules("call 12345 6789", phrases=phrases).rules


def test_letters_spelled_out_at_length_are_still_found() -> None:
    terms = Blocklist.bundled()
    spaced = " ".join("fuck")
    assert [h.term for h in terms.match(f"{spaced} " * 5)] == [h.term for h in terms.match(spaced)]
    slurs = Blocklist([("slur", Reason.RACISM, 1.0)])
    assert [h.term for h in slurs.match("s l u u u u u u u u u u u u u u u u r")] == ["slur"]
    assert slurs.match(ADVERSARIAL["spaced_one_letter"]) == []


# --- the event loop stays free ----------------------------------------------------------------


class GatedBlocklist(Blocklist):
    """The bundled blocklist, whose scan waits for the test to open a gate: an analysis held
    as long as the test wants, in whatever thread runs it."""

    def __init__(self) -> None:
        bundled = Blocklist.bundled()
        self.__dict__.update(bundled.__dict__)
        self.entered = threading.Event()
        self.gate = threading.Event()
        self.opened_by_the_test: bool | None = None

    def scan(self, text: str) -> BlocklistScan:
        self.entered.set()
        # Held on the event loop (before the fix), the test could never open the gate: the
        # wait would end by its timeout instead, and the test would fail on that.
        self.opened_by_the_test = self.gate.wait(timeout=20)
        return super().scan(text)


@pytest.fixture
def gated(ctx: ModerationContext, monkeypatch: pytest.MonkeyPatch) -> Iterator[GatedBlocklist]:
    blocklist = GatedBlocklist()
    monkeypatch.setattr(ctx.analyzer, "blocklist", blocklist)
    yield blocklist
    blocklist.gate.set()  # never leave an analysis thread waiting


async def test_healthz_answers_while_an_analysis_runs(
    bus: Bus,
    client: httpx.AsyncClient,
    users: Users,
    ctx: ModerationContext,
    gated: GatedBlocklist,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(ctx.analyzer, "budget_seconds", 60.0)  # this test is not about it
    event = post_created(author_id=users.alice.id, content=ADVERSARIAL["dotted"], status="DRAFT")
    handling = asyncio.create_task(bus.deliver(event))

    async def analysing() -> bool:
        return gated.entered.is_set()

    await wait_until(analysing, timeout=20)
    health = await client.get("/healthz")
    assert health.status_code == 200 and health.json() == {"status": "ok"}
    ready = await client.get("/readyz")
    assert ready.status_code == 200, ready.text
    assert not handling.done()
    assert await Moderation.all().count() == 0  # the analysis is still running

    gated.gate.set()
    await handling
    assert gated.opened_by_the_test is True
    case = await Moderation.get(content_id=event.data["post_id"])
    assert case.decision == Decision.APPROVE and case.status == ModerationStatus.APPROVED
    assert "budget_exceeded" not in case.details
    assert case.post_status == "DRAFT"


# --- over the budget: review ------------------------------------------------------------------


async def test_a_text_over_the_budget_goes_to_review(
    bus: Bus,
    client: httpx.AsyncClient,
    users: Users,
    ctx: ModerationContext,
    gated: GatedBlocklist,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A tiny budget, and an analysis that cannot finish before the test lets it.
    monkeypatch.setattr(ctx.analyzer, "budget_seconds", 0.001)
    event = post_created(author_id=users.alice.id, content=ADVERSARIAL["dotted"])
    await bus.deliver(event)
    assert gated.entered.is_set() and gated.opened_by_the_test is None  # still held

    case = await Moderation.get(content_id=event.data["post_id"])
    assert case.status == ModerationStatus.PENDING_REVIEW and case.queued
    assert case.decision == Decision.REVIEW and case.reason is None
    assert case.score == ctx.analyzer.thresholds.review
    assert (case.offensive_score, case.spam_score, case.blocklist_score) == (0.0, 0.0, 0.0)
    assert case.details == {
        "context": None,
        "blocklist_hits": [],
        "spam_rules": {},
        "budget_exceeded": True,
    }
    assert case.content == ADVERSARIAL["dotted"]  # kept for the moderator
    [action] = await ModerationAction.filter(moderation_id=case.id)
    assert action.action == "ANALYSED" and action.to_status == "PENDING_REVIEW"
    assert action.data["budget_exceeded"] is True and action.data["decision"] == "REVIEW"
    assert action.note is not None and "time budget" in action.note
    assert await outbox_rows("content_removal_requested") == []

    # The moderators see it in the queue, and its detail says why.
    queue = await client.get(f"{API}/moderations", headers=users.moderator.headers)
    assert [item["id"] for item in queue.json()["items"]] == [str(case.id)]
    detail = await client.get(f"{API}/moderations/{case.id}", headers=users.moderator.headers)
    assert detail.json()["details"]["budget_exceeded"] is True

    # The held analysis finishes in its thread; its result is dropped, nothing changes.
    gated.gate.set()

    async def finished() -> bool:
        return gated.opened_by_the_test is True

    await wait_until(finished)
    await case.refresh_from_db()
    assert case.status == ModerationStatus.PENDING_REVIEW
    assert await ModerationAction.filter(moderation_id=case.id).count() == 1


async def test_an_edit_over_the_budget_sends_approved_content_back_to_review(
    bus: Bus,
    users: Users,
    ctx: ModerationContext,
    gated: GatedBlocklist,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    created = post_created(author_id=users.alice.id, content=CLEAN)
    gated.gate.set()
    await bus.deliver(created)
    case = await Moderation.get(content_id=created.data["post_id"])
    assert case.status == ModerationStatus.APPROVED

    gated.gate.clear()
    monkeypatch.setattr(ctx.analyzer, "budget_seconds", 0.001)
    await bus.deliver(post_updated(created, content=ADVERSARIAL["spaced_letters"]))
    await case.refresh_from_db()
    assert case.status == ModerationStatus.PENDING_REVIEW and case.queued
    assert case.details["budget_exceeded"] is True
    actions = await ModerationAction.filter(moderation_id=case.id).order_by("id")
    assert [a.action for a in actions] == ["ANALYSED", "REANALYSED"]
    assert actions[1].from_status == "APPROVED" and actions[1].to_status == "PENDING_REVIEW"
    assert actions[1].data["budget_exceeded"] is True


async def test_the_analyze_endpoint_says_when_the_budget_was_exceeded(
    client: httpx.AsyncClient,
    users: Users,
    ctx: ModerationContext,
    gated: GatedBlocklist,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(ctx.analyzer, "budget_seconds", 0.001)
    response = await client.post(
        f"{API}/analyze", json={"text": "a." * 50}, headers=users.moderator.headers
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["budget_exceeded"] is True
    assert (body["decision"], body["reason"]) == ("REVIEW", None)
    assert body["score"] == body["thresholds"]["review"]
    assert await Moderation.all().count() == 0
