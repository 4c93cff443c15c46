"""Settings: thresholds in order, the blocklist extended from the environment."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from moderation_service.analysis.analyzer import build_analyzer
from moderation_service.settings import ModerationSettings


def test_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MODERATION_DATABASE_URL")
    settings = ModerationSettings()
    assert settings.port == 8003
    assert settings.database_url.endswith("/social_moderation")
    assert (settings.review_threshold, settings.removal_threshold) == (0.5, 0.9)
    assert settings.reports_to_review == 3 and settings.appeal_window_days == 7
    assert settings.analysis_budget_seconds == 2.0


def test_the_analysis_budget_is_a_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MODERATION_ANALYSIS_BUDGET_SECONDS", "0.5")
    settings = ModerationSettings()
    assert settings.analysis_budget_seconds == 0.5
    assert build_analyzer(settings).budget_seconds == 0.5
    for bad in (0, -1, 61):
        with pytest.raises(ValidationError, match="analysis_budget_seconds"):
            ModerationSettings(analysis_budget_seconds=bad)


def test_thresholds_must_be_in_order() -> None:
    with pytest.raises(ValidationError, match="review_threshold"):
        ModerationSettings(review_threshold=0.95, removal_threshold=0.9)
    with pytest.raises(ValidationError):
        ModerationSettings(removal_threshold=1.5)


async def test_environment_variables_configure_the_analysis(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("MODERATION_REVIEW_THRESHOLD", "0.3")
    monkeypatch.setenv("MODERATION_BLOCKLIST_EXTRA", '{"frobnicate": "RULES_VIOLATION"}')
    settings = ModerationSettings()
    assert settings.review_threshold == 0.3
    analysis = await build_analyzer(settings).analyze("please do not fr0bnicate")
    assert [h.term for h in analysis.blocklist_hits] == ["frobnicate"]
    assert analysis.reason == "RULES_VIOLATION"


def test_a_bad_blocklist_reason_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MODERATION_BLOCKLIST_EXTRA", '{"frobnicate": "SPAM"}')
    with pytest.raises(ValidationError):
        ModerationSettings()
