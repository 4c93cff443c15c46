"""Every database statement of the users domain: accounts, connections and their counters."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from tortoise import connections
from tortoise.backends.base.client import TransactionContext
from tortoise.expressions import F, Q
from tortoise.transactions import in_transaction

from auth_service.users.models import Connection, User, UserStatus
from chassis.pagination import PageParams, keyset_page


def transaction() -> TransactionContext:
    """A transaction of its own, for work outside a request's unit of work (the CLI)."""
    return in_transaction()


# --- accounts -----------------------------------------------------------------------------


async def user_by_id(user_id: uuid.UUID) -> User | None:
    return await User.get_or_none(id=user_id)


async def user_of(user_id: uuid.UUID | str) -> User:
    """A user that must exist (a row referring to it is held)."""
    return await User.get(id=user_id)


async def user_by_email(email: str) -> User | None:
    return await User.get_or_none(email=email)


async def email_in_use(email: str) -> bool:
    return await User.filter(email=email).exists()


async def insert_user(
    *,
    email: str,
    password_hash: str,
    first_name: str,
    last_name: str,
    interests: list[str],
) -> User:
    """Raises ``IntegrityError`` when the email is taken (a concurrent sign-up)."""
    return await User.create(
        id=uuid.uuid4(),
        email=email,
        password_hash=password_hash,
        first_name=first_name,
        last_name=last_name,
        interests=interests,
    )


async def save_user(user: User, fields: Iterable[str]) -> None:
    """Write the named fields of ``user`` (and its ``updated_at``)."""
    await user.save(update_fields=[*fields, "updated_at"])


async def lock_user(user_id: uuid.UUID) -> None:
    """Hold the user's row until the transaction ends."""
    await User.filter(id=user_id).select_for_update().first()


async def delete_user(user: User) -> None:
    """Sessions, tokens and connections cascade."""
    await user.delete()


async def page_of_users(
    *, words: list[str], hidden: UserStatus, page: PageParams
) -> tuple[list[User], str | None]:
    """Users whose first or last name contains every word, newest first, without ``hidden``."""
    query = User.exclude(status=hidden)
    for word in words:
        # icontains escapes LIKE wildcards itself: "%" searches for a percent sign.
        query = query.filter(Q(first_name__icontains=word) | Q(last_name__icontains=word))
    return await keyset_page(query, page)


# --- connections --------------------------------------------------------------------------


async def insert_connection_pair(low: uuid.UUID, high: uuid.UUID) -> list[uuid.UUID]:
    """Both directions in one statement (so concurrent A→B and B→A cannot double-count), in
    a fixed order (lower id first, so the two cannot deadlock). Returns the users that gained
    a connection; raises ``IntegrityError`` when one of them no longer exists."""
    rows = await connections.get("default").execute_query_dict(
        "INSERT INTO auth_connection (user_id, other_id, created_at) "
        "VALUES ($1, $2, now()), ($2, $1, now()) "
        "ON CONFLICT (user_id, other_id) DO NOTHING RETURNING user_id",
        [low, high],
    )
    return [row["user_id"] for row in rows]


async def delete_connection_pair(a: uuid.UUID, b: uuid.UUID) -> list[uuid.UUID]:
    """Both directions; returns the users that lost a connection."""
    rows = await connections.get("default").execute_query_dict(
        "DELETE FROM auth_connection WHERE (user_id = $1 AND other_id = $2) "
        "OR (user_id = $2 AND other_id = $1) RETURNING user_id",
        [a, b],
    )
    return [row["user_id"] for row in rows]


async def delete_connections_of(user_id: uuid.UUID) -> list[uuid.UUID]:
    """Every connection row of ``user_id``; returns the users it was connected to."""
    rows = await connections.get("default").execute_query_dict(
        "DELETE FROM auth_connection WHERE user_id = $1 RETURNING other_id", [user_id]
    )
    return [row["other_id"] for row in rows]


async def add_to_connection_counts(user_ids: list[uuid.UUID], delta: int) -> None:
    if user_ids:
        await User.filter(id__in=user_ids).update(total_connections=F("total_connections") + delta)


async def reload_connection_counts(*users: User) -> None:
    for user in users:
        await user.refresh_from_db(fields=["total_connections"])


async def page_of_connections(
    user_id: uuid.UUID, *, page: PageParams
) -> tuple[list[Connection], str | None]:
    """A user's connections with the other user loaded, most recent first."""
    return await keyset_page(Connection.filter(user_id=user_id).select_related("other"), page)
