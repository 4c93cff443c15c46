"""``python -m auth_service [migrate|makemigrations NAME|serve|worker|create-db|set-role ...]``."""

from __future__ import annotations

import asyncio
import sys

from auth_service.core.service import build_definition
from chassis.service import main


async def set_role(email: str, role: str) -> None:
    """Bootstrap: give an existing account a role (the first admin cannot be made over HTTP)."""
    from tortoise import Tortoise
    from tortoise.transactions import in_transaction

    from auth_service.core import events
    from auth_service.users.models import Role, User
    from auth_service.users.service import user_event_data

    definition = build_definition()
    await Tortoise.init(config=definition.tortoise_config())
    try:
        async with in_transaction():
            user = await User.get_or_none(email=email.strip().lower())
            if user is None:
                raise SystemExit(f"no account with email {email}")
            user.role = Role(role)
            await user.save(update_fields=["role", "updated_at"])
            await events.outbox.add(events.USER_UPDATED, user_event_data(user, changed=["role"]))
        print(f"{user.email} is now {role}")
    finally:
        await Tortoise.close_connections()


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "set-role":
        asyncio.run(set_role(sys.argv[2], sys.argv[3]))
    else:
        main(build_definition)
