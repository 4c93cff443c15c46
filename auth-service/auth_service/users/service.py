"""Profiles, connections and account administration. Runs inside the caller's transaction.

The decisions are ``users.rules``; the statements ``users.queries``.
"""

from __future__ import annotations

import uuid
from typing import Any

from tortoise.exceptions import IntegrityError

from auth_service.auth.rules import normalise_email, tokens_revoked_data
from auth_service.auth.service import revoke_sessions
from auth_service.core.context import AuthContext
from auth_service.core.events import EVENTS, outbox
from auth_service.users import queries, rules
from auth_service.users.models import Connection, Role, User, UserStatus
from auth_service.users.rules import user_event_data, user_not_found
from chassis.pagination import PageParams


async def get_user(user_id: uuid.UUID) -> User:
    user = await queries.user_by_id(user_id)
    if user is None:
        raise user_not_found()
    return user


# --- profiles -----------------------------------------------------------------------------


async def update_profile(user: User, *, changes: dict[str, Any]) -> User:
    changed = rules.changed_fields(user, changes)
    if not changed:
        return user
    for name in changed:
        setattr(user, name, changes[name])
    await queries.save_user(user, changed)
    await outbox.add(EVENTS.user_updated, user_event_data(user, changed=changed))
    return user


async def delete_account(user: User) -> None:
    """Remove the user and everything personal; connections' counters go down by one."""
    # Lock the row first: a connect racing this delete waits, then fails on the foreign key,
    # instead of adding a connection whose counter nobody would take back.
    await queries.lock_user(user.id)
    others = await queries.delete_connections_of(user.id)
    await queries.add_to_connection_counts(others, -1)
    await outbox.add(
        EVENTS.user_tokens_revoked,
        tokens_revoked_data(str(user.id), reason="account_deleted", session_id=None),
    )
    await outbox.add(EVENTS.user_deleted, {"user_id": str(user.id)})
    await queries.delete_user(user)


async def list_users(*, search: str | None, page: PageParams) -> tuple[list[User], str | None]:
    return await queries.page_of_users(
        words=rules.search_words(search), hidden=rules.HIDDEN_STATUS, page=page
    )


# --- connections --------------------------------------------------------------------------


async def connect(user: User, *, other_id: uuid.UUID) -> tuple[User, bool]:
    """Connect two users both ways; returns the other user and whether this created it."""
    rules.refuse_self_connection(user.id, other_id, verb="connect to")
    other = await get_user(other_id)
    if not rules.can_connect_to(other):
        raise user_not_found()
    try:
        gained = await queries.insert_connection_pair(*rules.connection_pair(user.id, other.id))
    except IntegrityError as exc:  # the other account was deleted meanwhile
        raise user_not_found() from exc
    if not gained:
        return other, False
    await queries.add_to_connection_counts(gained, +1)
    await queries.reload_connection_counts(user, other)
    await outbox.add(EVENTS.user_connected, rules.connection_event_data(user, other))
    return other, True


async def disconnect(user: User, *, other_id: uuid.UUID) -> bool:
    """Remove the connection both ways; returns whether there was one. Idempotent."""
    rules.refuse_self_connection(user.id, other_id, verb="disconnect from")
    other = await get_user(other_id)
    lost = await queries.delete_connection_pair(user.id, other.id)
    if not lost:
        return False
    await queries.add_to_connection_counts(lost, -1)
    await queries.reload_connection_counts(user, other)
    await outbox.add(EVENTS.user_disconnected, rules.connection_event_data(user, other))
    return True


async def list_connections(
    user_id: uuid.UUID, *, page: PageParams
) -> tuple[list[Connection], str | None]:
    await get_user(user_id)  # 404 for an unknown user
    return await queries.page_of_connections(user_id, page=page)


# --- administration -----------------------------------------------------------------------


async def administer_user(
    ctx: AuthContext,
    admin: User,
    *,
    target_id: uuid.UUID,
    role: Role | None,
    status: UserStatus | None,
) -> User:
    """Change a user's role or status; a ban or a deactivation also ends its sessions."""
    target = await get_user(target_id)
    changes = rules.administration_changes(
        admin_id=admin.id, target=target, role=role, status=status
    )
    if not changes:
        return target
    for name, value in changes.items():
        setattr(target, name, value)
    await queries.save_user(target, changes)
    await outbox.add(EVENTS.user_updated, user_event_data(target, changed=list(changes)))
    reason = rules.revocation_reason(changes)
    if reason is not None:
        await revoke_sessions(ctx, user=target, reason=reason)
    return target


async def assign_role(*, email: str, role: Role) -> User | None:
    """Bootstrap (``python -m auth_service set-role``): give an existing account a role; None
    when no account uses ``email``. The first admin cannot be made over HTTP."""
    user = await queries.user_by_email(normalise_email(email))
    if user is None:
        return None
    user.role = role
    await queries.save_user(user, ["role"])
    await outbox.add(EVENTS.user_updated, user_event_data(user, changed=["role"]))
    return user
