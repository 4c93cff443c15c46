"""Words this service shares with others through its events and API."""

from __future__ import annotations

from enum import Enum
from typing import Literal


class ContentType(str, Enum):
    POST = "POST"
    COMMENT = "COMMENT"


class Decision(str, Enum):
    """What an analysis decides (``analysis.analyzer.decide``), kept with each case."""

    APPROVE = "APPROVE"
    REVIEW = "REVIEW"
    REMOVE = "REMOVE"


class PostStatus(str, Enum):
    """A post's status at the post service (``post_created`` / ``post_updated``): only a
    POSTED post is visible to anyone but its author."""

    DRAFT = "DRAFT"
    POSTED = "POSTED"
    ARCHIVED = "ARCHIVED"


class Reason(str, Enum):
    """Why content is flagged: the seed's four reasons plus SPAM (``contracts/events``)."""

    OFFENSIVE_CONTENT = "OFFENSIVE_CONTENT"
    NUDITY = "NUDITY"
    RULES_VIOLATION = "RULES_VIOLATION"
    RACISM = "RACISM"
    SPAM = "SPAM"


# When two signals score the same, the more specific reason names the case.
REASON_PRECEDENCE: dict[Reason, int] = {
    Reason.RACISM: 5,
    Reason.NUDITY: 4,
    Reason.RULES_VIOLATION: 3,
    Reason.OFFENSIVE_CONTENT: 2,
    Reason.SPAM: 1,
}

# The reasons a blocklist term can carry (spam has its own rules).
BlocklistReason = Literal["RACISM", "NUDITY", "RULES_VIOLATION", "OFFENSIVE_CONTENT"]
