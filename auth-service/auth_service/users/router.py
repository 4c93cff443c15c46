"""Profiles, connections (``/users``) and account administration (``/admin``)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from auth_service.auth.dependencies import AdminAccount, CurrentAccount
from auth_service.core.context import Ctx
from auth_service.core.vocabulary import INTERESTS
from auth_service.users import service
from auth_service.users.schemas import (
    AdminUserUpdate,
    ConnectionRead,
    ConnectResult,
    InterestChoices,
    Me,
    ProfileUpdate,
    PublicUser,
)
from chassis.db import UnitOfWork
from chassis.pagination import Page, Pagination
from chassis.schemas import error_responses

router = APIRouter(tags=["users"])


@router.get("/users/interests-choices")
async def interest_choices() -> InterestChoices:
    """The interests a profile may list (the same words as post categories)."""
    return InterestChoices(interests=list(INTERESTS))


@router.get("/users/me", responses=error_responses(401))
async def read_me(account: CurrentAccount) -> Me:
    """The caller's own account."""
    return Me.of(account.user)


@router.patch("/users/me", responses=error_responses(401, 422))
async def update_me(body: ProfileUpdate, account: CurrentAccount, _: UnitOfWork) -> Me:
    """Change names or interests; only the fields sent are changed."""
    changes = body.model_dump(exclude_unset=True)
    return Me.of(await service.update_profile(account.user, changes=changes))


@router.delete("/users/me", status_code=status.HTTP_204_NO_CONTENT, responses=error_responses(401))
async def delete_me(account: CurrentAccount, _: UnitOfWork) -> Response:
    """Delete the caller's account; every service removes what it holds of it."""
    await service.delete_account(account.user)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/users", responses=error_responses(400, 401, 422))
async def list_users(
    account: CurrentAccount,
    page: Pagination,
    search: Annotated[str | None, Query(max_length=100, description="Words of a name")] = None,
) -> Page[PublicUser]:
    """List or search users by name, newest first."""
    users, cursor = await service.list_users(search=search, page=page)
    return Page(items=[PublicUser.of(u) for u in users], next_cursor=cursor)


@router.get("/users/me/connections", responses=error_responses(400, 401, 422))
async def my_connections(account: CurrentAccount, page: Pagination) -> Page[ConnectionRead]:
    """The caller's connections, most recent first."""
    return await _connections(account.user.id, page)


@router.get("/users/{user_id}", responses=error_responses(401, 404, 422))
async def read_user(user_id: uuid.UUID, account: CurrentAccount) -> PublicUser:
    """Another user's public profile (no email)."""
    return PublicUser.of(await service.get_user(user_id))


@router.get("/users/{user_id}/connections", responses=error_responses(400, 401, 404, 422))
async def user_connections(
    user_id: uuid.UUID, account: CurrentAccount, page: Pagination
) -> Page[ConnectionRead]:
    """A user's connections, most recent first."""
    return await _connections(user_id, page)


async def _connections(user_id: uuid.UUID, page: Pagination) -> Page[ConnectionRead]:
    rows, cursor = await service.list_connections(user_id, page=page)
    items = [ConnectionRead(user=PublicUser.of(c.other), connected_at=c.created_at) for c in rows]
    return Page(items=items, next_cursor=cursor)


@router.post(
    "/users/{user_id}/connect",
    status_code=status.HTTP_201_CREATED,
    responses={200: {"model": ConnectResult}, **error_responses(400, 401, 404, 422)},
)
async def connect(
    user_id: uuid.UUID, account: CurrentAccount, response: Response, _: UnitOfWork
) -> ConnectResult:
    """Connect with a user (both ways). 201 when new, 200 when already connected."""
    other, created = await service.connect(account.user, other_id=user_id)
    if not created:
        response.status_code = status.HTTP_200_OK
    return ConnectResult(created=created, user=PublicUser.of(other))


@router.delete(
    "/users/{user_id}/disconnect",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=error_responses(400, 401, 404, 422),
)
async def disconnect(user_id: uuid.UUID, account: CurrentAccount, _: UnitOfWork) -> Response:
    """Remove a connection (both ways); 204 whether or not it existed."""
    await service.disconnect(account.user, other_id=user_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.patch(
    "/admin/users/{user_id}", tags=["admin"], responses=error_responses(400, 401, 403, 404, 422)
)
async def administer_user(
    user_id: uuid.UUID, body: AdminUserUpdate, admin: AdminAccount, ctx: Ctx, _: UnitOfWork
) -> Me:
    """Change a user's role or status (admins only). A ban ends all of the user's sessions."""
    target = await service.administer_user(
        ctx, admin.user, target_id=user_id, role=body.role, status=body.status
    )
    return Me.of(target)
