"""The pure part of the view window: where it starts."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from interaction_service.settings import InteractionSettings
from interaction_service.views.service import window_start

NOW = datetime(2026, 5, 1, 12, 0, tzinfo=timezone.utc)


def test_the_window_ends_now_and_lasts_the_setting() -> None:
    assert window_start(NOW, 1800) == datetime(2026, 5, 1, 11, 30, tzinfo=timezone.utc)
    assert window_start(NOW, 60) == NOW - timedelta(minutes=1)
    assert window_start(NOW, 0) == NOW  # no window: every view counts


def test_the_default_window_is_thirty_minutes() -> None:
    seconds = InteractionSettings(_env_file=None).view_window_seconds  # type: ignore[call-arg]
    assert NOW - window_start(NOW, seconds) == timedelta(minutes=30)


def test_the_start_keeps_the_time_zone() -> None:
    assert window_start(NOW, 1800).tzinfo is timezone.utc
