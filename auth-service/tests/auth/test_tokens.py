"""Sign-in, access-token checks, refresh rotation with reuse detection, sign-out."""

from __future__ import annotations

import asyncio
import base64
import json
import uuid
from datetime import datetime, timezone

import httpx
import jwt
import pytest
from redis.asyncio import Redis

from auth_service.auth.models import AuthSession, RefreshToken
from auth_service.settings import AuthSettings
from auth_service.users.models import User, UserStatus
from chassis.clock import FrozenClock
from chassis.events import OutboxRelay
from chassis.events.models import OutboxEvent
from chassis.testing import ContractValidator, assert_error, read_events
from tests.conftest import PASSWORD, bearer, create_user, signin, signup


async def test_signin_returns_a_bearer_pair_with_the_documented_claims(
    client: httpx.AsyncClient, settings: AuthSettings
) -> None:
    user = await create_user(client, "claims@example.com")
    claims = jwt.decode(
        user.access_token,
        settings.jwt_secret,
        algorithms=["HS256"],
        audience=settings.jwt_audience,
        issuer=settings.jwt_issuer,
    )
    assert claims["sub"] == user.id
    assert claims["typ"] == "access"
    assert set(claims) >= {"sub", "exp", "iat", "iss", "aud", "jti", "typ", "sid"}
    assert claims["exp"] - claims["iat"] == settings.access_token_minutes * 60
    header = jwt.get_unverified_header(user.access_token)
    assert header["alg"] == "HS256"
    tokens = await signin(client, "claims@example.com")
    assert tokens["token_type"] == "bearer"
    assert tokens["expires_in"] == settings.access_token_minutes * 60
    assert await AuthSession.filter(user_id=user.id).count() == 2


async def test_oauth2_form_endpoint_signs_in(client: httpx.AsyncClient) -> None:
    await create_user(client, "form@example.com")
    response = await client.post(
        "/api/v1/auth/token", data={"username": "form@example.com", "password": PASSWORD}
    )
    assert response.status_code == 200
    me = await client.get("/api/v1/users/me", headers=bearer(response.json()["access_token"]))
    assert me.json()["email"] == "form@example.com"


async def _session_state() -> tuple[int, int, int]:
    return (
        await AuthSession.all().count(),
        await RefreshToken.all().count(),
        await OutboxEvent.all().count(),
    )


@pytest.mark.parametrize(
    "username", ["not-an-email", "form@", "form example.com", "form@example.com@example.com"]
)
async def test_oauth2_form_username_must_be_an_email(
    client: httpx.AsyncClient, username: str
) -> None:
    """The same rule as sign-up's email, and the same 422 as a malformed form (a wrong
    password stays 401 ``invalid_credentials``)."""
    await create_user(client, "form@example.com")
    before = await _session_state()
    response = await client.post(
        "/api/v1/auth/token", data={"username": username, "password": PASSWORD}
    )
    assert_error(response, 422, "validation_error")
    assert [d["loc"] for d in response.json()["error"]["details"]] == [["body", "username"]]
    assert PASSWORD not in response.text
    assert await _session_state() == before
    missing = await client.post("/api/v1/auth/token", data={"password": PASSWORD})
    assert_error(missing, 422, "validation_error")
    wrong = await client.post(
        "/api/v1/auth/token", data={"username": "form@example.com", "password": "wrong password!"}
    )
    assert_error(wrong, 401, "invalid_credentials")


async def test_oauth2_form_with_a_nul_in_the_username_is_a_json_4xx(
    client: httpx.AsyncClient,
) -> None:
    """``%00`` under a Content-Type in unusual case: never a 500, nothing written."""
    await create_user(client, "ab@example.com")
    before = await _session_state()
    response = await client.post(
        "/api/v1/auth/token",
        content=f"username=a%00b@example.com&password={PASSWORD.replace(' ', '+')}".encode(),
        headers={"Content-Type": "Application/x-www-form-urlencoded"},
    )
    assert 400 <= response.status_code < 500, response.text
    assert response.headers["content-type"] == "application/json"
    assert response.json()["error"]["code"] == "validation_error"
    assert await _session_state() == before


async def test_unknown_email_and_wrong_password_look_the_same(client: httpx.AsyncClient) -> None:
    await create_user(client, "real@example.com")
    wrong = await client.post(
        "/api/v1/auth/signin", json={"email": "real@example.com", "password": "wrong password!"}
    )
    unknown = await client.post(
        "/api/v1/auth/signin", json={"email": "ghost@example.com", "password": "wrong password!"}
    )
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json()
    assert wrong.headers.get("www-authenticate") == unknown.headers.get("www-authenticate")


async def test_unknown_email_still_pays_for_a_hash(client: httpx.AsyncClient, ctx) -> None:  # type: ignore[no-untyped-def]
    calls = []
    original = ctx.passwords._hash.verify

    def counting(password: str, hashed: str) -> bool:
        calls.append(hashed)
        return bool(original(password, hashed))

    ctx.passwords._hash.verify = counting
    await client.post("/api/v1/auth/signin", json={"email": "nobody@example.com", "password": "x"})
    assert len(calls) == 1 and calls[0].startswith("$argon2id$")


async def test_banned_user_cannot_sign_in(client: httpx.AsyncClient) -> None:
    user = await create_user(client, "banned@example.com")
    await User.filter(id=user.id).update(status=UserStatus.BANNED)
    response = await client.post(
        "/api/v1/auth/signin", json={"email": "banned@example.com", "password": PASSWORD}
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "account_blocked"
    assert (await client.get("/api/v1/auth/verify-token", headers=user.headers)).status_code == 401


async def test_verify_token_returns_identity(client: httpx.AsyncClient) -> None:
    user = await create_user(client, "who@example.com", first_name="Wh", last_name="O")
    response = await client.get("/api/v1/auth/verify-token", headers=user.headers)
    assert response.status_code == 200
    assert response.json() == {
        "id": user.id,
        "email": "who@example.com",
        "first_name": "Wh",
        "last_name": "O",
        "role": "user",
        "status": "ACTIVE",
        "is_verified": False,
        "total_connections": 0,
    }


def _forge(
    claims: dict, *, alg: str = "HS256", key: str = "wrong-key-of-sufficient-length-xx"
) -> str:
    return jwt.encode(claims, key, algorithm=alg)


def _b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    "case",
    [
        "missing",
        "garbage",
        "forged",
        "alg_none",
        "refresh_type",
        "wrong_audience",
        "wrong_issuer",
        "non_bearer",
    ],
)
async def test_verify_token_rejects_bad_tokens(
    client: httpx.AsyncClient, settings: AuthSettings, case: str
) -> None:
    user = await create_user(client, "bad@example.com")
    good = jwt.decode(user.access_token, options={"verify_signature": False})
    headers: dict[str, str] = {}
    if case == "garbage":
        headers = bearer("not.a.jwt")
    elif case == "forged":
        headers = bearer(_forge(good))
    elif case == "alg_none":
        token = f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(good)}."
        headers = bearer(token)
    elif case == "refresh_type":
        headers = bearer(user.refresh_token)
    elif case == "wrong_audience":
        headers = bearer(_forge({**good, "aud": "elsewhere"}, key=settings.jwt_secret))
    elif case == "wrong_issuer":
        headers = bearer(_forge({**good, "iss": "elsewhere"}, key=settings.jwt_secret))
    elif case == "non_bearer":
        headers = {"Authorization": f"Basic {user.access_token}"}
    response = await client.get("/api/v1/auth/verify-token", headers=headers)
    assert response.status_code == 401, case
    assert response.json()["error"]["code"] in {"unauthorized", "token_revoked"}
    assert response.headers["www-authenticate"] == "Bearer"


async def test_access_token_expires(
    client: httpx.AsyncClient, clock: FrozenClock, settings: AuthSettings
) -> None:
    user = await create_user(client, "exp@example.com")
    assert (await client.get("/api/v1/users/me", headers=user.headers)).status_code == 200
    clock.advance(minutes=settings.access_token_minutes - 1)
    assert (await client.get("/api/v1/users/me", headers=user.headers)).status_code == 200
    clock.advance(minutes=1, seconds=1)
    response = await client.get("/api/v1/users/me", headers=user.headers)
    assert response.status_code == 401
    assert response.json()["error"]["message"] == "Token expired"


async def test_refresh_rotates_and_reuse_revokes_the_family(
    client: httpx.AsyncClient, redis: Redis, settings: AuthSettings, contracts: ContractValidator
) -> None:
    user = await create_user(client, "rot@example.com")
    first = await client.post("/api/v1/auth/refresh", json={"refresh_token": user.refresh_token})
    assert first.status_code == 200
    pair = first.json()
    assert pair["refresh_token"] != user.refresh_token
    assert (
        await client.get("/api/v1/users/me", headers=bearer(pair["access_token"]))
    ).status_code == 200

    # The spent token comes back: the whole family ends, including the pair it was rotated to.
    replay = await client.post("/api/v1/auth/refresh", json={"refresh_token": user.refresh_token})
    assert replay.status_code == 401
    assert replay.json()["error"]["code"] == "token_reused"
    assert (
        await client.get("/api/v1/users/me", headers=bearer(pair["access_token"]))
    ).status_code == 401
    after = await client.post("/api/v1/auth/refresh", json={"refresh_token": pair["refresh_token"]})
    assert after.status_code == 401
    session = await AuthSession.get(user_id=user.id)
    assert session.revoked_reason == "refresh_token_reuse"

    await OutboxRelay(redis, database_url=settings.database_url).publish_pending()
    events = await read_events(redis, "user_tokens_revoked")
    assert [e.data["reason"] for e in events] == ["refresh_token_reuse"]
    assert events[0].data["session_id"] == str(session.id)
    contracts.validate(events[0])


async def test_reuse_only_revokes_that_family(client: httpx.AsyncClient) -> None:
    user = await create_user(client, "fam@example.com")
    other_device = await signin(client, "fam@example.com")
    await client.post("/api/v1/auth/refresh", json={"refresh_token": user.refresh_token})
    await client.post("/api/v1/auth/refresh", json={"refresh_token": user.refresh_token})
    assert (
        await client.get("/api/v1/users/me", headers=bearer(other_device["access_token"]))
    ).status_code == 200


async def test_concurrent_refresh_with_one_token_issues_one_pair(client: httpx.AsyncClient) -> None:
    user = await create_user(client, "race@example.com")
    responses = await asyncio.gather(
        *(
            client.post("/api/v1/auth/refresh", json={"refresh_token": user.refresh_token})
            for _ in range(5)
        )
    )
    statuses = sorted(r.status_code for r in responses)
    assert statuses.count(200) == 1 and all(s in (200, 401) for s in statuses)
    assert await RefreshToken.filter(used_at=None, session__user_id=user.id).count() <= 1


@pytest.mark.parametrize("token", ["garbage", ""])
async def test_refresh_with_bad_token(client: httpx.AsyncClient, token: str) -> None:
    response = await client.post("/api/v1/auth/refresh", json={"refresh_token": token})
    assert response.status_code in (401, 422)
    assert "error" in response.json()


async def test_refresh_rejects_an_access_token(client: httpx.AsyncClient) -> None:
    user = await create_user(client, "acc@example.com")
    response = await client.post("/api/v1/auth/refresh", json={"refresh_token": user.access_token})
    assert response.status_code == 401


async def test_signout_ends_the_session(
    client: httpx.AsyncClient, redis: Redis, settings: AuthSettings, contracts: ContractValidator
) -> None:
    user = await create_user(client, "out@example.com")
    other = await signin(client, "out@example.com")
    response = await client.post("/api/v1/auth/signout", headers=user.headers)
    assert response.status_code == 204 and response.content == b""
    assert (await client.get("/api/v1/users/me", headers=user.headers)).status_code == 401
    refresh = await client.post("/api/v1/auth/refresh", json={"refresh_token": user.refresh_token})
    assert refresh.status_code == 401
    # the other device is untouched
    assert (
        await client.get("/api/v1/users/me", headers=bearer(other["access_token"]))
    ).status_code == 200
    await OutboxRelay(redis, database_url=settings.database_url).publish_pending()
    [event] = await read_events(redis, "user_tokens_revoked")
    contracts.validate(event)
    assert event.data["reason"] == "signout" and event.data["user_id"] == user.id


async def test_signout_requires_a_token(client: httpx.AsyncClient) -> None:
    response = await client.post("/api/v1/auth/signout")
    assert response.status_code == 401
    assert await OutboxEvent.all().count() == 0


async def test_token_for_a_deleted_session_is_rejected(client: httpx.AsyncClient) -> None:
    user = await create_user(client, "gone@example.com")
    await AuthSession.filter(user_id=user.id).delete()
    assert (await client.get("/api/v1/users/me", headers=user.headers)).status_code == 401


async def test_token_naming_a_random_session_is_rejected(
    client: httpx.AsyncClient, settings: AuthSettings
) -> None:
    user = await create_user(client, "sid@example.com")
    claims = jwt.decode(user.access_token, options={"verify_signature": False})
    claims["sid"] = str(uuid.uuid4())
    token = jwt.encode(claims, settings.jwt_secret, algorithm="HS256")
    assert (await client.get("/api/v1/users/me", headers=bearer(token))).status_code == 401


async def test_signup_then_signin_works_before_verification(client: httpx.AsyncClient) -> None:
    assert (await signup(client, "unverified@example.com")).status_code == 201
    tokens = await signin(client, "unverified@example.com")
    me = await client.get("/api/v1/users/me", headers=bearer(tokens["access_token"]))
    assert me.json()["is_verified"] is False
    assert datetime.fromisoformat(me.json()["created_at"]) <= datetime.now(timezone.utc)
