"""Accounts and sessions: sign-up, activation, sign-in, refresh rotation, passwords.

Functions here run inside the caller's transaction and never commit (``refresh`` is the one
exception, see there); events go through the outbox in that same transaction. The decisions
are ``auth.rules``; the statements ``auth.queries`` and ``users.queries``.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta

from tortoise.exceptions import IntegrityError

from auth_service.auth import queries, rules
from auth_service.auth.models import AuthSession, MailRequest, TokenPurpose
from auth_service.auth.rules import RefreshOutcome, RefreshReuse, SessionState, normalise_email
from auth_service.core.context import AuthContext
from auth_service.core.events import EVENTS, outbox
from auth_service.core.security import ACCESS, REFRESH, hash_token, new_secret
from auth_service.users import queries as users
from auth_service.users.models import User
from auth_service.users.rules import user_event_data
from chassis.errors import Conflict


@dataclass(frozen=True)
class IssuedPair:
    access_token: str
    refresh_token: str
    expires_in: int


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
    if await users.email_in_use(email):
        raise Conflict("An account with this email already exists", code="email_taken")
    try:
        user = await users.insert_user(
            email=email,
            password_hash=ctx.passwords.hash(password),
            first_name=first_name,
            last_name=last_name,
            interests=interests,
        )
    except IntegrityError as exc:  # a concurrent sign-up with the same email won the race
        raise Conflict("An account with this email already exists", code="email_taken") from exc
    token = await _activation_token(ctx, user)
    await outbox.add(EVENTS.user_registered, user_event_data(user))
    return user, token


async def _issue_one_time_token(
    ctx: AuthContext, *, user: User, purpose: TokenPurpose, lifetime: timedelta
) -> str:
    secret = new_secret()
    now = ctx.now()
    await queries.insert_one_time_token(
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
    record = await queries.lock_one_time_token(hash_token(token), purpose)
    if record is None or not rules.one_time_token_usable(
        used_at=record.used_at, expires_at=record.expires_at, now=now
    ):
        raise rules.invalid_link()
    await queries.mark_one_time_token_used(record, at=now)
    return await users.user_of(record.user_id)


async def activate_account(ctx: AuthContext, *, token: str) -> User:
    user = await _consume_one_time_token(ctx, token=token, purpose=TokenPurpose.ACTIVATE)
    if not user.is_verified:
        user.is_verified = True
        await users.save_user(user, ["is_verified"])
        await outbox.add(EVENTS.user_updated, user_event_data(user, changed=["is_verified"]))
    return user


async def new_activation_token(ctx: AuthContext, *, email: str) -> tuple[User, str] | None:
    """A fresh activation token for an unverified account; None otherwise (said to nobody)."""
    user = await users.user_by_email(normalise_email(email))
    if user is None or not rules.gets_activation_token(is_verified=user.is_verified):
        return None
    return user, await _activation_token(ctx, user)


# --- sessions -----------------------------------------------------------------------------


async def _open_session(ctx: AuthContext, user: User) -> IssuedPair:
    now = ctx.now()
    session = await queries.insert_session(
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
    await queries.insert_refresh_token(
        session=session, token_hash=hash_token(refresh.token), created_at=now
    )
    return IssuedPair(
        access_token=access.token,
        refresh_token=refresh.token,
        expires_in=int(access_lifetime.total_seconds()),
    )


async def sign_in(ctx: AuthContext, *, email: str, password: str) -> IssuedPair:
    user = await users.user_by_email(normalise_email(email))
    # Unknown email and wrong password: same answer, same argon2 cost.
    valid = ctx.passwords.verify(password, user.password_hash if user else None)
    rules.check_sign_in(user.status if user else None, password_ok=valid)
    assert user is not None  # check_sign_in refused an unknown email
    return await _open_session(ctx, user)


async def authenticate(ctx: AuthContext, token: str) -> tuple[User, AuthSession]:
    """The user and session behind an access token, or 401."""
    claims = ctx.tokens.decode(token, kind=ACCESS, now=ctx.now())
    session = await queries.session_with_user(claims["sid"])
    state = SessionState.of(session) if session is not None else None
    refusal = rules.access_refusal(state, subject=claims["sub"], now=ctx.now())
    if refusal is not None:
        raise refusal
    assert session is not None  # access_refusal refused a missing session
    return session.user, session


async def rotate_refresh_token(
    ctx: AuthContext, *, refresh_token: str
) -> IssuedPair | RefreshReuse:
    """A new pair for a valid, unused refresh token.

    Returns ``RefreshReuse`` (not raises) when a spent token comes back, after revoking its
    family: the caller must commit that revocation, then answer 401.
    """
    now = ctx.now()
    claims = ctx.tokens.decode(refresh_token, kind=REFRESH, now=now)
    record = await queries.refresh_token_with_session(hash_token(refresh_token))
    state = SessionState.of(record.session) if record is not None else None
    refusal = rules.refresh_refusal(state, token_session_id=claims["sid"], now=now)
    if refusal is not None:
        raise refusal
    assert record is not None  # refresh_refusal refused an unknown token
    session = record.session
    claimed = await queries.claim_refresh_token(record.id, at=now)
    outcome = rules.after_claim(claimed=claimed, user_status=session.user.status)
    if outcome is RefreshOutcome.REVOKE_FAMILY:
        await revoke_sessions(ctx, user=session.user, reason="refresh_token_reuse", only=session)
        return RefreshReuse()
    return await _issue_pair(ctx, session=session, user_id=session.user.id)


async def refresh(ctx: AuthContext, *, refresh_token: str) -> IssuedPair:
    """Rotate a refresh token in a transaction of its own: the one exception to the request's
    unit of work. A detected reuse must commit the family's revocation and still answer 401,
    so the error is raised only after the transaction is done."""
    async with queries.transaction():
        outcome = await rotate_refresh_token(ctx, refresh_token=refresh_token)
    if isinstance(outcome, RefreshReuse):
        raise outcome
    return outcome


async def revoke_sessions(
    ctx: AuthContext, *, user: User, reason: str, only: AuthSession | None = None
) -> int:
    """Revoke one session or all of a user's sessions, and tell the other services."""
    count = await queries.revoke_open_sessions(
        user.id, at=ctx.now(), reason=reason, session_id=only.id if only is not None else None
    )
    await outbox.add(
        EVENTS.user_tokens_revoked,
        rules.tokens_revoked_data(
            str(user.id), reason=reason, session_id=str(only.id) if only is not None else None
        ),
    )
    return count


async def sign_out(ctx: AuthContext, *, user: User, session: AuthSession) -> None:
    await revoke_sessions(ctx, user=user, reason="signout", only=session)


# --- passwords ----------------------------------------------------------------------------


async def _set_password(ctx: AuthContext, user: User, new_password: str, reason: str) -> None:
    user.password_hash = ctx.passwords.hash(new_password)
    await users.save_user(user, ["password_hash"])
    # Outstanding reset links die with the old password.
    await queries.spend_unused_tokens(user.id, TokenPurpose.RESET, at=ctx.now())
    await revoke_sessions(ctx, user=user, reason=reason)


async def change_password(
    ctx: AuthContext, *, user: User, current_password: str, new_password: str
) -> IssuedPair:
    rules.check_password_change(
        current_ok=ctx.passwords.verify(current_password, user.password_hash),
        current_password=current_password,
        new_password=new_password,
    )
    await _set_password(ctx, user, new_password, reason="password_changed")
    return await _open_session(ctx, user)


async def request_password_reset(ctx: AuthContext, *, email: str) -> tuple[User, str] | None:
    user = await users.user_by_email(normalise_email(email))
    if user is None or not rules.gets_reset_token(user.status):
        return None
    token = await _issue_one_time_token(
        ctx,
        user=user,
        purpose=TokenPurpose.RESET,
        lifetime=timedelta(minutes=ctx.settings.reset_token_minutes),
    )
    return user, token


async def reset_password(ctx: AuthContext, *, token: str, new_password: str) -> User:
    user = await _consume_one_time_token(ctx, token=token, purpose=TokenPurpose.RESET)
    await _set_password(ctx, user, new_password, reason="password_reset")
    return user


async def prune_expired_credentials(ctx: AuthContext) -> int:
    """Forget sessions and one-time tokens that expired a while ago (a job of the worker)."""
    return await queries.delete_expired_credentials(ctx.now() - rules.EXPIRED_CREDENTIALS_KEPT)


# --- mail requests (forgot password, resend activation) ------------------------------------


async def queue_mail_request(ctx: AuthContext, *, purpose: TokenPurpose, email: str) -> None:
    """Queue a reset or activation mail for ``email``: the same one insert whether or not an
    account uses the address; the worker decides (``issue_requested_token``)."""
    await queries.insert_mail_request(
        purpose=purpose, email=normalise_email(email), created_at=ctx.now()
    )


async def issue_requested_token(ctx: AuthContext, request: MailRequest) -> tuple[User, str] | None:
    """The worker's half of a queued request: the account and a fresh token to mail, or None
    when there is nothing to send (no account, a blocked one, an already verified one)."""
    if request.purpose is TokenPurpose.RESET:
        return await request_password_reset(ctx, email=request.email)
    return await new_activation_token(ctx, email=request.email)
