"""The envelope every event travels in, and how it maps onto a Redis stream entry."""

from __future__ import annotations

import json
import uuid
from datetime import datetime, timezone
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

STREAM_PREFIX = "events"


def stream_for(event_type: str) -> str:
    """One stream per event type: ``events.user_registered``."""
    return f"{STREAM_PREFIX}.{event_type}"


def dead_letter_stream(group: str) -> str:
    """Each consuming service has its own dead-letter stream."""
    return f"deadletter.{group}"


class Envelope(BaseModel):
    model_config = ConfigDict(frozen=True)

    event_id: uuid.UUID = Field(default_factory=uuid.uuid4)
    type: str
    version: int = 1
    occurred_at: datetime = Field(default_factory=lambda: datetime.now(timezone.utc))
    producer: str
    data: dict[str, Any]

    def to_fields(self) -> dict[str, str]:
        """Flat string fields, readable by any Redis client; ``data`` is JSON."""
        return {
            "event_id": str(self.event_id),
            "type": self.type,
            "version": str(self.version),
            "occurred_at": self.occurred_at.astimezone(timezone.utc).isoformat(),
            "producer": self.producer,
            "data": json.dumps(self.data, separators=(",", ":"), default=str),
        }

    @classmethod
    def from_fields(cls, fields: dict[str, str]) -> Envelope:
        return cls(
            event_id=uuid.UUID(fields["event_id"]),
            type=fields["type"],
            version=int(fields["version"]),
            occurred_at=datetime.fromisoformat(fields["occurred_at"]),
            producer=fields["producer"],
            data=json.loads(fields["data"]),
        )

    def as_json(self) -> dict[str, Any]:
        """The envelope as JSON-compatible data (what contract schemas validate)."""
        return self.model_dump(mode="json")
