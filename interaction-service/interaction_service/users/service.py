"""The users projection. Runs inside the caller's transaction."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from chassis.errors import Forbidden, Unauthorized
from chassis.tokens import Identity
from interaction_service.users import queries

# Accounts whose writes are refused. BANNED accounts cannot sign in; a token verified just
# before the ban may still be cached for a few seconds.
SILENCED_STATUSES = frozenset({"MUTED", "BANNED"})

# The column sizes of ``interaction_user``: a seed from a token is cut to fit them.
NAME_LENGTH = 100
STATUS_LENGTH = 20


@dataclass(frozen=True)
class UserSeed:
    """The users row a caller's verified identity gives, until auth's events describe them."""

    id: uuid.UUID
    first_name: str
    last_name: str
    status: str


def identity_id(user: Identity) -> uuid.UUID:
    """The caller's id as the projection stores it."""
    return user.id


def _claim(user: Identity, name: str) -> str:
    value = user.claims.get(name)
    return value if isinstance(value, str) else ""


def seed_of(user: Identity) -> UserSeed:
    """The names come from the identity's claims (the chassis does not interpret them)."""
    return UserSeed(
        id=identity_id(user),
        first_name=_claim(user, "first_name")[:NAME_LENGTH],
        last_name=_claim(user, "last_name")[:NAME_LENGTH],
        status=user.status[:STATUS_LENGTH],
    )


def refuse_silenced(user: Identity) -> None:
    """403 for an account whose writes are refused (MUTED or BANNED)."""
    if user.status in SILENCED_STATUSES:
        raise Forbidden(
            f"{user.status.capitalize()} accounts cannot write comments",
            code=f"account_{user.status.lower()}",
        )


async def hold_writer(user: Identity) -> uuid.UUID:
    """Inside the unit of work: record the caller if unknown and hold their row until commit.

    ``user_deleted`` updates that row before removing the user's comments and reactions, so a
    write racing the deletion is either removed by it or refused here.
    """
    seed = seed_of(user)
    await queries.insert_user_if_missing(
        user_id=seed.id, first_name=seed.first_name, last_name=seed.last_name, status=seed.status
    )
    if not await queries.share_lock_live_user(seed.id):
        raise Unauthorized("This account was deleted")
    return seed.id


async def apply_user_state(
    *,
    user_id: uuid.UUID,
    first_name: str,
    last_name: str,
    status: str,
    occurred_at: datetime,
) -> None:
    """Record a user's display data from ``user_registered`` / ``user_updated``; ignored for a
    tombstone and for a state older than the one held."""
    await queries.upsert_user_state(
        user_id=user_id,
        first_name=first_name,
        last_name=last_name,
        status=status,
        occurred_at=occurred_at,
    )


async def tombstone_user(*, user_id: uuid.UUID, now: datetime) -> None:
    """Forget the user's names and mark the account deleted; waits for in-flight writes."""
    await queries.upsert_tombstone(user_id=user_id, deleted_at=now)


async def display_names(user_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, str | None]:
    """Display names of ``user_ids`` (None for unknown or deleted accounts)."""
    ids = set(user_ids)
    if not ids:
        return {}
    return {user.id: user.display_name for user in await queries.users_by_id(ids)}
