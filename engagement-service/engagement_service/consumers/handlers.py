"""One handler per consumed event type.

Each runs inside the consumer's transaction, after the chassis recorded the event id in
``processed_event``; so a duplicate delivery never reaches it. Beyond that, every handler is
safe to see the same fact twice under another event id, and in any order (see
``activity.service`` and ``users.service``). Each ends by applying its counter deltas and
moving the scores of the users it touched.
"""

from __future__ import annotations

from datetime import timedelta

from chassis.events import Envelope, Handler
from engagement_service.activity import service as activity
from engagement_service.activity.service import COMMENT, LIVE, REACTION, VIEW, Item, Tally
from engagement_service.consumers.models import (
    CommentEvent,
    ConnectionChange,
    ContentRemoved,
    PostDeleted,
    PostState,
    ReactionEvent,
    UserDeleted,
    UserState,
    ViewEvent,
)
from engagement_service.core import events
from engagement_service.core.context import EngagementContext
from engagement_service.notifications import service as notifications
from engagement_service.notifications.models import NotificationType
from engagement_service.recommendations import service as recommendations
from engagement_service.users import service as users


class EngagementHandlers:
    def __init__(self, ctx: EngagementContext, *, evict: Handler) -> None:
        self.ctx = ctx
        self.evict = evict

    @property
    def window(self) -> timedelta:
        return timedelta(seconds=self.ctx.settings.reaction_group_window_seconds)

    async def _finish(self, tally: Tally) -> None:
        await tally.apply(now=self.ctx.now())

    def as_dict(self) -> dict[str, Handler]:
        return {
            events.USER_REGISTERED: self.on_user_registered,
            events.USER_UPDATED: self.on_user_updated,
            events.USER_DELETED: self.on_user_deleted,
            events.USER_CONNECTED: self.on_user_connected,
            events.USER_DISCONNECTED: self.on_user_disconnected,
            events.USER_TOKENS_REVOKED: self.evict,
            events.POST_CREATED: self.on_post_state,
            events.POST_UPDATED: self.on_post_state,
            events.POST_DELETED: self.on_post_deleted,
            events.POST_COMMENT_CREATED: self.on_comment_created,
            events.POST_COMMENT_UPDATED: self.on_comment_updated,
            events.POST_COMMENT_DELETED: self.on_comment_deleted,
            events.POST_REACTION_CREATED: self.on_reaction_created,
            events.POST_REACTION_UPDATED: self.on_reaction_updated,
            events.POST_REACTION_DELETED: self.on_reaction_deleted,
            events.POST_VIEWED: self.on_post_viewed,
            events.CONTENT_REMOVED: self.on_content_removed,
        }

    # --- users ------------------------------------------------------------------------------

    async def on_user_registered(self, event: Envelope) -> None:
        """A profile exists from the moment the account does."""
        data = UserState.model_validate(event.data)
        if await users.apply_user_state(**data.model_dump(), at=event.occurred_at):
            # Activity about the user may have arrived before the account did.
            await activity.refresh_scores([data.user_id], now=self.ctx.now())

    async def on_user_updated(self, event: Envelope) -> None:
        await self.on_user_registered(event)
        await self.evict(event)

    async def on_user_deleted(self, event: Envelope) -> None:
        """The profile goes, and whatever the user did stops counting for others."""
        user_id = UserDeleted.model_validate(event.data).user_id
        now = self.ctx.now()
        await activity.lock_exclusive(activity.user_key(user_id))
        await users.tombstone_user(user_id=user_id, now=now)
        tally = Tally()
        items = await activity.forget_user(tally, user_id=user_id, now=now)
        # Their connections lost one: recomputed in full (connections are not items).
        tally.refresh.update(await users.forget_connections(user_id=user_id))
        await notifications.forget_recipient(user_id)
        await notifications.withdraw_for_items([i for i in items if i.actor_id == user_id], now=now)
        await notifications.withdraw_from(user_id)
        await recommendations.forget_dismissals(user_id)
        await self._finish(tally)

    async def on_user_connected(self, event: Envelope) -> None:
        data = ConnectionChange.model_validate(event.data)
        if await users.set_connection(
            user_id=data.user_id, other_id=data.other_user_id, connected=True, at=event.occurred_at
        ):
            await notifications.notify(
                user_id=data.other_user_id,
                type=NotificationType.USER_CONNECTED,
                actor_id=data.user_id,
                subject_id=data.user_id,
                now=self.ctx.now(),
            )
            await activity.refresh_scores([data.user_id, data.other_user_id], now=self.ctx.now())

    async def on_user_disconnected(self, event: Envelope) -> None:
        data = ConnectionChange.model_validate(event.data)
        if await users.set_connection(
            user_id=data.user_id, other_id=data.other_user_id, connected=False, at=event.occurred_at
        ):
            await notifications.withdraw_connection(
                user_id=data.user_id, other_id=data.other_user_id
            )
            await activity.refresh_scores([data.user_id, data.other_user_id], now=self.ctx.now())

    # --- posts ------------------------------------------------------------------------------

    async def on_post_state(self, event: Envelope) -> None:
        """``post_created`` and ``post_updated``: the newest state of the post wins."""
        data = PostState.model_validate(event.data)
        tally = Tally()
        await activity.upsert_post(tally, **data.model_dump())
        await self._finish(tally)

    async def on_post_deleted(self, event: Envelope) -> None:
        """Everything on the post stops counting; its unread notifications are withdrawn."""
        data = PostDeleted.model_validate(event.data)
        tally = Tally()
        await activity.delete_post(
            tally,
            post_id=data.post_id,
            author_id=data.author_id,
            categories=data.categories,
            status=data.status,
            now=self.ctx.now(),
        )
        await notifications.withdraw_about_post(data.post_id)
        await self._finish(tally)

    # --- comments ---------------------------------------------------------------------------

    async def _add_comment(self, tally: Tally, data: CommentEvent, event: Envelope) -> Item | None:
        return await activity.add_item(
            tally,
            kind=COMMENT,
            item_id=data.comment_id,
            actor_id=data.author_id,
            owner_id=data.post_author_id,
            post_id=data.post_id,
            parent_id=data.parent_id,
            categories=data.categories,
            occurred_at=data.created_at or event.occurred_at,
        )

    async def _notify_comment(self, item: Item, excerpt: str | None) -> None:
        now = self.ctx.now()
        replied_to = None
        if item.parent_id is not None:
            parent = await activity.get_item(item.parent_id)
            if parent is not None and parent.kind == COMMENT and parent.state == LIVE:
                replied_to = parent.actor_id
                await notifications.notify(
                    user_id=parent.actor_id,
                    type=NotificationType.COMMENT_REPLY,
                    actor_id=item.actor_id,
                    post_id=item.post_id,
                    subject_id=item.item_id,
                    data={"excerpt": excerpt, "parent_id": str(item.parent_id)},
                    now=now,
                )
        if item.owner_id != replied_to:  # the reply notice already tells them
            await notifications.notify(
                user_id=item.owner_id,
                type=NotificationType.POST_COMMENT_RECEIVED,
                actor_id=item.actor_id,
                post_id=item.post_id,
                subject_id=item.item_id,
                data={"excerpt": excerpt},
                now=now,
            )
        # Replies that arrived before this comment could not say whom they answered.
        for reply in await activity.live_replies_to(item.item_id):
            if reply.actor_id != item.actor_id and not await notifications.exists_about(
                user_id=item.actor_id, subject_id=reply.item_id
            ):
                await notifications.notify(
                    user_id=item.actor_id,
                    type=NotificationType.COMMENT_REPLY,
                    actor_id=reply.actor_id,
                    post_id=reply.post_id,
                    subject_id=reply.item_id,
                    data={"excerpt": None, "parent_id": str(item.item_id)},
                    now=now,
                )

    async def on_comment_created(self, event: Envelope) -> None:
        data = CommentEvent.model_validate(event.data)
        tally = Tally()
        item = await self._add_comment(tally, data, event)
        if item is not None:
            await self._notify_comment(item, data.excerpt)
        await self._finish(tally)

    async def on_comment_updated(self, event: Envelope) -> None:
        """An edit; if it is the first news of the comment, it counts as its creation."""
        data = CommentEvent.model_validate(event.data)
        tally = Tally()
        item = await self._add_comment(tally, data, event)
        if item is not None:
            await self._notify_comment(item, data.excerpt)
        elif data.excerpt is not None:
            await notifications.update_comment_excerpt(
                comment_id=data.comment_id, excerpt=data.excerpt
            )
        await self._finish(tally)

    async def on_comment_deleted(self, event: Envelope) -> None:
        data = CommentEvent.model_validate(event.data)
        tally = Tally()
        item = await activity.remove_item(
            tally,
            kind=COMMENT,
            item_id=data.comment_id,
            actor_id=data.author_id,
            owner_id=data.post_author_id,
            post_id=data.post_id,
            parent_id=data.parent_id,
            categories=data.categories,
            occurred_at=event.occurred_at,
        )
        if item is not None:
            await notifications.withdraw_for_items([item], now=self.ctx.now())
        await self._finish(tally)

    # --- reactions --------------------------------------------------------------------------

    async def _add_reaction(
        self, tally: Tally, data: ReactionEvent, event: Envelope
    ) -> Item | None:
        item = await activity.add_item(
            tally,
            kind=REACTION,
            item_id=data.reaction_id,
            actor_id=data.user_id,
            owner_id=data.post_author_id,
            post_id=data.post_id,
            type=data.type,
            categories=data.categories,
            occurred_at=data.created_at or event.occurred_at,
        )
        if item is not None:
            await notifications.notify_reaction(
                owner_id=item.owner_id,
                actor_id=item.actor_id,
                post_id=item.post_id,
                reaction_type=item.type,
                reacted_at=item.occurred_at,
                window=self.window,
                now=self.ctx.now(),
            )
        return item

    async def on_reaction_created(self, event: Envelope) -> None:
        data = ReactionEvent.model_validate(event.data)
        tally = Tally()
        await self._add_reaction(tally, data, event)
        await self._finish(tally)

    async def on_reaction_updated(self, event: Envelope) -> None:
        """A new type; if it is the first news of the reaction, it counts as its creation."""
        data = ReactionEvent.model_validate(event.data)
        tally = Tally()
        known = await activity.get_item(data.reaction_id) is not None
        if known or await self._add_reaction(tally, data, event) is None:
            await activity.change_reaction_type(
                tally, item_id=data.reaction_id, new_type=data.type, at=event.occurred_at
            )
        await self._finish(tally)

    async def on_reaction_deleted(self, event: Envelope) -> None:
        data = ReactionEvent.model_validate(event.data)
        tally = Tally()
        item = await activity.remove_item(
            tally,
            kind=REACTION,
            item_id=data.reaction_id,
            actor_id=data.user_id,
            owner_id=data.post_author_id,
            post_id=data.post_id,
            type=data.type,
            categories=data.categories,
            occurred_at=event.occurred_at,
        )
        if item is not None:
            await notifications.withdraw_for_items([item], now=self.ctx.now())
        await self._finish(tally)

    # --- views ------------------------------------------------------------------------------

    async def on_post_viewed(self, event: Envelope) -> None:
        data = ViewEvent.model_validate(event.data)
        tally = Tally()
        await activity.add_item(
            tally,
            kind=VIEW,
            item_id=data.view_id,
            actor_id=data.user_id,
            owner_id=data.post_author_id,
            post_id=data.post_id,
            categories=data.categories,
            occurred_at=data.viewed_at,
        )
        await self._finish(tally)

    # --- moderation -------------------------------------------------------------------------

    async def on_content_removed(self, event: Envelope) -> None:
        """Tell the author their content was removed, and why (once per moderation case).

        Content that was already gone (deleted by its author, or with its post) is not
        announced: there is nothing left for the author to look at."""
        data = ContentRemoved.model_validate(event.data)
        if data.already_gone or await notifications.exists_about(
            user_id=data.author_id, subject_id=data.moderation_id
        ):
            return
        await notifications.notify(
            user_id=data.author_id,
            type=NotificationType.CONTENT_REMOVED,
            actor_id=None,
            post_id=data.post_id,
            subject_id=data.moderation_id,
            data={
                "content_type": data.content_type,
                "content_id": str(data.content_id),
                "reason": data.reason,
            },
            now=self.ctx.now(),
        )
