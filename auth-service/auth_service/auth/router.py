"""Sign-up, activation, sign-in, tokens and passwords (``/auth``)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Depends, Response, status
from fastapi.security import OAuth2PasswordRequestForm
from tortoise.transactions import in_transaction

from auth_service.auth import service
from auth_service.auth.dependencies import ClientIP, CurrentAccount
from auth_service.auth.mails import activation_mail, reset_mail
from auth_service.auth.password_policy import MAX_LENGTH
from auth_service.auth.schemas import (
    Accepted,
    ActivateRequest,
    ChangePasswordRequest,
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


def _pair(issued: service.IssuedPair) -> TokenPair:
    return TokenPair(
        access_token=issued.access_token,
        refresh_token=issued.refresh_token,
        expires_in=issued.expires_in,
    )


async def _limit_signin(ctx: AuthContext, ip: str, email: str) -> None:
    await _limit(ctx, f"signin:ip:{ip}", ctx.settings.signin_per_ip)
    await _limit(
        ctx, f"signin:email:{service.normalise_email(email)}", ctx.settings.signin_per_email
    )


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
async def resend_activation(
    body: EmailRequest, ctx: Ctx, background: BackgroundTasks, _: UnitOfWork
) -> Accepted:
    """Mail a new activation link, if the address belongs to an unverified account."""
    await _limit(
        ctx,
        f"activation:email:{service.normalise_email(body.email)}",
        ctx.settings.password_reset_per_email,
    )
    found = await service.new_activation_token(ctx, email=body.email)
    if found:
        user, token = found
        _mail_after_commit(background, ctx, user.email, activation_mail(ctx.settings, token))
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
    if len(form.username) > 320 or len(form.password) > MAX_LENGTH * 4:
        raise Unprocessable("Username or password too long")
    await _limit_signin(ctx, ip, form.username)
    return _pair(await service.sign_in(ctx, email=form.username, password=form.password))


@router.post("/refresh", responses=error_responses(401, 422))
async def refresh(body: RefreshRequest, ctx: Ctx) -> TokenPair:
    """Rotate a refresh token: the old one is spent, a new pair is returned."""
    # Not the UnitOfWork dependency: a detected reuse must commit the family's revocation and
    # still answer 401, so the error is raised only after the transaction is done.
    async with in_transaction():
        outcome = await service.rotate_refresh_token(ctx, refresh_token=body.refresh_token)
    if isinstance(outcome, service.RefreshReuse):
        raise outcome
    return _pair(outcome)


@router.post("/signout", status_code=status.HTTP_204_NO_CONTENT, responses=error_responses(401))
async def signout(account: CurrentAccount, ctx: Ctx, _: UnitOfWork) -> Response:
    """End this session: its access and refresh tokens stop working."""
    await service.sign_out(ctx, user=account.user, session=account.session)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/verify-token", responses=error_responses(401))
async def verify_token(account: CurrentAccount) -> Identity:
    """Who holds this access token: used by every other service."""
    return Identity.of(account.user)


@router.post("/change-password", responses=error_responses(401, 409, 422))
async def change_password(
    body: ChangePasswordRequest, account: CurrentAccount, ctx: Ctx, _: UnitOfWork
) -> TokenPair:
    """Set a new password; every session, this one included, ends, and a new pair is returned."""
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
async def forgot_password(
    body: EmailRequest, ctx: Ctx, ip: ClientIP, background: BackgroundTasks, _: UnitOfWork
) -> Accepted:
    """Mail a password-reset link; the answer is the same whether or not the account exists."""
    await _limit(ctx, f"reset:ip:{ip}", ctx.settings.password_reset_per_ip)
    await _limit(
        ctx,
        f"reset:email:{service.normalise_email(body.email)}",
        ctx.settings.password_reset_per_email,
    )
    found = await service.request_password_reset(ctx, email=body.email)
    if found:
        user, reset_token = found
        _mail_after_commit(background, ctx, user.email, reset_mail(ctx.settings, reset_token))
    return Accepted(detail="If an account uses this address, a reset link is on its way.")


@router.post("/reset-password", responses=error_responses(401, 422))
async def reset_password(body: ResetPasswordRequest, ctx: Ctx, _: UnitOfWork) -> Accepted:
    """Set a new password with the token from the reset mail; all sessions end."""
    await service.reset_password(ctx, token=body.token, new_password=body.new_password)
    return Accepted(detail="Password updated. Sign in with the new password.")
