"""Fixtures for the auth service's tests: real Postgres, Redis and a real SMTP server."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from pathlib import Path
from typing import Any

import httpx
import pytest
from aiosmtpd.controller import Controller
from fastapi import FastAPI

from auth_service.core.context import AuthContext
from auth_service.core.service import build_definition
from auth_service.settings import AuthSettings
from auth_service.users.models import User
from chassis.clock import FrozenClock
from chassis.service import ServiceDefinition
from chassis.testing import ContractValidator, free_port

os.environ.setdefault("AUTH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/social_auth_test")
os.environ.setdefault("AUTH_REDIS_URL", "redis://127.0.0.1:6379/1")

PASSWORD = "correct horse battery staple"


@dataclass
class Mailbox:
    """Messages received by the local SMTP server."""

    messages: list[Message] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self.lock:
            self.messages.append(message_from_bytes(envelope.content))
        return "250 Message accepted for delivery"

    def clear(self) -> None:
        with self.lock:
            self.messages.clear()

    def to(self, address: str) -> list[Message]:
        with self.lock:
            return [m for m in self.messages if m["To"] == address]

    def token_for(self, address: str, kind: str) -> str:
        """The token in the last mail of ``kind`` ("Activation" or "Reset") sent to ``address``."""
        for message in reversed(self.to(address)):
            body = message.get_payload(decode=True).decode()  # type: ignore[union-attr]
            for line in body.splitlines():
                if line.startswith(f"{kind} token: "):
                    return line.split(": ", 1)[1].strip()
        raise AssertionError(f"no {kind} mail for {address}")


@pytest.fixture(scope="session")
def smtp_server() -> Iterator[tuple[Mailbox, int]]:
    mailbox = Mailbox()
    port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield mailbox, port
    controller.stop()


@pytest.fixture
def mailbox(smtp_server: tuple[Mailbox, int]) -> Mailbox:
    smtp_server[0].clear()
    return smtp_server[0]


@pytest.fixture(scope="session")
def settings(smtp_server: tuple[Mailbox, int]) -> AuthSettings:
    return AuthSettings(
        environment="test",
        run_workers=False,
        log_json=False,
        mail_backend="smtp",
        smtp_port=smtp_server[1],
        # Generous limits; rate-limit tests lower them with monkeypatch.
        signin_per_ip=(1000, 60),
        signin_per_email=(1000, 60),
        signup_per_ip=(1000, 60),
        password_reset_per_email=(1000, 60),
        password_reset_per_ip=(1000, 60),
        change_password_per_user=(1000, 60),
        change_password_per_ip=(1000, 60),
    )


@pytest.fixture(scope="session")
def service_definition(settings: AuthSettings) -> ServiceDefinition:
    return build_definition(settings)


@pytest.fixture(scope="session")
def contracts() -> ContractValidator:
    return ContractValidator(Path(__file__).resolve().parents[2] / "contracts")


@pytest.fixture
def ctx(app: FastAPI) -> AuthContext:
    context: AuthContext = app.state.resources.context
    return context


@pytest.fixture
def clock(ctx: AuthContext) -> FrozenClock:
    frozen = FrozenClock()
    ctx.clock = frozen
    return frozen


async def signup(
    client: httpx.AsyncClient,
    email: str,
    *,
    password: str = PASSWORD,
    first_name: str = "Test",
    last_name: str = "User",
    interests: list[str] | None = None,
) -> httpx.Response:
    return await client.post(
        "/api/v1/auth/signup",
        json={
            "email": email,
            "password": password,
            "first_name": first_name,
            "last_name": last_name,
            "interests": interests or [],
        },
    )


async def signin(client: httpx.AsyncClient, email: str, password: str = PASSWORD) -> dict[str, Any]:
    response = await client.post("/api/v1/auth/signin", json={"email": email, "password": password})
    assert response.status_code == 200, response.text
    tokens: dict[str, Any] = response.json()
    return tokens


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@dataclass
class TestUser:
    id: str
    email: str
    access_token: str
    refresh_token: str

    @property
    def headers(self) -> dict[str, str]:
        return bearer(self.access_token)


async def create_user(
    client: httpx.AsyncClient,
    email: str,
    *,
    password: str = PASSWORD,
    first_name: str = "Test",
    last_name: str = "User",
    interests: list[str] | None = None,
) -> TestUser:
    """Sign up and sign in a user (verification is not needed to sign in)."""
    response = await signup(
        client,
        email,
        password=password,
        first_name=first_name,
        last_name=last_name,
        interests=interests,
    )
    assert response.status_code == 201, response.text
    tokens = await signin(client, email, password)
    return TestUser(
        id=response.json()["id"],
        email=email.lower(),
        access_token=tokens["access_token"],
        refresh_token=tokens["refresh_token"],
    )


async def make_role(user_id: str, role: str) -> None:
    await User.filter(id=user_id).update(role=role)
