"""A service's event handlers, declared next to the domain they feed.

    # posts/consumers.py
    consumers = Consumers[PostContext]()

    @consumers.on(EVENTS.content_removal_requested)
    async def on_content_removal_requested(ctx: PostContext, event: Envelope) -> None:
        data = RemovalRequested.model_validate(event.data)
        await service.remove_by_moderation(ctx, post_id=data.content_id, ...)

    # core/service.py
    ServiceDefinition(..., consumers=Consumers.merge(authors.consumers, posts.consumers))

Every handler has the signature ``(ctx, event)``. Several handlers of one service may take the
same event type (one per domain it feeds); they run in the order declared, in the same
transaction. The chassis binds the context once the service has started and adds token-cache
eviction itself (see ``chassis.contracts``).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

from chassis.events.consumer import Handler
from chassis.events.envelope import Envelope

C = TypeVar("C")
ContextHandler = Callable[[C, Envelope], Awaitable[None]]
F = TypeVar("F", bound=Callable[..., Awaitable[None]])


class Consumers(Generic[C]):
    def __init__(self) -> None:
        self._handlers: dict[str, list[ContextHandler[C]]] = {}

    def on(self, *event_types: str) -> Callable[[F], F]:
        """Register the decorated ``async def on_<event>(ctx, event)`` for these types (names
        from ``chassis.contracts.EventTypes``, so each has a contract)."""
        if not event_types:
            raise ValueError("name at least one event type")

        def register(handler: F) -> F:
            for event_type in event_types:
                self._handlers.setdefault(event_type, []).append(handler)
            return handler

        return register

    @classmethod
    def merge(cls, *parts: Consumers[C]) -> Consumers[C]:
        merged: Consumers[C] = cls()
        for part in parts:
            for event_type, handlers in part._handlers.items():
                merged._handlers.setdefault(event_type, []).extend(handlers)
        return merged

    @property
    def event_types(self) -> list[str]:
        return sorted(self._handlers)

    def handlers_for(self, event_type: str) -> list[ContextHandler[C]]:
        return list(self._handlers.get(event_type, []))

    def bind(self, ctx: C, *, after: dict[str, list[Handler]] | None = None) -> dict[str, Handler]:
        """One consumer handler per event type: this registry's handlers with ``ctx``, then the
        context-free ones in ``after`` (the chassis's token eviction), in order."""
        types = set(self._handlers) | set(after or {})
        return {t: _chain(ctx, self._handlers.get(t, []), (after or {}).get(t, [])) for t in types}


def _chain(ctx: C, handlers: list[ContextHandler[C]], plain: list[Handler]) -> Handler:
    if len(handlers) == 1 and not plain:
        only = handlers[0]

        async def single(event: Envelope) -> None:
            await only(ctx, event)

        return single

    async def chained(event: Envelope) -> None:
        for handler in handlers:
            await handler(ctx, event)
        for extra in plain:
            await extra(event)

    return chained
