"""Database wiring: Tortoise config, the per-request unit of work, creation and migrations."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlsplit, urlunsplit

import asyncpg
from aerich import Command
from fastapi import Depends
from tortoise import Tortoise
from tortoise.transactions import in_transaction

BACKBONE_MODELS = "chassis.events.models"


def tortoise_config(
    database_url: str, model_modules: list[str], *, pool_max: int = 10
) -> dict[str, Any]:
    """A Tortoise config with one ``models`` app: the service's modules plus the backbone's."""
    parts = urlsplit(database_url)
    return {
        "connections": {
            "default": {
                "engine": "tortoise.backends.asyncpg",
                "credentials": {
                    "host": parts.hostname or "127.0.0.1",
                    "port": parts.port or 5432,
                    "user": parts.username or "postgres",
                    "password": parts.password or "",
                    "database": parts.path.lstrip("/"),
                    "minsize": 1,
                    "maxsize": pool_max,
                },
            }
        },
        "apps": {
            "models": {
                "models": [*model_modules, BACKBONE_MODELS, "aerich.models"],
                "default_connection": "default",
            }
        },
        "use_tz": True,
        "timezone": "UTC",
    }


async def _unit_of_work() -> AsyncIterator[None]:
    async with in_transaction():
        yield


UnitOfWork = Annotated[None, Depends(_unit_of_work, scope="function")]
"""Declare ``_: UnitOfWork`` on a write endpoint: its body runs in one transaction that commits
when the handler returns (before the response is sent) and rolls back if it raises. Outbox rows
written inside it are published only after that commit."""


def _admin_url(database_url: str) -> tuple[str, str]:
    parts = urlsplit(database_url)
    name = parts.path.lstrip("/")
    admin = urlunsplit((parts.scheme, parts.netloc, "/postgres", "", ""))
    return admin, name


async def create_database(database_url: str, *, drop_first: bool = False) -> None:
    """Create the database named in ``database_url`` if it does not exist."""
    admin_url, name = _admin_url(database_url)
    if not name.replace("_", "").isalnum():
        raise ValueError(f"refusing unusual database name {name!r}")
    conn = await asyncpg.connect(admin_url)
    try:
        if drop_first:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        exists = await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name)
        if not exists:
            await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()


async def migrate(config: dict[str, Any], *, location: Path) -> list[str]:
    """Apply the service's aerich migrations; returns the versions applied now."""

    command = Command(tortoise_config=config, app="models", location=str(location))
    await command.init()
    try:
        return await command.upgrade(run_in_transaction=True)
    finally:
        await Tortoise.close_connections()


async def truncate_all(database_url: str, *, keep: tuple[str, ...] = ("aerich",)) -> None:
    """Empty every table but ``keep`` (for test isolation)."""
    conn = await asyncpg.connect(database_url)
    try:
        tables = await conn.fetch("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        names = [f'"{t["tablename"]}"' for t in tables if t["tablename"] not in keep]
        if names:
            await conn.execute(f"TRUNCATE {', '.join(names)} RESTART IDENTITY CASCADE")
    finally:
        await conn.close()


async def make_migrations(config: dict[str, Any], *, location: Path, name: str) -> str | None:
    """Write the next aerich migration from the models (offline: no database is touched)."""

    command = Command(tortoise_config=config, app="models", location=str(location))
    migration_dir = location / "models"
    try:
        if not any(migration_dir.glob("*.py")):
            await command.init_migrations(safe=True)
            return "initial migration"
        await command.init(offline=True)
        return await command.migrate(name=name, no_input=True, offline=True)
    finally:
        await Tortoise.close_connections()
