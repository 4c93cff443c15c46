from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from chassis.tokens import Identity, require_roles

# Moderators and admins; any other role gets 403.
Moderator = Annotated[Identity, Depends(require_roles("moderator", "admin"))]
