"""Every database statement of the auth domain: sessions, refresh tokens, one-time tokens and
the mail-request queue. Accounts themselves are ``users.queries``."""

from __future__ import annotations

import uuid
from datetime import datetime

from tortoise.backends.base.client import TransactionContext
from tortoise.transactions import in_transaction

from auth_service.auth.models import (
    AuthSession,
    MailRequest,
    OneTimeToken,
    RefreshToken,
    TokenPurpose,
)
from auth_service.users.models import User


def transaction() -> TransactionContext:
    """A transaction of its own, outside the request's unit of work: the refresh endpoint's
    (see ``service.refresh``) and each batch of the mail worker's."""
    return in_transaction()


# --- sessions and refresh tokens ----------------------------------------------------------


async def insert_session(*, user: User, created_at: datetime, expires_at: datetime) -> AuthSession:
    return await AuthSession.create(
        id=uuid.uuid4(), user=user, created_at=created_at, expires_at=expires_at
    )


async def session_with_user(session_id: str) -> AuthSession | None:
    return await AuthSession.get_or_none(id=session_id).select_related("user")


async def revoke_open_sessions(
    user_id: uuid.UUID, *, at: datetime, reason: str, session_id: uuid.UUID | None = None
) -> int:
    """Revoke the user's sessions still open (only ``session_id`` if given); how many."""
    query = AuthSession.filter(user_id=user_id, revoked_at=None)
    if session_id is not None:
        query = query.filter(id=session_id)
    return await query.update(revoked_at=at, revoked_reason=reason)


async def insert_refresh_token(
    *, session: AuthSession, token_hash: str, created_at: datetime
) -> None:
    await RefreshToken.create(session=session, token_hash=token_hash, created_at=created_at)


async def refresh_token_with_session(token_hash: str) -> RefreshToken | None:
    """The token's record with its session and the session's user."""
    return await RefreshToken.get_or_none(token_hash=token_hash).select_related("session__user")


async def claim_refresh_token(token_id: int, *, at: datetime) -> bool:
    """Spend the token if nobody has: of two concurrent claims, exactly one wins."""
    return bool(await RefreshToken.filter(id=token_id, used_at=None).update(used_at=at))


# --- one-time tokens ----------------------------------------------------------------------


async def insert_one_time_token(
    *,
    user: User,
    purpose: TokenPurpose,
    token_hash: str,
    created_at: datetime,
    expires_at: datetime,
) -> None:
    await OneTimeToken.create(
        user=user,
        purpose=purpose,
        token_hash=token_hash,
        created_at=created_at,
        expires_at=expires_at,
    )


async def lock_one_time_token(token_hash: str, purpose: TokenPurpose) -> OneTimeToken | None:
    """The token's record, locked until the transaction ends (so it is used once)."""
    return (
        await OneTimeToken.filter(token_hash=token_hash, purpose=purpose)
        .select_for_update()
        .first()
    )


async def mark_one_time_token_used(token: OneTimeToken, *, at: datetime) -> None:
    token.used_at = at
    await token.save(update_fields=["used_at"])


async def spend_unused_tokens(user_id: uuid.UUID, purpose: TokenPurpose, *, at: datetime) -> None:
    await OneTimeToken.filter(user_id=user_id, purpose=purpose, used_at=None).update(used_at=at)


async def delete_expired_credentials(cutoff: datetime) -> int:
    """Sessions (their refresh tokens cascade) and one-time tokens expired before ``cutoff``."""
    removed = await AuthSession.filter(expires_at__lt=cutoff).delete()
    removed += await OneTimeToken.filter(expires_at__lt=cutoff).delete()
    return removed


# --- mail requests ------------------------------------------------------------------------


async def insert_mail_request(*, purpose: TokenPurpose, email: str, created_at: datetime) -> None:
    await MailRequest.create(purpose=purpose, email=email, created_at=created_at)


async def lock_mail_requests(limit: int) -> list[MailRequest]:
    """The oldest queued requests, locked; SKIP LOCKED: workers of several replicas share the
    queue, each request taken once."""
    return await MailRequest.all().order_by("id").limit(limit).select_for_update(skip_locked=True)


async def delete_mail_requests(ids: list[int]) -> None:
    if ids:
        await MailRequest.filter(id__in=ids).delete()
