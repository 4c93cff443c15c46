"""The rules of accounts and sessions, as pure functions: who may sign in, which token is
still good, what a refresh does, when a password may change, who gets a requested mail.

Nothing here reads or writes the database: ``auth.service`` loads what a rule needs
(``auth.queries``, ``users.queries``), asks the rule, and writes what it decided.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum
from typing import Any

from auth_service.auth.models import AuthSession
from auth_service.users.models import UserStatus
from auth_service.users.rules import is_blocked
from chassis.errors import Conflict, Forbidden, Unauthorized

# Sessions and one-time tokens are kept this long after they expire, then forgotten.
EXPIRED_CREDENTIALS_KEPT = timedelta(days=1)


def normalise_email(email: str) -> str:
    """Addresses are stored and compared lower-cased."""
    return email.strip().lower()


# --- sessions -----------------------------------------------------------------------------


@dataclass(frozen=True)
class SessionState:
    """What the rules need of a session (an ``AuthSession`` with its user)."""

    id: str
    user_id: str
    revoked_at: datetime | None
    expires_at: datetime
    user_status: UserStatus

    @classmethod
    def of(cls, session: AuthSession) -> SessionState:
        return cls(
            id=str(session.id),
            user_id=str(session.user_id),
            revoked_at=session.revoked_at,
            expires_at=session.expires_at,
            user_status=session.user.status,
        )

    def is_live(self, now: datetime) -> bool:
        return self.revoked_at is None and self.expires_at > now


def check_sign_in(status: UserStatus | None, *, password_ok: bool) -> None:
    """``status`` is None for an unknown email: the same answer as a wrong password."""
    if status is None or not password_ok:
        raise Unauthorized("Incorrect email or password", code="invalid_credentials")
    if is_blocked(status):
        raise Forbidden(f"This account is {status.value.lower()}", code="account_blocked")


def access_refusal(
    session: SessionState | None, *, subject: str, now: datetime
) -> Unauthorized | None:
    """Why an access token (of user ``subject``, naming ``session``) is no longer good, or
    None. A token dies with its session: signed out, revoked, expired, or not its user's."""
    if session is None or session.user_id != subject or not session.is_live(now):
        return Unauthorized("Token has been revoked", code="token_revoked")
    if is_blocked(session.user_status):
        return Unauthorized("Account is not active", code="account_blocked")
    return None


# --- refresh-token rotation ---------------------------------------------------------------


class RefreshReuse(Unauthorized):
    code = "token_reused"
    message = "Refresh token reuse detected; session revoked"


class RefreshOutcome(Enum):
    # The token was unused: issue a new pair on the same session (family).
    ROTATE = "rotate"
    # A spent token came back (stolen or replayed): end its family, and only it, then 401.
    REVOKE_FAMILY = "revoke_family"


def refresh_refusal(
    session: SessionState | None, *, token_session_id: str, now: datetime
) -> Unauthorized | None:
    """Why a refresh token is refused before it is spent, or None. ``session`` is the one
    its record belongs to (None: no record of this token)."""
    if session is None or session.id != token_session_id:
        return Unauthorized("Invalid refresh token", code="invalid_token")
    if not session.is_live(now):
        return Unauthorized("This session has ended", code="token_revoked")
    return None


def after_claim(*, claimed: bool, user_status: UserStatus) -> RefreshOutcome:
    """What a refresh does once it tried to spend its token. Losing the claim means the token
    was used before: that is reuse, whoever holds the account, and it is decided first. A
    blocked account gets no new pair (the refusal rolls its claim back)."""
    if not claimed:
        return RefreshOutcome.REVOKE_FAMILY
    if is_blocked(user_status):
        raise Unauthorized("Account is not active", code="account_blocked")
    return RefreshOutcome.ROTATE


def tokens_revoked_data(user_id: str, *, reason: str, session_id: str | None) -> dict[str, Any]:
    """``user_tokens_revoked``: one session (``session_id``) or every one (None) of a user."""
    return {"user_id": user_id, "reason": reason, "session_id": session_id}


# --- one-time tokens, passwords and mail requests ------------------------------------------


def one_time_token_usable(*, used_at: datetime | None, expires_at: datetime, now: datetime) -> bool:
    return used_at is None and expires_at > now


def invalid_link() -> Unauthorized:
    return Unauthorized("This link is invalid or has expired", code="invalid_token")


def check_password_change(*, current_ok: bool, current_password: str, new_password: str) -> None:
    if not current_ok:
        raise Unauthorized("Current password is incorrect", code="invalid_credentials")
    if current_password == new_password:
        raise Conflict("The new password must differ from the current one", code="same_password")


def gets_reset_token(status: UserStatus) -> bool:
    """A reset link goes to an account that may sign in."""
    return not is_blocked(status)


def gets_activation_token(*, is_verified: bool) -> bool:
    """An activation link goes to an account not verified yet."""
    return not is_verified
