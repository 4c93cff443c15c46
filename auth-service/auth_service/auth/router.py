"""Sign-up, activation, sign-in, tokens and passwords (``/auth``)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Depends, Response, status
from fastapi.exceptions import RequestValidationError
from fastapi.security import OAuth2PasswordRequestForm
from pydantic import TypeAdapter, ValidationError

from auth_service.auth import service
from auth_service.auth.dependencies import ClientIP, CurrentAccount
from auth_service.auth.mails import activation_mail
from auth_service.auth.models import TokenPurpose
from auth_service.auth.password_policy import MAX_LENGTH
from auth_service.auth.rules import normalise_email
from auth_service.auth.schemas import (
    Accepted,
    ActivateRequest,
    ChangePasswordRequest,
    Email,
    EmailRequest,
    RefreshRequest,
    ResetPasswordRequest,
    SigninRequest,
    SignupRequest,
    TokenPair,
)
from auth_service.core.context import AuthContext, Ctx
from auth_service.core.mail import send_quietly
from auth_service.users.schemas import Identity, Me
from chassis.db import UnitOfWork
from chassis.errors import Unprocessable
from chassis.schemas import error_responses

router = APIRouter(prefix="/auth", tags=["auth"])


async def _limit(ctx: AuthContext, key: str, rule: tuple[int, int]) -> None:
    """Count one attempt against ``key`` under ``rule`` = (attempts, window seconds)."""
    await ctx.limiter.hit(key, limit=rule[0], window_seconds=rule[1])


def _mail_after_commit(
    background: BackgroundTasks, ctx: AuthContext, to: str, mail: tuple[str, str]
) -> None:
    # Background tasks run after the response, so after the unit of work has committed.
    subject, body = mail
    background.add_task(send_quietly, ctx.mailer, to=to, subject=subject, body=body)


_EMAIL = TypeAdapter(Email)


def _form_email(username: str) -> str:
    """The OAuth2 form's ``username``, checked like sign-up's email. A bad one is the same 422
    as a malformed form (``validation_error``, ``loc`` body.username); a wrong password stays
    401 ``invalid_credentials``. The form class is FastAPI's, so the check is made here."""
    try:
        return _EMAIL.validate_python(username)
    except ValidationError as exc:
        errors = exc.errors(include_url=False, include_input=False, include_context=False)
        raise RequestValidationError(
            [{**error, "loc": ("body", "username")} for error in errors]
        ) from None


def _pair(issued: service.IssuedPair) -> TokenPair:
    return TokenPair(
        access_token=issued.access_token,
        refresh_token=issued.refresh_token,
        expires_in=issued.expires_in,
    )


async def _limit_signin(ctx: AuthContext, ip: str, email: str) -> None:
    await _limit(ctx, f"signin:ip:{ip}", ctx.settings.signin_per_ip)
    await _limit(ctx, f"signin:email:{normalise_email(email)}", ctx.settings.signin_per_email)


@router.post(
    "/signup",
    status_code=status.HTTP_201_CREATED,
    responses=error_responses(409, 422, 429),
)
async def signup(
    body: SignupRequest, ctx: Ctx, ip: ClientIP, background: BackgroundTasks, _: UnitOfWork
) -> Me:
    """Create an account; an activation link is mailed."""
    await _limit(ctx, f"signup:ip:{ip}", ctx.settings.signup_per_ip)
    user, token = await service.register_user(
        ctx,
        email=body.email,
        password=body.password,
        first_name=body.first_name,
        last_name=body.last_name,
        interests=body.interests,
    )
    _mail_after_commit(background, ctx, user.email, activation_mail(ctx.settings, token))
    return Me.of(user)


@router.post("/activate", responses=error_responses(401, 422))
async def activate(body: ActivateRequest, ctx: Ctx, _: UnitOfWork) -> Me:
    """Verify an email address with the token from the activation mail."""
    return Me.of(await service.activate_account(ctx, token=body.token))


@router.post(
    "/resend-activation",
    status_code=status.HTTP_202_ACCEPTED,
    responses=error_responses(422, 429),
)
async def resend_activation(body: EmailRequest, ctx: Ctx, ip: ClientIP, _: UnitOfWork) -> Accepted:
    """Mail a new activation link, if the address belongs to an unverified account."""
    await _limit(ctx, f"activation:ip:{ip}", ctx.settings.password_reset_per_ip)
    await _limit(
        ctx,
        f"activation:email:{normalise_email(body.email)}",
        ctx.settings.password_reset_per_email,
    )
    # Queued either way; the worker finds the account (see auth/mails.py).
    await service.queue_mail_request(ctx, purpose=TokenPurpose.ACTIVATE, email=body.email)
    return Accepted(detail="If the account exists and is not verified, a new link is on its way.")


@router.post("/signin", responses=error_responses(401, 403, 422, 429))
async def signin(body: SigninRequest, ctx: Ctx, ip: ClientIP, _: UnitOfWork) -> TokenPair:
    """Exchange email and password for an access and a refresh token."""
    await _limit_signin(ctx, ip, body.email)
    return _pair(await service.sign_in(ctx, email=body.email, password=body.password))


@router.post("/token", responses=error_responses(401, 403, 422, 429))
async def token(
    form: Annotated[OAuth2PasswordRequestForm, Depends()], ctx: Ctx, ip: ClientIP, _: UnitOfWork
) -> TokenPair:
    """OAuth2 password flow (Swagger's Authorize button): the username is the email."""
    email = _form_email(form.username)
    if len(form.password) > MAX_LENGTH * 4:
        raise Unprocessable("Username or password too long")
    await _limit_signin(ctx, ip, email)
    return _pair(await service.sign_in(ctx, email=email, password=form.password))


@router.post("/refresh", responses=error_responses(401, 422))
async def refresh(body: RefreshRequest, ctx: Ctx) -> TokenPair:
    """Rotate a refresh token: the old one is spent, a new pair is returned."""
    # Not the UnitOfWork dependency: a detected reuse must commit the family's revocation and
    # still answer 401, so the service opens its own transaction (see service.refresh).
    return _pair(await service.refresh(ctx, refresh_token=body.refresh_token))


@router.post("/signout", status_code=status.HTTP_204_NO_CONTENT, responses=error_responses(401))
async def signout(account: CurrentAccount, ctx: Ctx, _: UnitOfWork) -> Response:
    """End this session: its access and refresh tokens stop working."""
    await service.sign_out(ctx, user=account.user, session=account.session)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/verify-token", responses=error_responses(401))
async def verify_token(account: CurrentAccount) -> Identity:
    """Who holds this access token: used by every other service."""
    return Identity.of(account.user)


@router.post("/change-password", responses=error_responses(401, 409, 422, 429))
async def change_password(
    body: ChangePasswordRequest, account: CurrentAccount, ctx: Ctx, ip: ClientIP, _: UnitOfWork
) -> TokenPair:
    """Set a new password; every session, this one included, ends, and a new pair is returned."""
    # Counted before the current password is checked, as sign-in is: a stolen access token
    # must not buy unlimited guesses, and past the limit even the right password waits.
    await _limit(ctx, f"change-password:ip:{ip}", ctx.settings.change_password_per_ip)
    await _limit(
        ctx, f"change-password:user:{account.user.id}", ctx.settings.change_password_per_user
    )
    issued = await service.change_password(
        ctx,
        user=account.user,
        current_password=body.current_password,
        new_password=body.new_password,
    )
    return _pair(issued)


@router.post(
    "/forgot-password",
    status_code=status.HTTP_202_ACCEPTED,
    responses=error_responses(422, 429),
)
async def forgot_password(body: EmailRequest, ctx: Ctx, ip: ClientIP, _: UnitOfWork) -> Accepted:
    """Mail a password-reset link; the answer is the same whether or not the account exists."""
    await _limit(ctx, f"reset:ip:{ip}", ctx.settings.password_reset_per_ip)
    await _limit(
        ctx,
        f"reset:email:{normalise_email(body.email)}",
        ctx.settings.password_reset_per_email,
    )
    # Queued either way, so the request does the same work for an unknown address as for an
    # account (no enumeration by timing); the worker finds the account (see auth/mails.py).
    await service.queue_mail_request(ctx, purpose=TokenPurpose.RESET, email=body.email)
    return Accepted(detail="If an account uses this address, a reset link is on its way.")


@router.post("/reset-password", responses=error_responses(401, 422))
async def reset_password(body: ResetPasswordRequest, ctx: Ctx, _: UnitOfWork) -> Accepted:
    """Set a new password with the token from the reset mail; all sessions end."""
    await service.reset_password(ctx, token=body.token, new_password=body.new_password)
    return Accepted(detail="Password updated. Sign in with the new password.")
