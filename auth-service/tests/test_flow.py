"""The issue's walk-through over HTTP, with every event checked on its stream and contract."""

from __future__ import annotations

import httpx
from redis.asyncio import Redis

from auth_service.settings import AuthSettings
from chassis.events import OutboxRelay
from chassis.events.models import OutboxEvent
from chassis.testing import ContractValidator, read_events
from tests.conftest import PASSWORD, Mailbox, bearer, signup

API = "/api/v1"
NEW = "a different long passphrase"


async def test_full_account_flow(
    client: httpx.AsyncClient,
    mailbox: Mailbox,
    redis: Redis,
    settings: AuthSettings,
    contracts: ContractValidator,
) -> None:
    alice_id = (await signup(client, "alice@example.com", first_name="Alice")).json()["id"]
    bob_id = (await signup(client, "bob@example.com", first_name="Bob")).json()["id"]

    token = mailbox.token_for("alice@example.com", "Activation")
    assert (await client.post(f"{API}/auth/activate", json={"token": token})).status_code == 200

    tokens = (
        await client.post(
            f"{API}/auth/signin", json={"email": "alice@example.com", "password": PASSWORD}
        )
    ).json()
    alice = bearer(tokens["access_token"])
    me = await client.get(f"{API}/users/me", headers=alice)
    assert me.json()["is_verified"] is True

    patched = await client.patch(
        f"{API}/users/me", headers=alice, json={"interests": ["MUSIC", "ART"]}
    )
    assert patched.json()["interests"] == ["MUSIC", "ART"]

    assert (await client.post(f"{API}/users/{bob_id}/connect", headers=alice)).status_code == 201
    listed = (await client.get(f"{API}/users/me/connections", headers=alice)).json()
    assert [c["user"]["id"] for c in listed["items"]] == [bob_id]
    assert (
        await client.delete(f"{API}/users/{bob_id}/disconnect", headers=alice)
    ).status_code == 204
    assert (await client.get(f"{API}/users/me/connections", headers=alice)).json()["items"] == []

    changed = await client.post(
        f"{API}/auth/change-password",
        headers=alice,
        json={"current_password": PASSWORD, "new_password": NEW},
    )
    assert changed.status_code == 200
    assert (await client.get(f"{API}/users/me", headers=alice)).status_code == 401

    refreshed = await client.post(
        f"{API}/auth/refresh", json={"refresh_token": changed.json()["refresh_token"]}
    )
    assert refreshed.status_code == 200
    final = bearer(refreshed.json()["access_token"])
    assert (await client.post(f"{API}/auth/signout", headers=final)).status_code == 204
    assert (await client.get(f"{API}/users/me", headers=final)).status_code == 401

    await OutboxRelay(redis, database_url=settings.database_url).publish_pending()
    assert await OutboxEvent.filter(published_at=None).count() == 0
    expected = {
        "user_registered": 2,
        "user_updated": 2,  # activation, interests
        "user_connected": 1,
        "user_disconnected": 1,
        "user_tokens_revoked": 2,  # password change, sign-out
    }
    for event_type, count in expected.items():
        events = await read_events(redis, event_type)
        assert len(events) == count, event_type
        for event in events:
            contracts.validate(event)
            assert event.producer == "auth"
    connected = (await read_events(redis, "user_connected"))[0].data
    assert connected == {
        "user_id": alice_id,
        "other_user_id": bob_id,
        "user_total_connections": 1,
        "other_total_connections": 1,
    }
    reasons = [e.data["reason"] for e in await read_events(redis, "user_tokens_revoked")]
    assert reasons == ["password_changed", "signout"]
