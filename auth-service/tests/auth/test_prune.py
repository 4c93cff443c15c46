"""The worker's expired-credentials prune: sessions (with their refresh tokens) and one-time
tokens are forgotten a day after they expire, and not before."""

from __future__ import annotations

from datetime import timedelta

import httpx
from fastapi import FastAPI

from auth_service.auth.models import AuthSession, OneTimeToken, RefreshToken, TokenPurpose
from auth_service.settings import AuthSettings
from chassis.clock import FrozenClock
from chassis.service import ServiceDefinition
from tests.conftest import create_user, signin


async def run_prune(definition: ServiceDefinition, app: FastAPI) -> int:
    assert definition.jobs is not None
    [job] = [
        j for j in definition.jobs(app.state.resources) if j.name == "expired-credentials-prune"
    ]
    removed = await job.run()
    assert isinstance(removed, int)
    return removed


async def test_credentials_are_pruned_a_day_after_they_expire(
    app: FastAPI,
    client: httpx.AsyncClient,
    clock: FrozenClock,
    settings: AuthSettings,
    service_definition: ServiceDefinition,
) -> None:
    # Sign-up: one activation token; sign-in: one session with one refresh token.
    user = await create_user(client, "prune@example.com")
    # A second device signs in a day later: its session outlives the first by a day.
    clock.advance(days=1)
    await signin(client, "prune@example.com")
    assert await AuthSession.filter(user_id=user.id).count() == 2
    assert await RefreshToken.filter(session__user_id=user.id).count() == 2

    # The first session has expired, but not a day ago yet: everything stays.
    clock.advance(days=settings.refresh_token_days - 1, hours=12)
    assert await run_prune(service_definition, app) == 1  # only the activation token (48 h)
    assert await OneTimeToken.filter(user_id=user.id, purpose=TokenPurpose.ACTIVATE).count() == 0
    assert await AuthSession.filter(user_id=user.id).count() == 2

    # A day and a minute after the first session's expiry: it goes, its refresh token with it.
    clock.advance(hours=12, minutes=1)
    assert await run_prune(service_definition, app) == 1
    [kept] = await AuthSession.filter(user_id=user.id)
    assert kept.expires_at > clock.now() - timedelta(days=1)
    assert await RefreshToken.filter(session__user_id=user.id).count() == 1

    # Nothing left to forget: the prune is a no-op.
    assert await run_prune(service_definition, app) == 0
    assert await AuthSession.filter(user_id=user.id).count() == 1
