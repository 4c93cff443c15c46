from __future__ import annotations

import uuid

from pydantic import BaseModel, Field


class Author(BaseModel):
    """Who wrote a comment or reacted: the id and the name to show."""

    id: uuid.UUID
    display_name: str | None = Field(description="None when the account is unknown or deleted")
