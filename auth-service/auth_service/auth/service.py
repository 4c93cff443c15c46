"""Accounts and sessions: sign-up, activation, sign-in, refresh rotation, passwords.

Functions here run inside the caller's transaction and never commit; events go through the
outbox in that same transaction.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta

from tortoise.exceptions import IntegrityError

from auth_service.auth.models import (
    AuthSession,
    MailRequest,
    OneTimeToken,
    RefreshToken,
    TokenPurpose,
)
from auth_service.core import events
from auth_service.core.context import AuthContext
from auth_service.core.security import ACCESS, REFRESH, hash_token, new_secret
from auth_service.users.models import User, UserStatus
from auth_service.users.service import user_event_data
from chassis.errors import Conflict, Forbidden, Unauthorized

BLOCKED_STATUSES = (UserStatus.BANNED, UserStatus.INACTIVE)


@dataclass(frozen=True)
class IssuedPair:
    access_token: str
    refresh_token: str
    expires_in: int


def normalise_email(email: str) -> str:
    return email.strip().lower()


# --- sign-up and activation ---------------------------------------------------------------


async def register_user(
    ctx: AuthContext,
    *,
    email: str,
    password: str,
    first_name: str,
    last_name: str,
    interests: list[str],
) -> tuple[User, str]:
    """Create the account and its activation token (returned in clear, to be mailed)."""
    email = normalise_email(email)
    if await User.filter(email=email).exists():
        raise Conflict("An account with this email already exists", code="email_taken")
    try:
        user = await User.create(
            id=uuid.uuid4(),
            email=email,
            password_hash=ctx.passwords.hash(password),
            first_name=first_name,
            last_name=last_name,
            interests=interests,
        )
    except IntegrityError as exc:  # a concurrent sign-up with the same email won the race
        raise Conflict("An account with this email already exists", code="email_taken") from exc
    token = await _activation_token(ctx, user)
    await events.outbox.add(events.USER_REGISTERED, user_event_data(user))
    return user, token


async def _issue_one_time_token(
    ctx: AuthContext, *, user: User, purpose: TokenPurpose, lifetime: timedelta
) -> str:
    secret = new_secret()
    now = ctx.now()
    await OneTimeToken.create(
        user=user,
        purpose=purpose,
        token_hash=hash_token(secret),
        created_at=now,
        expires_at=now + lifetime,
    )
    return secret


async def _activation_token(ctx: AuthContext, user: User) -> str:
    return await _issue_one_time_token(
        ctx,
        user=user,
        purpose=TokenPurpose.ACTIVATE,
        lifetime=timedelta(hours=ctx.settings.activation_token_hours),
    )


async def _consume_one_time_token(ctx: AuthContext, *, token: str, purpose: TokenPurpose) -> User:
    now = ctx.now()
    record = (
        await OneTimeToken.filter(token_hash=hash_token(token), purpose=purpose)
        .select_for_update()
        .first()
    )
    if record is None or record.used_at is not None or record.expires_at <= now:
        raise Unauthorized("This link is invalid or has expired", code="invalid_token")
    record.used_at = now
    await record.save(update_fields=["used_at"])
    return await User.get(id=record.user_id)


async def activate_account(ctx: AuthContext, *, token: str) -> User:
    user = await _consume_one_time_token(ctx, token=token, purpose=TokenPurpose.ACTIVATE)
    if not user.is_verified:
        user.is_verified = True
        await user.save(update_fields=["is_verified", "updated_at"])
        await events.outbox.add(events.USER_UPDATED, user_event_data(user, changed=["is_verified"]))
    return user


async def new_activation_token(ctx: AuthContext, *, email: str) -> tuple[User, str] | None:
    """A fresh activation token for an unverified account; None otherwise (said to nobody)."""
    user = await User.get_or_none(email=normalise_email(email))
    if user is None or user.is_verified:
        return None
    return user, await _activation_token(ctx, user)


# --- sessions -----------------------------------------------------------------------------


async def _open_session(ctx: AuthContext, user: User) -> IssuedPair:
    now = ctx.now()
    session = await AuthSession.create(
        id=uuid.uuid4(),
        user=user,
        created_at=now,
        expires_at=now + timedelta(days=ctx.settings.refresh_token_days),
    )
    return await _issue_pair(ctx, session=session, user_id=user.id)


async def _issue_pair(ctx: AuthContext, *, session: AuthSession, user_id: uuid.UUID) -> IssuedPair:
    now = ctx.now()
    access_lifetime = timedelta(minutes=ctx.settings.access_token_minutes)
    access = ctx.tokens.issue(
        user_id=user_id, session_id=session.id, kind=ACCESS, now=now, lifetime=access_lifetime
    )
    refresh = ctx.tokens.issue(
        user_id=user_id,
        session_id=session.id,
        kind=REFRESH,
        now=now,
        lifetime=session.expires_at - now,
    )
    await RefreshToken.create(session=session, token_hash=hash_token(refresh.token), created_at=now)
    return IssuedPair(
        access_token=access.token,
        refresh_token=refresh.token,
        expires_in=int(access_lifetime.total_seconds()),
    )


async def sign_in(ctx: AuthContext, *, email: str, password: str) -> IssuedPair:
    user = await User.get_or_none(email=normalise_email(email))
    # Unknown email and wrong password: same answer, same argon2 cost.
    valid = ctx.passwords.verify(password, user.password_hash if user else None)
    if user is None or not valid:
        raise Unauthorized("Incorrect email or password", code="invalid_credentials")
    if user.status in BLOCKED_STATUSES:
        raise Forbidden(f"This account is {user.status.value.lower()}", code="account_blocked")
    return await _open_session(ctx, user)


async def authenticate(ctx: AuthContext, token: str) -> tuple[User, AuthSession]:
    """The user and session behind an access token, or 401."""
    claims = ctx.tokens.decode(token, kind=ACCESS, now=ctx.now())
    session = await AuthSession.get_or_none(id=claims["sid"]).select_related("user")
    if (
        session is None
        or str(session.user_id) != claims["sub"]
        or session.revoked_at is not None
        or session.expires_at <= ctx.now()
    ):
        raise Unauthorized("Token has been revoked", code="token_revoked")
    user = session.user
    if user.status in BLOCKED_STATUSES:
        raise Unauthorized("Account is not active", code="account_blocked")
    return user, session


class RefreshReuse(Unauthorized):
    code = "token_reused"
    message = "Refresh token reuse detected; session revoked"


async def rotate_refresh_token(
    ctx: AuthContext, *, refresh_token: str
) -> IssuedPair | RefreshReuse:
    """A new pair for a valid, unused refresh token.

    Returns ``RefreshReuse`` (not raises) when a spent token comes back, after revoking its
    family: the caller must commit that revocation, then answer 401.
    """
    now = ctx.now()
    claims = ctx.tokens.decode(refresh_token, kind=REFRESH, now=now)
    record = await RefreshToken.get_or_none(token_hash=hash_token(refresh_token)).select_related(
        "session__user"
    )
    if record is None or str(record.session_id) != claims["sid"]:
        raise Unauthorized("Invalid refresh token", code="invalid_token")
    session = record.session
    if session.revoked_at is not None or session.expires_at <= now:
        raise Unauthorized("This session has ended", code="token_revoked")
    # Atomic claim: of two concurrent refreshes with one token, exactly one wins.
    claimed = await RefreshToken.filter(id=record.id, used_at=None).update(used_at=now)
    if not claimed:
        # A used refresh token came back: it was stolen or replayed. End the whole family.
        await revoke_sessions(ctx, user=session.user, reason="refresh_token_reuse", only=session)
        return RefreshReuse()
    if session.user.status in BLOCKED_STATUSES:
        raise Unauthorized("Account is not active", code="account_blocked")
    return await _issue_pair(ctx, session=session, user_id=session.user.id)


async def revoke_sessions(
    ctx: AuthContext, *, user: User, reason: str, only: AuthSession | None = None
) -> int:
    """Revoke one session or all of a user's sessions, and tell the other services."""
    query = AuthSession.filter(user_id=user.id, revoked_at=None)
    if only is not None:
        query = query.filter(id=only.id)
    count = await query.update(revoked_at=ctx.now(), revoked_reason=reason)
    await events.outbox.add(
        events.USER_TOKENS_REVOKED,
        {
            "user_id": str(user.id),
            "reason": reason,
            "session_id": str(only.id) if only is not None else None,
        },
    )
    return count


async def sign_out(ctx: AuthContext, *, user: User, session: AuthSession) -> None:
    await revoke_sessions(ctx, user=user, reason="signout", only=session)


# --- passwords ----------------------------------------------------------------------------


async def _set_password(ctx: AuthContext, user: User, new_password: str, reason: str) -> None:
    user.password_hash = ctx.passwords.hash(new_password)
    await user.save(update_fields=["password_hash", "updated_at"])
    # Outstanding reset links die with the old password.
    await OneTimeToken.filter(user_id=user.id, purpose=TokenPurpose.RESET, used_at=None).update(
        used_at=ctx.now()
    )
    await revoke_sessions(ctx, user=user, reason=reason)


async def change_password(
    ctx: AuthContext, *, user: User, current_password: str, new_password: str
) -> IssuedPair:
    if not ctx.passwords.verify(current_password, user.password_hash):
        raise Unauthorized("Current password is incorrect", code="invalid_credentials")
    if current_password == new_password:
        raise Conflict("The new password must differ from the current one", code="same_password")
    await _set_password(ctx, user, new_password, reason="password_changed")
    return await _open_session(ctx, user)


async def request_password_reset(ctx: AuthContext, *, email: str) -> tuple[User, str] | None:
    user = await User.get_or_none(email=normalise_email(email))
    if user is None or user.status in BLOCKED_STATUSES:
        return None
    token = await _issue_one_time_token(
        ctx,
        user=user,
        purpose=TokenPurpose.RESET,
        lifetime=timedelta(minutes=ctx.settings.reset_token_minutes),
    )
    return user, token


# --- mail requests (forgot password, resend activation) ------------------------------------


async def queue_mail_request(ctx: AuthContext, *, purpose: TokenPurpose, email: str) -> None:
    """Queue a reset or activation mail for ``email``: the same one insert whether or not an
    account uses the address; the worker decides (``issue_requested_token``)."""
    await MailRequest.create(purpose=purpose, email=normalise_email(email), created_at=ctx.now())


async def issue_requested_token(ctx: AuthContext, request: MailRequest) -> tuple[User, str] | None:
    """The worker's half of a queued request: the account and a fresh token to mail, or None
    when there is nothing to send (no account, a blocked one, an already verified one)."""
    if request.purpose is TokenPurpose.RESET:
        return await request_password_reset(ctx, email=request.email)
    return await new_activation_token(ctx, email=request.email)


async def reset_password(ctx: AuthContext, *, token: str, new_password: str) -> User:
    user = await _consume_one_time_token(ctx, token=token, purpose=TokenPurpose.RESET)
    await _set_password(ctx, user, new_password, reason="password_reset")
    return user
