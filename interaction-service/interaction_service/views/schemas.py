from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, Field


class ViewRecorded(BaseModel):
    view_id: uuid.UUID
    post_id: uuid.UUID
    viewed_at: datetime
    counted: bool = Field(description="True for the first view by this user inside the view window")


class ViewSummary(BaseModel):
    post_id: uuid.UUID
    unique_viewers: int
    counted_views: int = Field(description="Views counted once per user and window")
