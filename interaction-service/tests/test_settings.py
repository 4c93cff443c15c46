"""Settings come from INTERACTION_* variables; the defaults are the issue's."""

from __future__ import annotations

import pytest

from interaction_service.settings import InteractionSettings


def test_defaults() -> None:
    settings = InteractionSettings(_env_file=None)  # type: ignore[call-arg]
    assert settings.port == 8002
    assert settings.post_url == "http://127.0.0.1:8001"
    assert 0 < settings.post_timeout_seconds <= 5
    assert settings.comments_per_user == (30, 60)
    assert settings.view_window_seconds == 1800


def test_environment_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INTERACTION_POST_URL", "http://post:8001")
    monkeypatch.setenv("INTERACTION_COMMENTS_PER_USER", "[5, 10]")
    monkeypatch.setenv("INTERACTION_VIEW_WINDOW_SECONDS", "60")
    monkeypatch.setenv("INTERACTION_DATABASE_URL", "postgres://db/social_interaction")
    settings = InteractionSettings()
    assert settings.post_url == "http://post:8001"
    assert settings.comments_per_user == (5, 10)
    assert settings.view_window_seconds == 60
    assert settings.database_url == "postgres://db/social_interaction"
