"""The rules of accounts and sessions (``auth.rules``, ``auth.password_policy``), without a
database: plain values in, a decision or a typed error out."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone

import pytest

from auth_service.auth.password_policy import MAX_LENGTH, MIN_LENGTH, check_password
from auth_service.auth.rules import (
    RefreshOutcome,
    SessionState,
    access_refusal,
    after_claim,
    check_password_change,
    check_sign_in,
    gets_activation_token,
    gets_reset_token,
    normalise_email,
    one_time_token_usable,
    refresh_refusal,
    tokens_revoked_data,
)
from auth_service.users.models import UserStatus
from chassis.errors import AppError, Conflict, Forbidden, Unauthorized

NOW = datetime(2026, 12, 8, 12, 0, tzinfo=timezone.utc)
USER_ID = str(uuid.uuid4())
SESSION_ID = str(uuid.uuid4())


def session(
    *,
    revoked_at: datetime | None = None,
    expires_at: datetime = NOW + timedelta(days=30),
    user_status: UserStatus = UserStatus.ACTIVE,
) -> SessionState:
    return SessionState(
        id=SESSION_ID,
        user_id=USER_ID,
        revoked_at=revoked_at,
        expires_at=expires_at,
        user_status=user_status,
    )


def code_of(error: AppError | None) -> str | None:
    return None if error is None else error.code


def test_emails_are_compared_trimmed_and_lower_cased() -> None:
    assert normalise_email("  Ada@Example.COM ") == "ada@example.com"


# --- sign-in and access tokens ------------------------------------------------------------


def test_sign_in_gives_unknown_email_and_wrong_password_the_same_answer() -> None:
    for status, password_ok in [(None, True), (None, False), (UserStatus.ACTIVE, False)]:
        with pytest.raises(Unauthorized) as refused:
            check_sign_in(status, password_ok=password_ok)
        assert refused.value.code == "invalid_credentials"
        assert refused.value.message == "Incorrect email or password"


@pytest.mark.parametrize(
    ("status", "message"),
    [
        (UserStatus.BANNED, "This account is banned"),
        (UserStatus.INACTIVE, "This account is inactive"),
    ],
)
def test_blocked_accounts_cannot_sign_in_even_with_the_right_password(
    status: UserStatus, message: str
) -> None:
    with pytest.raises(Forbidden) as refused:
        check_sign_in(status, password_ok=True)
    assert (refused.value.code, refused.value.message) == ("account_blocked", message)


@pytest.mark.parametrize("status", [UserStatus.ACTIVE, UserStatus.MUTED])
def test_active_and_muted_accounts_sign_in(status: UserStatus) -> None:
    check_sign_in(status, password_ok=True)


def test_an_access_token_holds_while_its_session_is_live_and_its_user_may_sign_in() -> None:
    assert access_refusal(session(), subject=USER_ID, now=NOW) is None
    muted = session(user_status=UserStatus.MUTED)
    assert access_refusal(muted, subject=USER_ID, now=NOW) is None


@pytest.mark.parametrize(
    ("state", "subject"),
    [
        (None, USER_ID),  # no such session
        (session(), str(uuid.uuid4())),  # the session is another user's
        (session(revoked_at=NOW - timedelta(minutes=1)), USER_ID),  # signed out or revoked
        (session(expires_at=NOW), USER_ID),  # expired at this very instant
    ],
)
def test_an_access_token_dies_with_its_session(state: SessionState | None, subject: str) -> None:
    refusal = access_refusal(state, subject=subject, now=NOW)
    assert isinstance(refusal, Unauthorized)
    assert code_of(refusal) == "token_revoked"


@pytest.mark.parametrize("status", [UserStatus.BANNED, UserStatus.INACTIVE])
def test_an_access_token_of_a_blocked_account_is_refused(status: UserStatus) -> None:
    refusal = access_refusal(session(user_status=status), subject=USER_ID, now=NOW)
    assert isinstance(refusal, Unauthorized)
    assert code_of(refusal) == "account_blocked"


# --- refresh-token rotation ---------------------------------------------------------------


def test_a_refresh_token_of_a_live_session_may_be_spent() -> None:
    assert refresh_refusal(session(), token_session_id=SESSION_ID, now=NOW) is None


def test_an_unknown_refresh_token_or_one_naming_another_session_is_invalid() -> None:
    unknown = refresh_refusal(None, token_session_id=SESSION_ID, now=NOW)
    elsewhere = refresh_refusal(session(), token_session_id=str(uuid.uuid4()), now=NOW)
    assert code_of(unknown) == code_of(elsewhere) == "invalid_token"


@pytest.mark.parametrize(
    "state", [session(revoked_at=NOW - timedelta(seconds=1)), session(expires_at=NOW)]
)
def test_a_refresh_token_of_an_ended_session_is_refused(state: SessionState) -> None:
    assert code_of(refresh_refusal(state, token_session_id=SESSION_ID, now=NOW)) == (
        "token_revoked"
    )


def test_winning_the_claim_rotates_within_the_same_family() -> None:
    assert after_claim(claimed=True, user_status=UserStatus.ACTIVE) is RefreshOutcome.ROTATE
    assert after_claim(claimed=True, user_status=UserStatus.MUTED) is RefreshOutcome.ROTATE


@pytest.mark.parametrize("status", list(UserStatus))
def test_losing_the_claim_is_reuse_and_ends_the_family_whatever_the_account(
    status: UserStatus,
) -> None:
    # Decided before the account's status: a replayed token of a banned account still ends
    # its family (and the reuse answer is committed), it is not a mere account_blocked.
    assert after_claim(claimed=False, user_status=status) is RefreshOutcome.REVOKE_FAMILY


@pytest.mark.parametrize("status", [UserStatus.BANNED, UserStatus.INACTIVE])
def test_a_blocked_account_gets_no_new_pair(status: UserStatus) -> None:
    with pytest.raises(Unauthorized) as refused:
        after_claim(claimed=True, user_status=status)
    assert refused.value.code == "account_blocked"


def test_revocation_events_name_one_session_or_all_of_them() -> None:
    assert tokens_revoked_data(USER_ID, reason="signout", session_id=SESSION_ID) == {
        "user_id": USER_ID,
        "reason": "signout",
        "session_id": SESSION_ID,
    }
    assert tokens_revoked_data(USER_ID, reason="password_reset", session_id=None) == {
        "user_id": USER_ID,
        "reason": "password_reset",
        "session_id": None,
    }


# --- one-time tokens, passwords, mail requests --------------------------------------------


def test_a_one_time_token_is_usable_once_and_before_it_expires() -> None:
    later = NOW + timedelta(minutes=30)
    assert one_time_token_usable(used_at=None, expires_at=later, now=NOW)
    assert not one_time_token_usable(used_at=NOW - timedelta(seconds=1), expires_at=later, now=NOW)
    assert not one_time_token_usable(used_at=None, expires_at=NOW, now=NOW)


def test_a_password_change_needs_the_current_password_then_a_different_one() -> None:
    with pytest.raises(Unauthorized) as wrong:
        check_password_change(current_ok=False, current_password="a", new_password="a")
    assert wrong.value.code == "invalid_credentials"
    with pytest.raises(Conflict) as same:
        check_password_change(current_ok=True, current_password="same one", new_password="same one")
    assert same.value.code == "same_password"
    check_password_change(current_ok=True, current_password="old one", new_password="new one")


def test_reset_links_go_to_accounts_that_may_sign_in() -> None:
    assert {s for s in UserStatus if gets_reset_token(s)} == {UserStatus.ACTIVE, UserStatus.MUTED}


def test_activation_links_go_to_unverified_accounts_only() -> None:
    assert gets_activation_token(is_verified=False)
    assert not gets_activation_token(is_verified=True)


@pytest.mark.parametrize(
    ("password", "email", "problem"),
    [
        ("x" * (MIN_LENGTH - 1), None, "at least"),
        ("xy" * (MAX_LENGTH // 2) + "z", None, "at most"),
        ("password", None, "too common"),
        ("abababababab", None, "too repetitive"),
        ("Ada.Lovelace", "ada.lovelace@example.com", "email"),
    ],
)
def test_the_password_policy_says_what_is_wrong(
    password: str, email: str | None, problem: str
) -> None:
    with pytest.raises(ValueError, match=problem):
        check_password(password, email=email)


def test_the_password_policy_returns_a_good_password_unchanged() -> None:
    good = "correct horse battery staple"
    assert check_password(good, email="ada@example.com") == good
    longest = ("é, a passphrase " * MAX_LENGTH)[:MAX_LENGTH]
    assert check_password(longest) == longest
