"""User reports: each raises its case's priority in the queue; enough of them since the last
moderator decision send approved content back to review.

Content we never saw, that is gone, or that the reporter cannot see (another user's draft,
say) cannot be reported, and all get the same answer: a report must not tell whether hidden
content exists. Who sees what mirrors the post service: a POSTED post is visible to everyone
signed in, a DRAFT or an ARCHIVED one (or one whose status we never learnt) only to its author;
a comment when its post is visible.
"""

from __future__ import annotations

import uuid

from tortoise.exceptions import IntegrityError

from chassis.errors import BadRequest, Conflict, NotFound
from moderation_service.core.context import ModerationContext
from moderation_service.core.vocabulary import ContentType, PostStatus, Reason
from moderation_service.moderations import queries as cases
from moderation_service.moderations.models import ActionType, Moderation, ModerationStatus
from moderation_service.moderations.rules import refresh_queue
from moderation_service.moderations.service import record
from moderation_service.reports import queries
from moderation_service.reports.models import Report

# --- rules (pure) ----------------------------------------------------------------------------


def sees_post(post: Moderation, user_id: uuid.UUID) -> bool:
    """The post service's rule: a POSTED post is visible to everyone signed in; a DRAFT or an
    ARCHIVED one (or one whose status we never learnt) only to its author."""
    return post.post_status == PostStatus.POSTED or post.author_id == user_id


def sees_content(moderation: Moderation, post: Moderation | None, user_id: uuid.UUID) -> bool:
    """Whether ``user_id`` can see the content of the case (assumed not deleted): a post as the
    post service shows it, a comment when its post (``post``, the post's case if we have one)
    is visible to them."""
    if moderation.content_type == ContentType.POST:
        return sees_post(moderation, user_id)
    if post is None:
        # A comment is only ever written on a POSTED post (post_comment_created), and we have
        # heard nothing of the post since.
        return True
    return post.content_deleted_at is None and sees_post(post, user_id)


def reaches_review(status: ModerationStatus, *, open_reports: int, reports_to_review: int) -> bool:
    """Whether reports send approved content back to review."""
    return status == ModerationStatus.APPROVED and open_reports >= reports_to_review


# --- reports ---------------------------------------------------------------------------------


async def can_see(moderation: Moderation, user_id: uuid.UUID) -> bool:
    post = None
    if moderation.content_type == ContentType.COMMENT and moderation.post_id is not None:
        post = await cases.find_post_case(moderation.post_id)
    return sees_content(moderation, post, user_id)


async def recount_reports(moderation: Moderation) -> None:
    """Set the case's report counters from its reports (all, and those since its review)."""
    moderation.report_count = await queries.count_reports(moderation.id)
    if moderation.reviewed_at is None:
        moderation.open_reports = moderation.report_count
    else:
        moderation.open_reports = await queries.count_reports(
            moderation.id, after=moderation.reviewed_at
        )


async def report_content(
    ctx: ModerationContext,
    *,
    reporter_id: uuid.UUID,
    content_type: ContentType,
    content_id: uuid.UUID,
    reason: Reason,
    note: str | None,
) -> Report:
    moderation = await cases.lock_case(content_type, content_id)
    if (
        moderation is None
        or moderation.content_deleted_at is not None
        or not await can_see(moderation, reporter_id)
    ):
        raise NotFound("No such content")
    if moderation.author_id == reporter_id:
        raise BadRequest("You cannot report your own content", code="own_content")
    if await queries.report_exists(moderation.id, reporter_id):
        raise Conflict("You already reported this content", code="already_reported")
    now = ctx.now()
    try:
        report = await queries.insert_report(
            moderation_id=moderation.id,
            reporter_id=reporter_id,
            reason=reason,
            note=note,
            created_at=now,
        )
    except IntegrityError as exc:  # a concurrent identical report won the race
        raise Conflict("You already reported this content", code="already_reported") from exc
    await recount_reports(moderation)
    previous = moderation.status
    if reaches_review(
        previous,
        open_reports=moderation.open_reports,
        reports_to_review=ctx.settings.reports_to_review,
    ):
        moderation.status = ModerationStatus.PENDING_REVIEW
        moderation.decided_at = now
        await record(
            moderation,
            ActionType.REPORTS_THRESHOLD,
            now=now,
            from_status=previous,
            data={"open_reports": moderation.open_reports},
        )
    refresh_queue(moderation)
    await cases.save_case(moderation)
    return report


async def forget_reporter(reporter_id: uuid.UUID) -> set[uuid.UUID]:
    """A deleted account's reports go (their cases' counters are the caller's to recount);
    the ids of the cases they were about."""
    return await queries.delete_reports_by(reporter_id)
