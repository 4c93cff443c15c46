"""Activity profiles: the caller's own (everything) and anyone's public part."""

from __future__ import annotations

import uuid

from fastapi import APIRouter

from chassis.errors import NotFound
from chassis.schemas import error_responses
from chassis.tokens import CurrentUser
from engagement_service.activity import profiles
from engagement_service.activity.schemas import ActivityProfile, PublicActivityProfile

router = APIRouter(tags=["activity"])


@router.get("/me/activity-profile", responses=error_responses(401, 503))
async def my_activity_profile(user: CurrentUser) -> ActivityProfile:
    """The caller's activity profile, private counts included."""
    return await profiles.own_profile(user)


@router.get("/users/{user_id}/activity-profile", responses=error_responses(401, 404, 422, 503))
async def user_activity_profile(user_id: uuid.UUID, user: CurrentUser) -> PublicActivityProfile:
    """A user's public activity profile (no drafts, archived posts or views made)."""
    found = await profiles.public_profile(user_id)
    if found is None:
        raise NotFound("User not found", code="user_not_found")
    return found
