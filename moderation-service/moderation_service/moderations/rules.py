"""The rules of a moderation case (pure: no I/O), shared by every domain that changes one.

A case moves between four statuses (README, "Cases"):

    APPROVED <-> PENDING_REVIEW -> DELETE_REQUESTED -> DELETE_CONFIRMED
    (APPROVED -> DELETE_REQUESTED too, by a moderator or a re-analysis)

- An analysis sets APPROVED, PENDING_REVIEW or DELETE_REQUESTED (``Decision``), see
  ``screening``.
- DELETE_REQUESTED always comes with a ``content_removal_requested`` event (automatic or a
  moderator's removal alike); the owning service's ``content_removed`` makes it
  DELETE_CONFIRMED (``deletions``).
- A moderator approves PENDING_REVIEW (or dismisses the reports of APPROVED content) and
  removes APPROVED or PENDING_REVIEW content (``decisions``). Anything else is a 409.
- An appeal (the author's, of a removal) keeps the status, since removed content cannot be
  restored from here, and puts the case at the head of the queue; the moderator grants it
  (approve: the case becomes APPROVED, the removal is recorded as overturned) or denies it
  (remove), see ``appeals`` and ``decisions``.

The queue is every case that needs a moderator: an open appeal, or content that still exists
and is PENDING_REVIEW or APPROVED with reports nobody has looked at yet.
"""

from __future__ import annotations

from datetime import datetime

from moderation_service.core.vocabulary import Decision, PostStatus
from moderation_service.moderations.models import Moderation, ModerationStatus

STATUS_OF = {
    Decision.APPROVE: ModerationStatus.APPROVED,
    Decision.REVIEW: ModerationStatus.PENDING_REVIEW,
    Decision.REMOVE: ModerationStatus.DELETE_REQUESTED,
}
# A removal asked for or done: what an author may appeal, and what cannot be removed again.
REMOVAL = (ModerationStatus.DELETE_REQUESTED, ModerationStatus.DELETE_CONFIRMED)


def status_after_analysis(
    decision: Decision, *, open_reports: int, reports_to_review: int
) -> ModerationStatus:
    """The status an analysis gives: its decision's, except that content with enough
    unreviewed reports stays in review when the analysis would approve it."""
    status = STATUS_OF[decision]
    if status == ModerationStatus.APPROVED and open_reports >= reports_to_review:
        return ModerationStatus.PENDING_REVIEW
    return status


def needs_moderator(
    *, status: ModerationStatus, appealed: bool, content_deleted: bool, open_reports: int
) -> bool:
    """Whether a case belongs in the queue: an open appeal, or content that still exists and
    waits for review or has reports nobody has looked at."""
    if appealed:
        return True
    if content_deleted:
        return False
    return status == ModerationStatus.PENDING_REVIEW or (
        status == ModerationStatus.APPROVED and open_reports > 0
    )


def refresh_queue(moderation: Moderation) -> None:
    """Set ``queued`` from the case's state (``needs_moderator``)."""
    moderation.queued = needs_moderator(
        status=moderation.status,
        appealed=moderation.appealed,
        content_deleted=moderation.content_deleted_at is not None,
        open_reports=moderation.open_reports,
    )


def take_post_status(moderation: Moderation, status: PostStatus | None, *, at: datetime) -> bool:
    """Take a post's status from an event of the post service's time ``at`` (its
    ``updated_at``), unless an event as recent told us already; whether it was taken."""
    if status is None:
        return False
    if moderation.post_status_at is not None and at <= moderation.post_status_at:
        return False
    moderation.post_status, moderation.post_status_at = status, at
    return True
