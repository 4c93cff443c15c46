"""Sign-up, the activation mail over real SMTP, and activation."""

from __future__ import annotations

import httpx
import pytest
from redis.asyncio import Redis

from auth_service.auth.mails import deliver_queued_mails
from auth_service.auth.models import OneTimeToken
from auth_service.core.context import AuthContext
from auth_service.settings import AuthSettings
from auth_service.users.models import User
from chassis.events import OutboxRelay
from chassis.events.models import OutboxEvent
from chassis.testing import ContractValidator, assert_error, read_events
from tests.conftest import PASSWORD, Mailbox, signup


async def test_signup_creates_user_mails_token_and_emits_event(
    client: httpx.AsyncClient,
    mailbox: Mailbox,
    redis: Redis,
    settings: AuthSettings,
    contracts: ContractValidator,
) -> None:
    response = await signup(client, "Ada@Example.COM", first_name="Ada", interests=["SCIENCE"])
    assert response.status_code == 201
    body = response.json()
    assert body["email"] == "ada@example.com"
    assert body["is_verified"] is False and body["role"] == "user" and body["status"] == "ACTIVE"
    assert "password" not in response.text and "password_hash" not in body

    user = await User.get(id=body["id"])
    assert user.password_hash.startswith("$argon2id$")
    assert PASSWORD not in user.password_hash

    token = mailbox.token_for("ada@example.com", "Activation")
    stored = await OneTimeToken.get(user_id=user.id)
    assert stored.token_hash != token and len(stored.token_hash) == 64  # only a digest is kept

    await OutboxRelay(redis, database_url=settings.database_url).publish_pending()
    [event] = await read_events(redis, "user_registered")
    contracts.validate(event)
    assert event.data["user_id"] == body["id"]
    assert "email" not in event.data


async def test_activation_verifies_once(
    client: httpx.AsyncClient,
    mailbox: Mailbox,
    redis: Redis,
    settings: AuthSettings,
    contracts: ContractValidator,
) -> None:
    user_id = (await signup(client, "bob@example.com")).json()["id"]
    token = mailbox.token_for("bob@example.com", "Activation")

    response = await client.post("/api/v1/auth/activate", json={"token": token})
    assert response.status_code == 200
    assert response.json()["is_verified"] is True
    assert (await User.get(id=user_id)).is_verified is True

    again = await client.post("/api/v1/auth/activate", json={"token": token})
    assert again.status_code == 401
    assert again.json()["error"]["code"] == "invalid_token"

    await OutboxRelay(redis, database_url=settings.database_url).publish_pending()
    [event] = await read_events(redis, "user_updated")
    contracts.validate(event)
    assert event.data["changed"] == ["is_verified"] and event.data["is_verified"] is True


async def test_activation_token_expires(
    client: httpx.AsyncClient,
    mailbox: Mailbox,
    clock,
    settings: AuthSettings,  # type: ignore[no-untyped-def]
) -> None:
    user_id = (await signup(client, "late@example.com")).json()["id"]
    token = mailbox.token_for("late@example.com", "Activation")
    clock.advance(hours=settings.activation_token_hours, seconds=1)
    response = await client.post("/api/v1/auth/activate", json={"token": token})
    assert response.status_code == 401
    assert (await User.get(id=user_id)).is_verified is False


async def test_unknown_activation_token_is_401(client: httpx.AsyncClient) -> None:
    response = await client.post("/api/v1/auth/activate", json={"token": "nope"})
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "invalid_token"


async def test_resend_activation_mails_a_new_token_only_to_unverified(
    client: httpx.AsyncClient, mailbox: Mailbox, ctx: AuthContext
) -> None:
    await signup(client, "again@example.com")
    first = mailbox.token_for("again@example.com", "Activation")
    response = await client.post(
        "/api/v1/auth/resend-activation", json={"email": "again@example.com"}
    )
    assert response.status_code == 202
    assert await deliver_queued_mails(ctx) == 1
    second = mailbox.token_for("again@example.com", "Activation")
    assert second != first
    assert (await client.post("/api/v1/auth/activate", json={"token": second})).status_code == 200
    before = len(mailbox.to("again@example.com"))
    unknown = await client.post("/api/v1/auth/resend-activation", json={"email": "x@example.com"})
    verified = await client.post(
        "/api/v1/auth/resend-activation", json={"email": "again@example.com"}
    )
    assert unknown.status_code == verified.status_code == 202
    assert unknown.json() == verified.json()
    assert await deliver_queued_mails(ctx) == 2
    assert len(mailbox.to("again@example.com")) == before


async def test_duplicate_email_is_409_case_insensitively(client: httpx.AsyncClient) -> None:
    assert (await signup(client, "dup@example.com")).status_code == 201
    response = await signup(client, "DUP@example.com")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "email_taken"
    assert await User.all().count() == 1


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("email", "not-an-email"),
        ("password", "short1!"),
        ("password", "password123"),  # common
        ("password", "Qwerty123!"),  # common, case-insensitive
        ("password", "aaaaaaaaaaaa"),  # repetitive
        ("password", "x" * 257 + "yz"),
        ("interests", ["MUSIC", "UNDERWATER_BASKETWEAVING"]),
        ("interests", ["MUSIC", "MUSIC"]),
        ("first_name", "   "),
        ("first_name", "a" * 101),
        ("first_name", "tab\tname"),
    ],
)
async def test_invalid_signup_is_422_and_writes_nothing(
    client: httpx.AsyncClient, mailbox: Mailbox, field: str, value: object
) -> None:
    body = {
        "email": "v@example.com",
        "password": PASSWORD,
        "first_name": "V",
        "last_name": "W",
        "interests": [],
    }
    body[field] = value
    response = await client.post("/api/v1/auth/signup", json=body)
    assert response.status_code == 422, response.text
    assert response.json()["error"]["code"] == "validation_error"
    assert await User.all().count() == 0
    assert await OutboxEvent.all().count() == 0
    assert mailbox.messages == []


async def test_unknown_field_is_422(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/api/v1/auth/signup",
        json={
            "email": "u@example.com",
            "password": PASSWORD,
            "first_name": "U",
            "last_name": "V",
            "role": "admin",
        },
    )
    assert response.status_code == 422
    assert await User.all().count() == 0


async def test_long_passphrase_is_accepted_whole(client: httpx.AsyncClient) -> None:
    passphrase = "this is a long passphrase " * 4  # 104 characters
    assert (await signup(client, "long@example.com", password=passphrase)).status_code == 201
    ok = await client.post(
        "/api/v1/auth/signin", json={"email": "long@example.com", "password": passphrase}
    )
    assert ok.status_code == 200
    # Not truncated: the same first 72 bytes with a different tail is refused.
    truncated = await client.post(
        "/api/v1/auth/signin", json={"email": "long@example.com", "password": passphrase[:72] + "!"}
    )
    assert truncated.status_code == 401


# Names that render as nothing: fillers, the blank Braille pattern, a lone combining mark.
INVISIBLE_NAMES = [
    pytest.param("\u3164", id="hangul-filler"),
    pytest.param("\u2800", id="braille-blank"),
    pytest.param("\u115f", id="hangul-choseong-filler"),
    pytest.param("\u0301", id="lone-combining-acute"),
    pytest.param("\u3164\u3164", id="two-hangul-fillers"),
    pytest.param("evil\u202egnp.exe", id="bidi-override"),
]


@pytest.mark.parametrize("field", ["first_name", "last_name"])
@pytest.mark.parametrize("name", INVISIBLE_NAMES)
async def test_signup_refuses_names_without_a_visible_letter(
    client: httpx.AsyncClient, mailbox: Mailbox, field: str, name: str
) -> None:
    body = {"email": "blank@example.com", "password": PASSWORD, "first_name": "V", "last_name": "W"}
    body[field] = name
    response = await client.post("/api/v1/auth/signup", json=body)
    assert_error(response, 422, "validation_error")
    assert [d["loc"] for d in response.json()["error"]["details"]] == [["body", field]]
    assert await User.all().count() == 0
    assert await OneTimeToken.all().count() == 0
    assert await OutboxEvent.all().count() == 0
    assert mailbox.messages == []


async def test_signup_keeps_zero_width_joiners_in_names(client: httpx.AsyncClient) -> None:
    # "می‌خواهم": Persian needs the zero-width non-joiner (and emoji sequences the joiner).
    first = "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645"
    last = "Mehr\u200dnaz"
    response = await signup(client, "persian@example.com", first_name=first, last_name=last)
    assert response.status_code == 201, response.text
    assert (response.json()["first_name"], response.json()["last_name"]) == (first, last)
    stored = await User.get(email="persian@example.com")
    assert (stored.first_name, stored.last_name) == (first, last)
