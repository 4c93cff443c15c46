"""The caller's notifications: list, unread count, read marks, deletion, and the live stream."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated

from fastapi import APIRouter, Depends, FastAPI, Header, Query, Request, Response, status
from fastapi.sse import EventSourceResponse, ServerSentEvent

from chassis.db import UnitOfWork
from chassis.pagination import Page, Pagination
from chassis.schemas import error_responses
from chassis.tokens import CurrentUser
from engagement_service.core.context import Ctx, EngagementContext
from engagement_service.notifications import service
from engagement_service.notifications.delivery import parse_last_event_id
from engagement_service.notifications.live import Subscription
from engagement_service.notifications.schemas import MarkedRead, NotificationRead, UnreadCount


@asynccontextmanager
async def _live_streams(app: FastAPI) -> AsyncIterator[None]:
    # Merged into the app's lifespan, inside the chassis's: the context exists by now, and
    # the open streams end (and the reader stops) before Redis is closed.
    yield
    context: EngagementContext = app.state.resources.context
    await context.live.shutdown()


router = APIRouter(tags=["notifications"], lifespan=_live_streams)


async def _last_event_id(
    last_event_id: Annotated[
        str | None,
        Header(
            alias="Last-Event-ID",
            max_length=64,
            description="The id of the last event received; the stream resumes after it.",
        ),
    ] = None,
) -> str | None:
    return parse_last_event_id(last_event_id)


LastEventId = Annotated[str | None, Depends(_last_event_id)]


async def _live_stream(
    request: Request, user: CurrentUser, ctx: Ctx, last_event_id: LastEventId
) -> AsyncIterator[Subscription]:
    """A counted stream (429/503 before the response starts), freed when the response ends,
    however it ends."""
    token = request.headers.get("authorization", "").partition(" ")[2].strip()
    subscription = await ctx.live.open(str(user.id), token=token, last_event_id=last_event_id)
    try:
        yield subscription
    finally:
        await ctx.live.close(subscription)


LiveStream = Annotated[Subscription, Depends(_live_stream)]


@router.get("/notifications", responses=error_responses(400, 401, 422, 503))
async def list_notifications(
    user: CurrentUser,
    page: Pagination,
    unread: Annotated[
        bool | None, Query(description="true: only unread; false: only read; absent: all")
    ] = None,
) -> Page[NotificationRead]:
    """The caller's notifications, most recently updated first."""
    items, cursor = await service.list_notifications(user.id, unread=unread, page=page)
    return Page(items=items, next_cursor=cursor)


@router.get("/notifications/unread-count", responses=error_responses(401, 503))
async def unread_count(user: CurrentUser) -> UnreadCount:
    """How many of the caller's notifications are unread."""
    return UnreadCount(unread=await service.unread_count(user.id))


@router.get(
    "/notifications/stream",
    response_class=EventSourceResponse,
    responses={
        200: {"description": "text/event-stream of `notification`, `notification_removed` "
              "and `notification_read` events"},
        **error_responses(401, 422, 429, 503),
    },
)  # fmt: skip
async def stream_notifications(stream: LiveStream, ctx: Ctx) -> AsyncIterator[ServerSentEvent]:
    """Live notifications over Server-Sent Events; resume with Last-Event-ID."""
    async for event in ctx.live.events(stream):
        yield event


@router.post("/notifications/read-all", responses=error_responses(401, 503))
async def read_all(user: CurrentUser, ctx: Ctx, _: UnitOfWork) -> MarkedRead:
    """Mark every notification of the caller read."""
    return MarkedRead(marked=await service.mark_all_read(user.id, now=ctx.now()))


@router.post("/notifications/{notification_id}/read", responses=error_responses(401, 404, 422, 503))
async def read_one(
    notification_id: uuid.UUID, user: CurrentUser, ctx: Ctx, _: UnitOfWork
) -> NotificationRead:
    """Mark one of the caller's notifications read (again is fine)."""
    return await service.mark_read(user.id, notification_id, now=ctx.now())


@router.delete(
    "/notifications/{notification_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=error_responses(401, 404, 422, 503),
)
async def delete_one(notification_id: uuid.UUID, user: CurrentUser, _: UnitOfWork) -> Response:
    """Delete one of the caller's notifications."""
    await service.delete_notification(user.id, notification_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
