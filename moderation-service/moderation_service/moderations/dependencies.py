from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends

from chassis.tokens import Identity, require_roles

# Moderators and admins; any other role gets 403.
Moderator = Annotated[Identity, Depends(require_roles("moderator", "admin"))]


def caller_id(user: Identity) -> uuid.UUID:
    """The caller's id as the cases store ids. (``str``: the chassis's ``Identity.id`` is text
    today and a UUID once its reshaping lands; this reads both.)"""
    return uuid.UUID(str(user.id))
