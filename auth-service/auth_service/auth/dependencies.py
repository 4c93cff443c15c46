from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import OAuth2PasswordBearer

from auth_service.auth.models import AuthSession
from auth_service.auth.service import authenticate
from auth_service.core.context import Ctx
from auth_service.users.models import Role, User
from chassis.errors import Forbidden, Unauthorized

# The token URL makes Swagger's "Authorize" button sign in with the password form.
oauth2_scheme = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/token", auto_error=False)


@dataclass
class Account:
    user: User
    session: AuthSession


async def current_account(
    ctx: Ctx, token: Annotated[str | None, Depends(oauth2_scheme)]
) -> Account:
    if not token:
        raise Unauthorized("Missing bearer token")
    user, session = await authenticate(ctx, token)
    return Account(user=user, session=session)


CurrentAccount = Annotated[Account, Depends(current_account)]


async def admin_account(account: CurrentAccount) -> Account:
    if account.user.role != Role.ADMIN:
        raise Forbidden("Only admins may do this")
    return account


AdminAccount = Annotated[Account, Depends(admin_account)]


async def client_ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"


ClientIP = Annotated[str, Depends(client_ip)]
