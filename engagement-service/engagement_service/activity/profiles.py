"""Reading activity profiles: counters, connections and score put together."""

from __future__ import annotations

import uuid

from chassis.tokens import Identity
from engagement_service.activity import queries
from engagement_service.activity.schemas import (
    ActivityProfile,
    PublicActivityProfile,
    private_fields,
    public_fields,
)
from engagement_service.users import service as users


async def own_profile(identity: Identity) -> ActivityProfile:
    """The caller's profile. Before this service has heard of the account (its
    ``user_registered`` is still on the way) it is all zeros, with the caller's names as auth
    gave them."""
    user_id = identity.id
    user = await users.get_undeleted_user(user_id)
    counters = await queries.counters_of(user_id)
    fields = public_fields(
        user_id=user_id,
        first_name=user.first_name if user else _claim(identity, "first_name"),
        last_name=user.last_name if user else _claim(identity, "last_name"),
        counters=counters,
        connections=await queries.count_connections(user_id),
        score=user.score if user else 0.0,
        score_updated_at=user.score_updated_at if user else None,
        include_views=True,
    )
    return ActivityProfile.model_validate({**fields, **private_fields(counters)})


async def public_profile(user_id: uuid.UUID) -> PublicActivityProfile | None:
    """Another user's public profile; None for an unknown, deleted or banned user."""
    user = await users.get_undeleted_user(user_id)
    if user is None or user.status == "BANNED":
        return None
    fields = public_fields(
        user_id=user_id,
        first_name=user.first_name,
        last_name=user.last_name,
        counters=await queries.counters_of(user_id),
        connections=await queries.count_connections(user_id),
        score=user.score,
        score_updated_at=user.score_updated_at,
        include_views=False,
    )
    return PublicActivityProfile.model_validate(fields)


def _claim(identity: Identity, name: str) -> str:
    """A name claim from auth's answer, read defensively (the chassis does not interpret it)."""
    value = identity.claims.get(name)
    return value if isinstance(value, str) else ""
