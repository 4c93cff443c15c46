"""``python -m auth_service [migrate|makemigrations NAME|serve|worker|create-db|set-role ...]``."""

from __future__ import annotations

import asyncio
import sys

from tortoise import Tortoise

from auth_service.core.service import build_definition
from auth_service.users import queries, service
from auth_service.users.models import Role
from chassis.service import main


async def set_role(email: str, role: str) -> None:
    """Bootstrap: give an existing account a role (the first admin cannot be made over HTTP)."""
    definition = build_definition()
    await Tortoise.init(config=definition.tortoise_config())
    try:
        async with queries.transaction():
            user = await service.assign_role(email=email, role=Role(role))
        if user is None:
            raise SystemExit(f"no account with email {email}")
        print(f"{user.email} is now {role}")
    finally:
        await Tortoise.close_connections()


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "set-role":
        asyncio.run(set_role(sys.argv[2], sys.argv[3]))
    else:
        main(build_definition)
