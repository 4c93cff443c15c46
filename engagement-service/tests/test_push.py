"""The push-delivery hook: chosen by a setting, called after the in-app delivery, never able to
stop it."""

from __future__ import annotations

import httpx
import pytest
from fastapi import FastAPI
from redis.asyncio import Redis

from engagement_service.core.service import delivery_relay
from engagement_service.notifications.delivery import DeliveryRelay
from engagement_service.notifications.push import InAppOnly, PushDelivery, load_push_delivery
from engagement_service.notifications.schemas import NotificationRead
from engagement_service.settings import EngagementSettings
from tests import events as ev
from tests.conftest import Bus, create_users, stream_entries


class Recorder:
    """What a deployment would write: a class with ``async def deliver(notification)``."""

    received: list[NotificationRead] = []

    def __init__(self, settings: object) -> None:
        self.settings = settings

    async def deliver(self, notification: NotificationRead) -> None:
        Recorder.received.append(notification)


class Broken(Recorder):
    async def deliver(self, notification: NotificationRead) -> None:
        raise RuntimeError("the push provider is down")


class NoDeliver:
    def __init__(self, settings: object) -> None:
        pass


def test_the_setting_names_the_class() -> None:
    settings = EngagementSettings(push_delivery_class="tests.test_push.Recorder")
    push = load_push_delivery(settings.push_delivery_class, settings)
    assert isinstance(push, Recorder) and push.settings is settings
    assert isinstance(load_push_delivery(EngagementSettings().push_delivery_class, None), InAppOnly)
    with pytest.raises(ValueError, match=r"package\.module\.ClassName"):
        load_push_delivery("Recorder", settings)
    with pytest.raises(ValueError, match="no such class"):
        load_push_delivery("tests.test_push.Missing", settings)
    with pytest.raises(TypeError, match="deliver"):
        load_push_delivery("tests.test_push.NoDeliver", settings)


@pytest.mark.parametrize("hook", [Recorder, Broken])
async def test_push_runs_after_the_stream_and_cannot_block_it(
    hook: type[Recorder], app: FastAPI, auth: httpx.AsyncClient, bus: Bus, redis: Redis
) -> None:
    ann, ben = await create_users(auth, bus, "Ann", "Ben")
    base = delivery_relay(app.state.resources)
    push: PushDelivery = hook(None)
    bus.relay = DeliveryRelay(
        redis,
        database_url=base.database_url,
        push=push,
        maxlen=base.maxlen,
        ttl_seconds=base.ttl_seconds,
    )
    Recorder.received.clear()
    post_id = ev.new_id()
    await bus.publish("post_created", ev.post(post_id, ann.id))
    await bus.publish("post_comment_created", ev.comment(ev.new_id(), post_id, ann.id, ben.id))
    await bus.drain()

    (entry,) = await stream_entries(redis, ann.id)
    assert entry[1] == "notification"
    if hook is Recorder:
        assert [str(n.id) for n in Recorder.received] == [entry[2]["id"]]
        assert Recorder.received[0].message == "Ben User commented on your post"
    else:
        assert Recorder.received == []


async def test_in_app_only_sends_nothing() -> None:
    assert await InAppOnly().deliver(None) is None  # type: ignore[arg-type]
